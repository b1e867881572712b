"""The instructor's side in Chromium: two learners share from their own Voilà sessions and the instructor's
live view shows both, anonymously, and follows a learner who shares again; the class report and the
instructor notebook in projection mode read from the back of a room at 1920×1080 (body text ≥ 28 px, chart
labels ≥ 20 px) and pass axe-core."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import casekit
from casekit import charts, classroom
from casekit.answers import AnswerStore
from casekit.i18n import t

from .journey import ACTOR_ID, ACTOR_NAME, place_and_share
from .support import Axe, VoilaPage, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FULL_HD = {"width": 1920, "height": 1080}
LABEL_PT = 13  # the charts' smallest text
HTML_DPI = charts.HTML_DPI  # px per figure inch in the <img> width/height attributes

# For every chart image: its figure width and height in inches (from the attributes) and the drawn size.
_CHART_SIZES_JS = """() => [...document.querySelectorAll('.casekit-chart img, figure img')].map((img) => {
  const box = img.getBoundingClientRect();
  return {w: +img.getAttribute('width'), h: +img.getAttribute('height'), bw: box.width, bh: box.height,
          alt: img.getAttribute('alt') || ''};
})"""


def label_pixels(sizes: list[dict[str, Any]]) -> list[float]:
    """How tall a 13 pt chart label is drawn on screen, per chart (object-fit: contain keeps the aspect)."""
    pixels = []
    for s in sizes:
        if not (s["w"] and s["h"] and s["bw"] and s["bh"]):
            continue
        per_inch = min(s["bw"] / (s["w"] / HTML_DPI), s["bh"] / (s["h"] / HTML_DPI))
        pixels.append(LABEL_PT / 72 * per_inch)
    return pixels


def font_px(page: Page, selector: str) -> float:
    """The computed font size in px of the first element matching ``selector``."""
    return float(page.locator(selector).first.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)"))


def test_two_learners_share_live_and_the_instructor_sees_both(
    voila: Callable[[Path], VoilaPage], notebooks_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Learner A and learner B share from their own sessions; the instructor's view counts two and draws both
    placements of Majbritt; A places again and shares again; after Opdatér the view still counts two."""
    case = casekit.load_case("samskabelse", lang="da")
    shared = tmp_path / "holdet"
    shared.mkdir()
    monkeypatch.setenv(classroom.CLASS_ENV, str(shared))

    first = voila(notebooks_dir / "01_del1.ipynb")
    first.assert_clean(min_widgets=1)
    place_and_share(first.page, case, 5, 2)
    wait_for_answer(
        first.server.answers_dir, "stakeholder-map", lambda v: v == {ACTOR_ID: {"power": 5, "interest": 2}}
    )

    second = voila(notebooks_dir / "01_del1.ipynb")
    second.assert_clean(min_widgets=1)
    place_and_share(second.page, case, 1, 4)
    assert len(list(shared.rglob("*.json"))) == 2

    teacher = voila(notebooks_dir / "instructor" / "00_undervisning.ipynb")
    teacher.assert_clean(min_widgets=1)
    page = teacher.page
    expect(page.get_by_text("2 studerende har delt").first).to_be_visible(timeout=15_000)
    page.get_by_label(t("classview.stakeholder", "da"), exact=True).select_option(label=ACTOR_NAME)
    both = [{ACTOR_ID: {"power": 5, "interest": 2}}, {ACTOR_ID: {"power": 1, "interest": 4}}]
    expected = charts.stakeholder_spread(case, both, ACTOR_ID).alt
    expect(page.locator(f'img[alt="{expected}"]')).to_have_count(1, timeout=15_000)
    snapshots = "".join(p.read_text(encoding="utf-8") for p in shared.rglob("*.json"))
    for answers in (first.server.answers_dir, second.server.answers_dir):
        with AnswerStore.open(answers, case_id="samskabelse", create=False, read_only=True) as learner:
            assert learner.learner not in page.content() and learner.learner not in snapshots

    # Learner A changes their mind and shares again (A's session has ended: the same store, from Python);
    # on Opdatér the instructor's open page follows. A's own file is replaced, none is added.
    with AnswerStore.open(first.server.answers_dir, case_id="samskabelse", create=False) as learner_a:
        learner_a.save("stakeholder-map", {ACTOR_ID: {"power": 3, "interest": 3}})
        classroom.share(learner_a, shared, case=case)
    assert len(list(shared.rglob("*.json"))) == 2
    page.get_by_role("button", name=t("classview.refresh", "da")).click()
    moved = [{ACTOR_ID: {"power": 3, "interest": 3}}, {ACTOR_ID: {"power": 1, "interest": 4}}]
    expected = charts.stakeholder_spread(case, moved, ACTOR_ID).alt
    expect(page.locator(f'img[alt="{expected}"]')).to_have_count(1, timeout=15_000)
    expect(page.get_by_text("2 studerende har delt").first).to_be_visible()


