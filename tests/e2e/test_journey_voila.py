"""A learner's journey through the real notebooks rendered by Voilà (code hidden) in Chromium, at 1366×768:
a keyboard user reaches every stakeholder of the map with Tab, every control has an accessible name, a
stakeholder moved with the keys is announced and saved, one placed with two clicks (no dragging) is saved,
the grid is readable (labels of 12 px or more, none over another, none cut), and Danish text typed into a
dilemma is saved. Answers are read back from the learner's store on disk with casekit's ``AnswerStore``
(the second and later widget callbacks run on a kernel subshell thread: see ``test_journey_lab.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

import casekit
from casekit.i18n import t

from .journey import (
    ACTOR_ID,
    ACTOR_NAME,
    CASE_ID,
    JUSTIFICATION,
    LANG,
    PLACEMENT,
    MapGrid,
    alert_texts,
    justification,
    justification_box,
)
from .support import Axe, VoilaPage, format_violations, wait_for_answer

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 768}

CONTROLS = "select, textarea, input, button"
# axe-core rules that a control has an accessible name (axe.run runs them by default; here they are named so
# that a configuration change cannot drop them silently), and that images have alt text.
NAME_RULES = (
    "label",
    "select-name",
    "aria-input-field-name",
    "aria-toggle-field-name",
    "button-name",
    "input-button-name",
    "link-name",
    "image-alt",
)

# Remember every element that receives focus from now on.
_TRACK_FOCUS_JS = """
() => {
  window.__e2eFocused = new Set();
  document.addEventListener('focusin', (event) => window.__e2eFocused.add(event.target), true);
}
"""

# How many elements the Tab key should stop at: visible, enabled, not taken out of the tab order.
_TAB_STOPS_JS = """
() => [...document.querySelectorAll('a[href], summary, select, textarea, input, button, [tabindex]')]
  .filter((el) => !el.disabled && el.tabIndex >= 0 && el.checkVisibility()).length
