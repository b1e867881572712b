"""A keyboard-only learner in Voilà adds a stakeholder the case does not name to the stakeholder map, places
it on the grid with the keys, and finds it by name in the store and in the downloaded HTML hand-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

import casekit
from casekit.i18n import t

from .journey import CASE_ID, LANG, MapGrid, alert_texts
from .support import VoilaPage, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "Lærerne"


def _tab_to(page, target, limit: int = 400, key: str = "Tab") -> None:
    """Press ``key`` (Tab, or Shift+Tab) until ``target`` has the focus (keyboard only)."""
    target.evaluate("(el) => { el.dataset.e2eOwn = '1'; }")
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("() => document.activeElement.dataset.e2eOwn === '1'"):
            target.evaluate("(el) => { delete el.dataset.e2eOwn; }")
            return
    raise AssertionError(f"{key} did not reach {target} within {limit} presses")


def test_keyboard_learner_adds_an_own_stakeholder_in_voila(
    voila: Callable[[Path], VoilaPage], notebooks_dir: Path, tmp_path: Path
) -> None:
    """Typing "Lærerne", Tab to "Tilføj", Enter: the new stakeholder waits in the tray, the focus is back in
    the name box; Shift+Tab reaches it, Enter, the arrow keys and Enter place it: in the store as own-1 and
    in the HTML hand-in by name, marked as the learner's own."""
    case = casekit.load_case(CASE_ID, lang=LANG)
    voila_page = voila(notebooks_dir / "01_del1.ipynb")
    voila_page.assert_clean(min_widgets=1)
    page = voila_page.page
    grid = MapGrid(page, case)
    name_box = grid.root.get_by_label(t("map.own.name", LANG), exact=True)
    expect(name_box).to_be_visible()
    _tab_to(page, name_box)
    page.keyboard.type(NAME, delay=20)
    add = grid.root.get_by_role("button", name=t("map.own.add", LANG), exact=True)
    _tab_to(page, add, limit=10)
    page.keyboard.press("Enter")
    expect(grid.root.get_by_text(t("map.own.added", LANG, name=NAME), exact=True)).to_be_visible()
    expect(name_box).to_be_focused()
    expect(name_box).to_have_value("")
    marked = t("map.own.marker", LANG, name=NAME)
    token = grid.token(marked)
    expect(token).to_have_accessible_name(
        t("map.grid.named", LANG, name=marked, where=t("chart.not_placed", LANG))
    )
    expect(
        grid.root.get_by_role("button", name=t("map.own.remove", LANG, name=NAME), exact=True)
    ).to_be_visible()

    _tab_to(page, token, limit=5, key="Shift+Tab")  # the last of the tray: just before the form
    page.keyboard.press("Enter")
    for key in ("ArrowUp", "ArrowUp", "ArrowRight", "ArrowRight"):  # from the middle (3, 3) to (5, 5)
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    grid.expect_at(marked, 5, 5)
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
    # What a reader sees: the page without its data block (the JSON export inside it keeps the key own-1,
    # as the store does; casekit.answers.embedded).
    block = r'<script type="application/json" id="casekit-answers">.*?</script>'
    shown = re.sub(block, "", handin, flags=re.S)
    assert shown != handin and "own-1" not in shown
