"""The stakeholder map's grid in JupyterLab on a laptop and a projector (1366×768, 1920×1080), the file
browser open beside the notebook.

A learner drags one stakeholder onto the grid with the mouse and moves another with the keys (Enter, the
arrow keys, Enter): both are in the store on disk, the keys moved the stakeholder and not the notebook's
selected cell, and the focus stayed on it. With several long names in one cell, every label of the grid is
at least 12 px, none lies over another, none is cut, and the grid fits the notebook's width; axe-core finds
no critical or serious problem in the map. One of the learner's own, named with markup and added with Enter,
shows its name as text. A screenshot of the screen as the learner sees it is kept with
the test's artifacts (``grid-lab-1366x768.png``, ``grid-lab-1920x1080.png``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

import casekit
from casekit.i18n import t

from .journey import ACTOR_ID, ACTOR_NAME, CASE_ID, LANG, PLACEMENT, MapGrid, alert_texts
from .support import Axe, LabPage, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = {"1366x768": {"width": 1366, "height": 768}, "1920x1080": {"width": 1920, "height": 1080}}
"""A common laptop and a projector."""
KEYED = ("sanne", 4, 5)  # moved with the keys
# Long names, all in one cell: they must stack without covering one another.
PILED = ("chef-boerne-unge", "chef-skole-fritid", "konsulent-boerne-unge", "konsulent-skole-fritid")
PILE_AT = (4, 3)
OWN = "Lærerne <b>&</b>"  # the learner's own, with characters HTML must not take as markup


@pytest.mark.parametrize("size", sorted(SIZES))
def test_drag_and_keys_on_a_laptop_in_jupyterlab(
    lab: LabPage, axe: Axe, e2e_artifacts: Path, size: str
) -> None:
    """Drag one stakeholder, move another with the keys: both saved; the grid readable at 1366×768 and
    1920×1080 with the side panel open; no serious axe finding in the map."""
    page, answers = lab.page, lab.server.answers_dir
    case = casekit.load_case(CASE_ID, lang=LANG)
    page.set_viewport_size(SIZES[size])
    lab.open("01_del1.ipynb")
    side_panel = page.locator("#jp-left-stack")
    if not side_panel.is_visible():  # a fresh workspace opens with it; a learner's may not
        page.locator('.jp-SideBar [data-id="filebrowser"]').click()
    expect(side_panel).to_be_visible()
    assert side_panel.bounding_box()["width"] >= 200  # type: ignore[index]
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)
    grid = MapGrid(page, case)
    grid.root.locator(".casekit-grid-help").scroll_into_view_if_needed()

    grid.drag(ACTOR_NAME, PLACEMENT["power"], PLACEMENT["interest"])
    grid.expect_at(ACTOR_NAME, PLACEMENT["power"], PLACEMENT["interest"])
    # The mouse made the map's cell the notebook's active one; the arrow keys must not move that on.
    active_cell = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
    map_cell = active_cell.evaluate("(cell) => [...cell.parentNode.children].indexOf(cell)")
    key_id, power, interest = KEYED
    name = case.actor(key_id).name
    grid.place_by_keys(name, power, interest)
    grid.expect_at(name, power, interest)
    expect(grid.token(name)).to_be_focused()
    assert active_cell.evaluate("(cell) => [...cell.parentNode.children].indexOf(cell)") == map_cell
    expected = {ACTOR_ID: PLACEMENT, key_id: {"power": power, "interest": interest}}
    wait_for_answer(answers, "stakeholder-map", lambda value: value == expected)
    grid.expect_saved_line()
    assert not alert_texts(page), f"casekit reported a problem: {alert_texts(page)}"

    for actor in PILED:
        grid.drag(case.actor(actor).name, *PILE_AT)
    for actor in PILED:
        grid.expect_at(case.actor(actor).name, *PILE_AT)
    piled = {**expected, **{a: dict(zip(("power", "interest"), PILE_AT, strict=True)) for a in PILED}}
    wait_for_answer(answers, "stakeholder-map", lambda value: value == piled)

    # One of the learner's own, named with markup, added with Enter in the name box: it waits in the tray
    # under its name as typed, and the focus stays in the box for the next one.
    name_box = grid.root.get_by_label(t("map.own.name", LANG), exact=True)
    name_box.fill(OWN)
    name_box.press("Enter")
    marked = t("map.own.marker", LANG, name=OWN)
    expect(grid.token(marked)).to_have_text(OWN)
    expect(grid.token(marked).locator("b")).to_have_count(0)
    expect(name_box).to_be_focused()
    expect(name_box).to_have_value("")
    wait_for_answer(answers, "stakeholder-map", lambda value: value.get("own-1", {}).get("name") == OWN)

    grid.root.locator(".casekit-grid-help").evaluate("(el) => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(e2e_artifacts / f"grid-lab-{size}.png"))
    seen = grid.readability()
    assert seen["texts"] > 50 and seen["labels"] > 40, seen  # the measure saw the grid
    assert seen["minSize"] >= 12, seen["small"]
    assert seen["overlaps"] == [], seen["overlaps"]
    assert seen["cut"] == [], seen["cut"]
    assert seen["right"] <= seen["areaRight"] + 0.5, seen
    axe.assert_no_serious(page, within=".casekit-map")