def _class_folder(folder: Path, case: casekit.Case, learners: int = 6) -> Path:
    """A class folder with ``learners`` shares: placements, goals, dilemmas, a decision and a plan each."""
    for n in range(learners):
        with AnswerStore.open(folder.parent / f"learner-{n}", case=case) as store:
            store.save(
                "stakeholder-map",
                {a.id: {"power": 1 + (n + i) % 5, "interest": 1 + i % 5} for i, a in enumerate(case.actors)},
            )
            store.save(
                "goal-divergence", {a.id: 1 + (n + i) % 5 for i, a in enumerate(case.actors) if a.speaks}
            )
            for key in ("dilemma-1", "dilemma-2", "dilemma-3"):
                store.save(
                    key,
                    {
                        "position": 1 + n % 5,
                        "left": "",
                        "right": "",
                        "justification": "",
                        "paragraphs": [],
                        "missing_voices": "",
                    },
                )
            store.save(
                "decision-point", {"choice": "interesser" if n % 2 else "maal-foerst", "justification": ""}
            )
            store.save("proposal.participation", {"kim": "inform", "boern-unge": "involve"})
            classroom.share(store, folder, case=case)
    return folder


def test_projected_report_reads_from_the_back_of_the_room(
    browser_page: Page, axe: Axe, tmp_path: Path, e2e_artifacts: Path
) -> None:
    """The class report in projection mode at 1920×1080: body text ≥ 28 px, every chart's labels ≥ 20 px,
    one chart per screen, and no critical or serious axe-core violation."""
    case = casekit.load_case("samskabelse", lang="da")
    folder = tmp_path / "holdet"
    folder.mkdir()
    summary = classroom.summarize(_class_folder(folder, case), case=case)
    report = tmp_path / "rapport.html"
    report.write_text(classroom.render_report(summary, projection=True), encoding="utf-8")
    page = browser_page
    page.set_viewport_size(FULL_HD)
    page.goto(report.as_uri())
    assert font_px(page, "main p") >= 28
    sizes = page.evaluate(_CHART_SIZES_JS)
    assert len(sizes) >= 5, "expected the class's charts in the report"
    small = [(s["alt"][:60], px) for s, px in zip(sizes, label_pixels(sizes), strict=False) if px < 20]
    assert not small, f"chart labels under 20 px at 1920×1080: {small}"
    assert all(s["bh"] <= FULL_HD["height"] + 1 for s in sizes), "a chart is taller than one screen"
    # What the room sees: the first screen, and the first chart scrolled into view.
    e2e_artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(e2e_artifacts / "class-report-projection-1920x1080.png"))
    page.locator(".casekit-chart img, figure img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(e2e_artifacts / "class-report-projection-1920x1080-chart.png"))
    axe.assert_no_serious(page)


def test_instructor_notebook_projects_in_voila(
    voila: Callable[[Path], VoilaPage],
    axe: Axe,
    notebooks_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    e2e_artifacts: Path,
) -> None:
    """The instructor notebook in Voilà at 1920×1080 with projection mode on: body text ≥ 28 px, the live
    view's charts across the screen with labels ≥ 20 px, and no critical or serious axe-core violation."""
    case = casekit.load_case("samskabelse", lang="da")
    folder = tmp_path / "holdet"
    folder.mkdir()
    monkeypatch.setenv(classroom.CLASS_ENV, str(_class_folder(folder, case)))
    teacher = voila(notebooks_dir / "instructor" / "00_undervisning.ipynb")
    page = teacher.page
    page.set_viewport_size(FULL_HD)
    teacher.assert_clean(min_widgets=1)
    page.get_by_role("button", name=t("projection.toggle", "da")).click()
    expect(page.get_by_text("6 studerende har delt").first).to_be_visible(timeout=15_000)
    page.wait_for_timeout(500)
    assert font_px(page, ".jp-RenderedHTMLCommon p") >= 28
    assert font_px(page, ".widget-html-content p") >= 28
    assert font_px(page, ".jp-RenderedHTMLCommon td") >= 28  # the tables of references and frameworks
    stakeholder = page.get_by_label(t("classview.stakeholder", "da"), exact=True)
    assert stakeholder.evaluate("(el) => el.getBoundingClientRect().width") >= 200, "the dropdown is squeezed"
    sizes = [s for s in page.evaluate(_CHART_SIZES_JS) if s["w"]]
    assert sizes, "the live view shows no chart"
    small = [(s["alt"][:60], px) for s, px in zip(sizes, label_pixels(sizes), strict=False) if px < 20]
    assert not small, f"chart labels under 20 px at 1920×1080: {small}"
    e2e_artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(e2e_artifacts / "instructor-notebook-projection-1920x1080.png"))
    page.locator(".casekit-chart img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(e2e_artifacts / "instructor-notebook-projection-1920x1080-chart.png"))
    teacher.assert_accessible(axe)
