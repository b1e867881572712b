"""The report: every section, escaped text, the projection mode and its arithmetic."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from markupsafe import escape

from casekit import charts, classroom, registry
from casekit.i18n import t

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

_CHROME_PX = 170  # the most a projected slide's headings, padding and numbers line take (28 px type)


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
            "overview",
            "contents",
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
        """Projection: the projection body class, and every chart in a slide section of its own."""
        page = projection_page
        assert '<body class="casekit-report casekit-projection">' in page
        slides = re.findall(r'<section class="casekit-slide[ "].*?</section>', page, re.S)
        charts_in = [slide.count('<div class="casekit-chart">') for slide in slides]
        assert sum(charts_in) == page.count('<div class="casekit-chart">') and max(charts_in) == 1

    def test_overview_first_then_contents_then_details(self, projection_page: str, summary):
        """The page opens with the title and the overview (every stakeholder on one grid), then the
        contents, whose every link leads to a part of the page; the details come after."""
        page = projection_page
        slides = re.findall(r'<section class="casekit-slide[ "].*?</section>', page, re.S)
        overview = charts.stakeholder_overview(summary.case, [])
        assert 'id="overview"' in slides[0] and overview.title in slides[0]
        assert slides[0].count("<img") == 1 and "<h1" in slides[0]
        assert 'id="contents"' in slides[1] and "<nav" in slides[1]
        links = re.findall(r'href="#([^"]+)"', slides[1])
        assert {"overview", "goals", "moves", "dilemmas", "decision", "stakeholders"} <= set(links)
        for anchor in links:
            assert page.count(f'id="{anchor}"') == 1, anchor
        assert page.index('id="stakeholder-1"') > page.index('id="answered"')  # the 36 details come last

    def test_projected_charts_fit_the_screen(self, projection_page: str):
        """Every chart's SVG, scaled to the room a slide leaves it (the screen less its headings and the
        numbers line: at most 170 px, which tests/e2e/test_projection.py measures), shows its smallest text
        at 18 px or more on a 1920×1080 screen and 12 px or more on a 1366×768 one, and the <img> states
        the SVG's own size."""
        for src, width, height in re.findall(
            r'<img alt="[^"]*" src="data:image/svg\+xml;base64,([^"]+)" width="(\d+)" height="(\d+)"',
            projection_page,
        ):
            svg = base64.b64decode(src).decode("utf-8")
            w_pt, h_pt = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
            assert (round(w_pt / 72 * charts.HTML_DPI), round(h_pt / 72 * charts.HTML_DPI)) == (
                int(width),
                int(height),
            )
            smallest = min(float(v) for v in re.findall(r"font-size: ([\d.]+)px", svg))
            for (screen_w, screen_h), floor in (((1920, 1080), 18), ((1366, 768), 12)):
                box_w, box_h = screen_w * 0.96, screen_h - _CHROME_PX
                assert smallest * min(box_w / w_pt, box_h / h_pt) >= floor, (screen_h, smallest, w_pt, h_pt)

    def test_moves_are_drawn_with_their_words(self, page: str, summary):
        """Between two rounds, the moves are charts: for the speakers and for the dilemmas, each with
        the sentences of ClassSummary.moves and .dilemma_moves in its alt text and table."""
        first, second = summary.rounds
        goal_chart, dilemma_chart = summary.move_charts(first, second)
        assert goal_chart.title == charts.goal_moves(summary.case, [], "a", "b").title
        for move in summary.moves(first, second):
            assert move.sentence in goal_chart.alt
        for move in summary.dilemma_moves(first, second):
            assert move.sentence in dilemma_chart.alt
        assert str(escape(goal_chart.alt)) in page and str(escape(dilemma_chart.alt)) in page
        assert page.count(t("chart.table_summary", "da")) == page.count('<div class="casekit-chart">')

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
