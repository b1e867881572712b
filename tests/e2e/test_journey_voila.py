"""A learner's journey through the real notebooks rendered by Voilà (code hidden) in Chromium: a keyboard
user reaches every control of the stakeholder map with Tab, every control has an accessible name, a
position changed with the keyboard redraws the chart and is saved, and Danish text typed into a dilemma is
saved. Answers are read back from the learner's store on disk with casekit's ``AnswerStore`` (the second
and later widget callbacks run on a kernel subshell thread: see ``test_journey_lab.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

import casekit
from casekit import charts
from casekit.i18n import t

from .journey import (
    ACTOR_ID,
    CASE_ID,
    JUSTIFICATION,
    LANG,
    PLACEMENT,
    alert_texts,
    justification,
    justification_box,
    map_box,
    map_controls,
    scale_label,
)
from .support import Axe, VoilaPage, format_violations, wait_for_answer

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GROUPS = ("person", "role", "organisation", "absent")  # the map's groups of stakeholders, each foldable

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
    const label = el.labels && el.labels[0] ? el.labels[0].innerText.trim() : '';
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
    """A keyboard-only learner in Voilà can Tab to every named control of the stakeholder map, change a
    stakeholder's position with the keys, see the chart redrawn with new alt text, and find it saved."""
    case = casekit.load_case(CASE_ID, lang=LANG)
    voila_page = voila(notebooks_dir / "01_del1.ipynb")
    voila_page.assert_clean(min_widgets=1)  # also waits until every widget has rendered
    page = voila_page.page
    power, interest, chart = map_controls(page, case)
    expect(power).to_be_visible()
    selects = page.locator("select").count()
    assert selects >= 2 * len(case.actors), f"expected a Magt and an Interesse dropdown per actor: {selects}"

    # Every control has an accessible name: the rules ran on every <select> and found nothing missing.
    results = axe.results(page, {"runOnly": {"type": "rule", "values": list(NAME_RULES)}})
    named = [r for r in results["violations"] + results["incomplete"] if r["id"] in NAME_RULES]
    assert not named, "controls without an accessible name:\n" + format_violations(named)
    assert rule_nodes(results, "passes", "select-name") == selects
    assert rule_nodes(results, "passes", "image-alt") >= 1

    # Tab reaches every control on the page, the map's 2 × 36 dropdowns and its groups' fold buttons among
    # them.
    controls = page.locator(f":is({CONTROLS}):not(:disabled)").count()
    groups = map_box(page, case).locator(".casekit-map-groups")
    tab_through(page)
    for scope, selector, expected in (
        (page.locator("body"), CONTROLS, controls),
        (groups, "select", 2 * len(case.actors)),
        (groups, "button", len(GROUPS)),
    ):
        report = scope.evaluate(_UNREACHED_JS, selector)
        assert report["total"] == expected
        assert not report["unreached"], f"Tab never reached: {report['unreached']}"
        assert not report["hidden"], f"controls not visible: {report['hidden']}"
        assert not report["untabbable"], f"controls with tabindex=-1: {report['untabbable']}"

    # Change Majbritt's position with the keys a keyboard user has: Tab, End, Tab, ArrowDown.
    before = chart.get_attribute("src")
    tab_to(page, power, limit=3 * controls + 20)
    page.keyboard.press("End")
    expect(power).to_have_value(scale_label(5))
    page.keyboard.press("Tab")
    expect(interest).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(interest).to_have_value(scale_label(2))
    expect(chart).not_to_have_attribute("src", before, timeout=10_000)
    expect(chart).to_have_attribute("alt", charts.stakeholder_map(case, {ACTOR_ID: PLACEMENT}).alt)
    wait_for_answer(voila_page.server.answers_dir, "stakeholder-map", lambda v: v == {ACTOR_ID: PLACEMENT})
    assert not alert_texts(page), f"casekit reported a problem: {alert_texts(page)}"

    # A group folds with the keyboard: its dropdowns leave the page's tab order, and come back.
    absent = t("widgets.map.group.absent", LANG)
    hide = groups.get_by_role("button", name=t("widgets.map.fold.hide", LANG, group=absent), exact=True)
    tab_to(page, hide, limit=3 * controls + 20)
    visible = groups.locator("select:visible")
    page.keyboard.press("Enter")
    count = sum(1 for a in case.actors if not a.at_table)
    expect(visible).to_have_count(2 * (len(case.actors) - count))
    show = groups.get_by_role("button", name=t("widgets.map.fold.show", LANG, group=absent, count=count))
    expect(show).to_be_focused()  # the same button, renamed: the focus stays where the learner is
    page.keyboard.press("Space")
    expect(visible).to_have_count(2 * len(case.actors))


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
