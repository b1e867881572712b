"""The report: every section, escaped text, the projection mode and its arithmetic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casekit import charts, classroom, registry

from .support import (
    HOSTILE,
    all_answers,
    all_strings,
    export_doc,
    good_export,
    json_bytes,
    learner_store,
    zip_bytes,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory, case) -> classroom.ClassSummary:
    """A class of five in two rounds, with a hostile text answer and one skipped file."""
    folder = tmp_path_factory.mktemp("class")
    base = tmp_path_factory.mktemp("stores")
    stores = [learner_store(base, case, i) for i in range(5)]
    stores[0].save("organisering-1", HOSTILE)
    for store in stores:
        classroom.share(store, folder, ["organisering-1", "dilemma-1"], case=case)
    classroom.open_round(folder, "Anden runde")
    for store in stores[:3]:
        store.save(registry.GOAL_DIVERGENCE, {"kim": 5})
        classroom.share(store, folder, case=case)
    (folder / "1" / "junk.json").write_text("nope", encoding="utf-8")
    return classroom.summarize(folder, case=case)


@pytest.fixture(scope="module")
def page(summary: classroom.ClassSummary) -> str:
    """The class's report, rendered once for the tests that read it."""
    return classroom.render_report(summary)


@pytest.fixture(scope="module")
def text_page(summary: classroom.ClassSummary) -> str:
    """The report with the text answers, rendered once."""
    return classroom.render_report(summary, with_text=True)


@pytest.fixture(scope="module")
def projection_page(summary: classroom.ClassSummary) -> str:
    """The report for the classroom screen, rendered once."""
    return classroom.render_report(summary, projection=True)


class TestReport:
    """Every section, escaped text, the projection mode and its arithmetic."""

    def test_every_section(self, page: str, case):
        """Title, counts, rounds, a stakeholder spread per placed stakeholder, goals per round, moves,
        dilemmas, decision, the participation heat table, answer counts, skipped files."""
        assert page.startswith("<!DOCTYPE html>") and '<body class="casekit-report">' in page
        assert "5 studerende" in page and "Anden runde" in page and "Runde 1" in page
        for heading in (
            "stakeholders",
            "goals",
            "moves",
            "dilemmas",
            "decision",
            "participation",
            "answered",
            "skipped",
        ):
            assert f'id="{heading}"' in page, heading
        spreads = page.count("Holdets placering af ")
        assert spreads >= len(case.actors)  # a title per stakeholder (also in the alt text)
        assert page.count(charts.goal_spread(case, []).title) >= 2  # one per round
        assert '<table class="casekit-heat">' in page and "Overlade beslutningen" in page
        assert "(.json)</span>: ikke gyldig JSON" in page and "junk.json" not in page
        assert 'id="texts"' not in page and HOSTILE not in page

    def test_text_answers_only_with_text_and_escaped(self, text_page: str):
        """With with_text the ticked answers show under anonymous labels, escaped."""
        page = text_page
        assert 'id="texts"' in page and "Studerende 1" in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
        assert "hemmelig begrundelse" in page  # dilemma-1 was ticked
        assert "Forslag 0" not in page  # never ticked

    def test_participation_table_writes_the_counts(self, page: str, case):
        """Each heat cell has its count written in it, so the tint is never the only sign."""
        start = page.index('<table class="casekit-heat">')
        table = page[start : page.index("</table>", start)]
        cells = re.findall(r'<td class="casekit-heat-cell[^"]*" style="[^"]*">(\d+)</td>', table)
        assert len(cells) == 5 * len(case.actors)
        assert sum(map(int, cells)) == 5 * len(case.actors)

    def test_projection_mode(self, projection_page: str):
        """Projection: the projection body class, and every chart in a slide section."""
        page = projection_page
        assert '<body class="casekit-report casekit-projection">' in page
        assert page.count('<section class="casekit-slide"') >= page.count('<div class="casekit-chart">')

    def test_projection_labels_are_at_least_20_px(self, projection_page: str):
        """On a 1920×1080 screen, 13 pt labels show at ≥ 20 px: 13/72 in × min(width px / width in,
        height px / height in), with the widths and heights from the CSS rule and the figures' sizes."""
        css = (REPO / "casekit" / "templates" / "casekit.css").read_text(encoding="utf-8")
        section = css[css.index("/* -- projection") :]
        body = re.search(r"\.casekit-projection \{([^}]*)\}", section)[1]
        image = re.search(r"\.casekit-projection \.casekit-chart img \{([^}]*)\}", section)[1]
        slide = re.search(r"\.casekit-projection \.casekit-slide \{([^}]*)\}", section)[1]
        assert re.search(r"width: 100%", image) and re.search(r"object-fit: contain", image)
        assert "min-height: 100vh" in slide
        max_vh = int(re.search(r"max-height: (\d+)vh", image)[1])
        pad_vw = float(re.search(r"padding: 0 ([\d.]+)vw", body)[1])
        font = re.search(r"font-size: max\((\d+)px, ([\d.]+)vw\)", body)
        assert max(int(font[1]), 1920 * float(font[2]) / 100) >= 28
        screen_w, screen_h = 1920, 1080
        box_w, box_h = screen_w * (1 - 2 * pad_vw / 100), screen_h * max_vh / 100
        page = projection_page
        sizes = re.findall(
            r'<img alt="[^"]*" src="data:image/svg\+xml;base64,[^"]+" width="(\d+)" height="(\d+)"', page
        )
        assert len(sizes) >= 6
        for width, height in sizes:
            inches_w, inches_h = int(width) / charts.HTML_DPI, int(height) / charts.HTML_DPI
            px_per_inch = min(box_w / inches_w, box_h / inches_h)
            assert 13 / 72 * px_per_inch >= 20, (inches_w, inches_h, 13 / 72 * px_per_inch)

    def test_english(self, tmp_path: Path, case):
        """With lang="en" the report's words are English."""
        path = tmp_path / "one.json"
        path.write_bytes(good_export(case))
        page = classroom.render_report(classroom.summarize(path, lang="en"))
        assert "1 students" in page and "No names are shown." in page and "Studerende" not in page

    def test_hostile_text_stays_text(self, tmp_path: Path, case):
        """Markup and control characters in answers and names never become markup or terminal codes."""
        answers = all_answers(case, 1)
        answers["organisering-1"] = HOSTILE
        path = tmp_path / "hostile.zip"
        path.write_bytes(
            zip_bytes(
                {
                    "A_1_1/svar.json": json_bytes(export_doc(HOSTILE, answers)),
                    f"B_2_2/{HOSTILE}\x1b[31m.json": b"not json",
                }
            )
        )
        summary = classroom.summarize(path)
        page = classroom.render_report(summary, with_text=True)
        assert "<script>" not in page and "&lt;script&gt;" in page
        assert "\x1b" not in all_strings(summary) and "\x1b" not in page
