"""The projected class report (``casekit class summarize --projection``) in Chromium on a 1920×1080
projector and a 1366×768 one: the overview of every stakeholder comes first, then the contents; every
slide is one screen and no chart is taller than it; the words in the charts stay readable; the moves
between two rounds are drawn; and axe-core finds no critical or serious violation. Screenshots of the
first screen, the contents and the moves are saved to the artifacts folder at both sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

import casekit
from casekit import classroom
from casekit.answers import AnswerStore
from casekit.i18n import t

from .support import Axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Per screen: the smallest text of any chart, and of a stakeholder's name on the overview, in CSS px.
SCREENS = {"1920x1080": (1920, 1080, 18.0, 24.0), "1366x768": (1366, 768, 12.0, 16.0)}
CHROME_PX = (
    170  # the most a slide's headings, padding and numbers line may take (tests/classroom/test_report.py)
)

# Every slide: where it is and, for a chart, the <img> box, its SVG's size (pt) and smallest text (pt),
# and the smallest stakeholder name's size (pt) when it is the overview.
_SLIDES_JS = """() => [...document.querySelectorAll('section.casekit-slide')].map((slide) => {
  const box = slide.getBoundingClientRect();
  const img = slide.querySelector('.casekit-chart img');
  const found = {id: slide.id, top: box.top + window.scrollY, height: box.height, chart: null};
  if (!img) return found;
  const svg = new DOMParser().parseFromString(atob(img.src.split(',')[1]), 'image/svg+xml');
  const view = svg.documentElement.getAttribute('viewBox').split(' ').map(Number);
  const sizes = (sel) => [...svg.querySelectorAll(sel)].map((el) => parseFloat(el.style.fontSize))
    .filter((v) => v > 0);
  const ibox = img.getBoundingClientRect();
  found.chart = {alt: img.alt, width: ibox.width, height: ibox.height, vw: view[2], vh: view[3],
                 smallest: Math.min(...sizes('text')),
                 names: Math.min(...sizes('g[id^="casekit-overview-label"] text'))};
  return found;
})"""


def _drawn_scale(chart: dict[str, Any]) -> float:
    """CSS px per SVG unit: the SVG drawn inside its <img> box at its own shape (object-fit: contain)."""
    return min(chart["width"] / chart["vw"], chart["height"] / chart["vh"])


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The projected report of a class of twelve in two rounds, with a stakeholder three of them added."""
    case = casekit.load_case("samskabelse", lang="da")
    base = tmp_path_factory.mktemp("projection")
    folder = base / "holdet"
    folder.mkdir()
    speakers = [a.id for a in case.actors if a.speaks]
    stores = []
    for n in range(12):
        store = AnswerStore.open(base / f"learner-{n}", case=case)
        placements: dict[str, Any] = {
            a.id: {"power": 1 + (i * 3 + n % 2) % 5, "interest": 1 + (i * 7 + n % 3) % 5}
            for i, a in enumerate(case.actors)
        }
        if n < 3:
            placements["own-1"] = {"name": "Lærerne", "at_table": False, "power": 2, "interest": 5}
        store.save("stakeholder-map", placements)
        store.save("goal-divergence", {a: 1 + (n + i) % 5 for i, a in enumerate(speakers)})
        for k, key in enumerate(("dilemma-1", "dilemma-2", "dilemma-3")):
            store.save(key, {"position": 1 + (n + k) % 5, "left": "", "right": "", "justification": "",
                             "paragraphs": [], "missing_voices": ""})  # fmt: skip
        store.save(
            "decision-point", {"choice": "interesser" if n % 2 else "maal-foerst", "justification": ""}
        )
        classroom.share(store, folder, case=case)
        stores.append(store)
    classroom.open_round(folder, "Efter diskussionen")
    for n, store in enumerate(stores[:9]):
        store.save("goal-divergence", {a: 1 + (2 * n + i) % 5 for i, a in enumerate(speakers)})
        store.save("dilemma-1", {**store.as_dict()["dilemma-1"], "position": 1 + (n * 2) % 5})
        classroom.share(store, folder, case=case)
    page = base / "rapport.html"
    page.write_text(classroom.render_report(classroom.summarize(folder, case=case), projection=True), "utf-8")
    return page


@pytest.mark.parametrize("screen", list(SCREENS))
def test_projected_report_fits_every_screen(
    browser_page: Page, axe: Axe, report: Path, e2e_artifacts: Path, screen: str
) -> None:
    """At 1920×1080 and 1366×768: the first screen is the title and the overview, wholly in view; then
    the contents; every slide is one screen, no chart is taller than the screen and each takes all but
    the slide's headings; the charts' smallest words and the overview's names are large enough to read
    from the back of a room; the moves are drawn; the contents link to them; the numbers open under a
    chart; and axe-core finds no critical or serious violation."""
    width, height, smallest_px, name_px = SCREENS[screen]
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(report.as_uri())
    slides = page.evaluate(_SLIDES_JS)

    first, contents = slides[0], slides[1]
    assert first["id"] == "overview" and first["top"] < 1 and first["chart"], "the overview is not first"
    assert first["chart"]["alt"].startswith(t("class.chart.overview.alt", "da", count=37, answers=12)[:40])
    assert page.locator("#overview img").evaluate("(el) => el.getBoundingClientRect().bottom") <= height
    assert page.locator("#contents").evaluate("(el) => el.closest('section').id === ''")
    assert contents["chart"] is None and contents["top"] == pytest.approx(height, abs=1)

    charts = [s for s in slides if s["chart"]]
    assert len(charts) >= 6 + 37  # overview, goals ×2, moves ×2, dilemmas, decision, answers, 37 details
    for slide in charts:
        chart, what = slide["chart"], slide["chart"]["alt"][:50]
        assert slide["height"] <= height + 1, f"a slide is taller than the screen: {what}"
        assert chart["height"] <= height, f"a chart is taller than the screen: {what}"
        assert chart["height"] >= height - CHROME_PX, f"a chart leaves the screen half empty: {what}"
        shown = chart["smallest"] * _drawn_scale(chart)
        assert shown >= smallest_px, f"words of {shown:.1f} px in {what}"
    overview = first["chart"]
    assert overview["names"] * _drawn_scale(overview) >= name_px
    moves = [s["chart"]["alt"] for s in charts if s["chart"]["alt"].startswith("Hældningsdiagram")]
    assert len(moves) == 2

    e2e_artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(e2e_artifacts / f"projection-{screen}-1-overview.png"))
    page.get_by_role("link", name=t("class.report.moves", "da")).click()
    page.wait_for_function("() => Math.abs(document.getElementById('moves').getBoundingClientRect().top) < 2")
    page.screenshot(path=str(e2e_artifacts / f"projection-{screen}-3-moves.png"))
    page.locator("#contents").scroll_into_view_if_needed()
    page.evaluate("() => document.getElementById('contents').closest('section').scrollIntoView()")
    page.screenshot(path=str(e2e_artifacts / f"projection-{screen}-2-contents.png"))
    axe.assert_no_serious(page)

    # The numbers behind the overview open under it: the table is there, the chart stays large.
    page.evaluate("() => window.scrollTo(0, 0)")
    page.locator("#overview summary").click()
    table = page.locator("#overview table")
    assert table.is_visible() and table.locator("tbody tr").count() == 37
    assert page.locator("#overview img").evaluate("(el) => el.getBoundingClientRect().height") >= height * 0.6
