"""A keyboard-only learner in Voilà adds a stakeholder the case does not name to the stakeholder map, places
it, sees it in the chart's alt text, and finds it by name in the downloaded HTML hand-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

import casekit
from casekit.i18n import t

from .journey import CASE_ID, LANG, alert_texts, map_box, scale_label
from .support import VoilaPage, actor_row, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "Lærerne"


def _tab_to(page, target, limit: int = 400) -> None:
    """Press Tab until ``target`` has the focus (keyboard only)."""
    target.evaluate("(el) => { el.dataset.e2eOwn = '1'; }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.e2eOwn === '1'"):
            target.evaluate("(el) => { delete el.dataset.e2eOwn; }")
            return
    raise AssertionError(f"Tab did not reach {target} within {limit} presses")


def test_keyboard_learner_adds_an_own_stakeholder_in_voila(
    voila: Callable[[Path], VoilaPage], notebooks_dir: Path, tmp_path: Path
) -> None:
    """Typing "Lærerne", Tab to "Tilføj", Enter, then placing it with the keys puts it on the chart's alt
    text, in the store as own-1, and in the HTML hand-in by name."""
    case = casekit.load_case(CASE_ID, lang=LANG)
    voila_page = voila(notebooks_dir / "01_del1.ipynb")
    voila_page.assert_clean(min_widgets=1)
    page = voila_page.page
    name_box = page.get_by_label(t("map.own.name", LANG), exact=True)
    expect(name_box).to_be_visible()
    _tab_to(page, name_box)
    page.keyboard.type(NAME, delay=20)
    add = page.get_by_role("button", name=t("map.own.add", LANG), exact=True)
    _tab_to(page, add, limit=10)
    page.keyboard.press("Enter")
    row = actor_row(page, NAME)
    power = row.get_by_label(t("widgets.map.power", LANG), exact=True)
    interest = row.get_by_label(t("widgets.map.interest", LANG), exact=True)
    expect(power).to_be_visible(timeout=10_000)
    _tab_to(page, power, limit=20)
    page.keyboard.press("End")
    expect(power).to_have_value(scale_label(5))
    page.keyboard.press("Tab")
    expect(interest).to_be_focused()
    page.keyboard.press("End")
    expect(interest).to_have_value(scale_label(5))
    chart = map_box(page, case).locator("figure img").first
    marked = t("map.own.marker", LANG, name=NAME)
    expect(chart).to_have_attribute("alt", re.compile(re.escape(marked)), timeout=10_000)
    wait_for_answer(
        voila_page.server.answers_dir,
        "stakeholder-map",
        lambda v: v == {"own-1": {"name": NAME, "at_table": True, "power": 5, "interest": 5}},
    )
    assert not alert_texts(page), f"casekit reported a problem: {alert_texts(page)}"

    # The hand-in of this learner's store (a second Voilà server would open an answer folder of its own).
    from casekit.answers import AnswerStore
    from casekit.export import render

    with AnswerStore.open(voila_page.server.answers_dir, case_id="samskabelse", create=False) as store:
        handin = render(store, "html", case=case)
    assert f'<th scope="row">{marked}</th>' in handin
    assert "own-1" not in handin