"""

# The form controls that a Tab cycle did not reach (radio buttons sharing a name are one stop), and those
# that are hidden or taken out of the tab order; ``scope`` limits the check to one element's controls.
_UNREACHED_JS = """
(scope, selector) => {
  const describe = (el) => {
    const named = el.getAttribute('aria-label') || '';
    const label = el.labels && el.labels[0] ? el.labels[0].innerText.trim() : named;
    const row = el.closest('.widget-hbox');
    return `${el.tagName.toLowerCase()} "${label}" in "${row ? row.innerText.split('\\n')[0] : ''}"`;
  };
  const controls = [...scope.querySelectorAll(selector)].filter((el) => !el.disabled);
  const reached = (el) => window.__e2eFocused.has(el) || (el.type === 'radio' && el.name &&
    controls.some((o) => o.type === 'radio' && o.name === el.name && window.__e2eFocused.has(o)));
  return {
    total: controls.length,
    unreached: controls.filter((el) => !reached(el)).map(describe),
    hidden: controls.filter((el) => !el.checkVisibility()).map(describe),
    untabbable: controls.filter((el) => el.tabIndex < 0).map(describe),
  };
}
"""


def tab_through(page: Page) -> None:
    """Press Tab from the top of the freshly loaded page once per tab stop on it, and once more so that the
    focus wraps around, remembering every element that received the focus. (One ``keyboard.press`` per
    stop and no other round trip: on a busy machine each one costs tens of milliseconds.)"""
    stops = page.evaluate(_TAB_STOPS_JS)
    page.evaluate(_TRACK_FOCUS_JS)
    for _ in range(stops + 2):
        page.keyboard.press("Tab")


def tab_to(page: Page, target: Locator, limit: int) -> None:
    """Press Tab until ``target`` has the focus (keyboard only); fails after ``limit`` presses."""
    target.evaluate("(el) => { el.dataset.e2eTarget = '1'; }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.e2eTarget === '1'"):
            return
    raise AssertionError(f"Tab did not reach {target} within {limit} presses")


def rule_nodes(results: dict[str, Any], outcome: str, rule: str) -> int:
    """How many elements axe-core checked with ``rule`` and put under ``outcome`` ("passes", …)."""
    return sum(len(r["nodes"]) for r in results[outcome] if r["id"] == rule)


def test_keyboard_learner_places_a_stakeholder_in_voila(
    voila: Callable[[Path], VoilaPage], axe: Axe, notebooks_dir: Path
) -> None:
    """A keyboard-only learner in Voilà at 1366×768 can Tab to every stakeholder of the map, each a named
    button; moves one with the keys (announced, saved); a mouse user places another with two clicks; the
    grid's labels are 12 px or more, none over another, none cut; axe finds nothing serious."""
    case = casekit.load_case(CASE_ID, lang=LANG)
    voila_page = voila(notebooks_dir / "01_del1.ipynb")
    page = voila_page.page
    page.set_viewport_size(LAPTOP)
    voila_page.assert_clean(min_widgets=1)  # also waits until every widget has rendered
    grid = MapGrid(page, case)
    expect(grid.token(ACTOR_NAME)).to_be_visible()
    tokens = grid.root.locator(".casekit-grid-token")
    assert tokens.count() == len(case.actors)

    # Every control has an accessible name: the rules ran on every stakeholder's button and found nothing.
    results = axe.results(page, {"runOnly": {"type": "rule", "values": list(NAME_RULES)}})
    named = [r for r in results["violations"] + results["incomplete"] if r["id"] in NAME_RULES]
    assert not named, "controls without an accessible name:\n" + format_violations(named)
    assert rule_nodes(results, "passes", "button-name") >= len(case.actors)

    # Tab reaches every control on the page, the map's stakeholders and its form among them.
    controls = page.locator(f":is({CONTROLS}):not(:disabled)").count()
    tab_through(page)
    for scope, selector, expected in (
        (page.locator("body"), CONTROLS, controls),
        (grid.root, ".casekit-grid-token", len(case.actors)),
        (grid.root, "input, button", len(case.actors) + 3),  # the name, "ved bordet" and "Tilføj"
    ):
        report = scope.evaluate(_UNREACHED_JS, selector)
        assert report["total"] == expected
        assert not report["unreached"], f"Tab never reached: {report['unreached']}"
        assert not report["hidden"], f"controls not visible: {report['hidden']}"
        assert not report["untabbable"], f"controls with tabindex=-1: {report['untabbable']}"

    # Majbritt, with the keys a keyboard user has: Tab to her, Enter, the arrow keys, Enter.
    tab_to(page, grid.token(ACTOR_NAME), limit=3 * controls + 20)
    page.keyboard.press("Enter")
    expect(grid.root.locator("[aria-live]")).to_contain_text(ACTOR_NAME)
    for key in ("ArrowUp", "ArrowUp", "ArrowLeft"):  # from the middle (3, 3) to (5, 2)
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    grid.expect_at(ACTOR_NAME, PLACEMENT["power"], PLACEMENT["interest"])
    where = grid.where(PLACEMENT["power"], PLACEMENT["interest"])
    expect(grid.root.locator("[aria-live]")).to_have_text(
        t("map.grid.dropped", LANG, name=ACTOR_NAME, where=where)
    )
    # Kim, with a mouse and no dragging: a click on him, then on the cell.
    grid.token("Kim").click()
    grid.cell(4, 5).click()
    grid.expect_at("Kim", 4, 5)
    expected = {ACTOR_ID: PLACEMENT, "kim": {"power": 4, "interest": 5}}
    wait_for_answer(voila_page.server.answers_dir, "stakeholder-map", lambda v: v == expected)
    grid.expect_saved_line()
    assert not alert_texts(page), f"casekit reported a problem: {alert_texts(page)}"

    # Readable on a laptop: every label at least 12 px, none over another, none cut, the grid on screen.
    seen = grid.readability()
    assert seen["minSize"] >= 12, seen["small"]
    assert seen["overlaps"] == [], seen["overlaps"]
    assert seen["cut"] == [], seen["cut"]
    assert seen["right"] <= seen["areaRight"] + 0.5, seen
    voila_page.assert_accessible(axe)


def test_learner_types_a_danish_dilemma_answer_in_voila(
    voila: Callable[[Path], VoilaPage], notebooks_dir: Path
) -> None:
    """Danish text typed letter by letter into dilemma 1's justification in Voilà is saved exactly."""
    voila_page = voila(notebooks_dir / "03_etik.ipynb")
    voila_page.assert_clean(min_widgets=3)
    box = justification_box(voila_page.page)
    box.click()
    box.press_sequentially(JUSTIFICATION, delay=20)
    expect(box).to_have_value(JUSTIFICATION)
    wait_for_answer(
        voila_page.server.answers_dir, "dilemma-1", lambda value: justification(value) == JUSTIFICATION
    )
    assert not alert_texts(voila_page.page), f"casekit reported a problem: {alert_texts(voila_page.page)}"
