"""What the learner-journey tests share: the answers a learner gives, and where they are given on the page
(JupyterLab and Voilà render the same widget markup; see the selectors in ``support.py``), and the
stakeholder map's grid (:class:`MapGrid`) with the measurements of how readable it is."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

from casekit.charts.grid import quadrant_of
from casekit.i18n import t
from casekit.registry import SCALE

from .support import activity_box

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Locator, Page

    import casekit

LANG = "da"
CASE_ID = "samskabelse"
# One stakeholder the learner places on the map: "Magt" 5, "Interesse" 2.
ACTOR_ID, ACTOR_NAME = "majbritt", "Majbritt"
PLACEMENT = {"power": 5, "interest": 2}
# Danish letters, a dash and the characters HTML must escape: the hand-in has to show them as typed.
JUSTIFICATION = 'Børnenes stemme mangler – æøå ÆØÅ & <de unge> "selv"'


def map_box(page: Page, case: casekit.Case) -> Locator:
    """The stakeholder-map activity."""
    return activity_box(page, str(case.activity("stakeholder-map")["title"]))


MIDDLE = SCALE[len(SCALE) // 2]
"""Where a stakeholder picked up from the tray with Enter starts: the middle of the grid."""
KEYS = {"power": ("ArrowUp", "ArrowDown"), "interest": ("ArrowRight", "ArrowLeft")}


class MapGrid:
    """The stakeholder map's grid on a page, found as assistive technology finds it: a stakeholder is a
    button named "<name>: <where>", a cell a group named by its power, interest and quadrant (the catalog's
    words in ``lang``)."""

    def __init__(self, page: Page, case: casekit.Case, lang: str = LANG) -> None:
        self.page, self.case, self.lang = page, case, lang
        self.box = map_box(page, case)
        self.root = self.box.locator(".casekit-grid")

    def token(self, name: str) -> Locator:
        """The stakeholder shown as ``name``, wherever it is (its accessible name starts with the name)."""
        escaped = re.escape(name).replace("/", r"\/")  # Playwright writes the pattern as /…/
        pattern = re.compile(rf"^{escaped}( \(|: )")
        return self.root.get_by_role("button", name=pattern)

    def cell(self, power: int, interest: int) -> Locator:
        """The cell at ``power``, ``interest``."""
        quadrant = t(f"chart.quadrant.{quadrant_of(power, interest)}", self.lang)
        label = t("map.grid.cell", self.lang, power=power, interest=interest, quadrant=quadrant)
        return self.root.get_by_role("group", name=label, exact=True)

    def where(self, power: int, interest: int) -> str:
        """How a place is said: "magt 5 – meget høj, interesse 2 – lav"."""
        scale = {n: t(f"widgets.scale.{n}", self.lang) for n in SCALE}
        return t("map.grid.where", self.lang, power=scale[power], interest=scale[interest])

    def drag(self, name: str, power: int, interest: int) -> None:
        """Drag the stakeholder onto a cell with the mouse."""
        self.token(name).drag_to(self.cell(power, interest))

    def place_by_keys(
        self, name: str, power: int, interest: int, start: tuple[int, int] | None = None
    ) -> None:
        """Focus the stakeholder, Enter, the arrow keys from ``start`` (its place, or the middle for one
        in the tray), Enter: as a keyboard user does (the focus is put on it, as Tab would)."""
        token = self.token(name)
        token.focus()
        self.page.keyboard.press("Enter")
        at = dict(zip(("power", "interest"), start or (MIDDLE, MIDDLE), strict=True))
        for axis, goal in (("power", power), ("interest", interest)):
            up, down = KEYS[axis]
            for _ in range(abs(goal - at[axis])):
                self.page.keyboard.press(up if goal > at[axis] else down)
        self.page.keyboard.press("Enter")

    def expect_at(self, name: str, power: int, interest: int) -> None:
        """The stakeholder stands in that cell, and its name says so."""
        token = self.cell(power, interest).get_by_role(
            "button", name=t("map.grid.named", self.lang, name=name, where=self.where(power, interest))
        )
        expect(token).to_be_visible()

    def expect_saved_line(self) -> None:
        """The line beside the grid confirms the save."""
        saved = t("widgets.saved", self.lang, time="")
        expect(self.root.locator(".casekit-grid-saved")).to_contain_text(saved.strip())

    def readability(self) -> dict[str, Any]:
        """What the grid's readability checks measure (see :data:`READABILITY_JS`)."""
        return self.root.evaluate(READABILITY_JS)


def place_and_share(page: Page, case: casekit.Case, power: int, interest: int) -> None:
    """On 01_del1 (Voilà or JupyterLab): place Majbritt on the grid with the keys, then press "Del med
    holdet" and wait for the confirmation."""
    grid = MapGrid(page, case)
    grid.place_by_keys(ACTOR_NAME, power, interest)
    grid.expect_saved_line()
    button = page.get_by_role("button", name=t("share.button", "da")).first
    button.click()
    expect(page.get_by_text(t("share.done", "da", round="1", time="")[:20]).first).to_be_visible(
        timeout=15_000
    )


# The grid's words as a reader sees them: the font size of every visible text, every pair of labels whose
# text overlaps (the boxes of the text itself: cells and bands may share a border line), every stakeholder
# whose name is cut (its box smaller than its text) or that sticks out of its cell, and the grid's right
# edge against the notebook's visible area.
READABILITY_JS = """
(grid) => {
  const visible = (el) => el.checkVisibility() && !el.closest('.casekit-grid-sr');
  const sizes = [];
  const walker = document.createTreeWalker(grid, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || !visible(node.parentElement)) continue;
    sizes.push({size: parseFloat(getComputedStyle(node.parentElement).fontSize),
                text: node.textContent.trim().slice(0, 40)});
  }
  const labels = [...grid.querySelectorAll(
    '.casekit-grid-token, .casekit-grid-quadrant, .casekit-grid-ynum, .casekit-grid-xnum, ' +
    '.casekit-grid-xtitle, .casekit-grid-ytitle, .casekit-grid-key, .casekit-grid-tray h3, ' +
    '.casekit-grid-tray h4, .casekit-grid-saved')].filter(visible);
  const inside = (el) => { // the box of a label's text, as much of it as its scrolling tray shows
    const range = document.createRange();
    range.selectNodeContents(el);
    const box = range.getBoundingClientRect();
    const tray = el.closest('.casekit-grid-tray');
    if (!tray) return box;
    const t = tray.getBoundingClientRect();
    const top = Math.max(box.top, t.top), bottom = Math.min(box.bottom, t.bottom);
    return {left: box.left, right: box.right, top, bottom};
  };
  const overlaps = [];
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const a = inside(labels[i]), b = inside(labels[j]);
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 0.5 && y > 0.5) overlaps.push([labels[i].textContent.trim(), labels[j].textContent.trim()]);
    }
  }
  const cut = [];
  for (const token of grid.querySelectorAll('.casekit-grid-token')) {
    const name = token.querySelector('.casekit-grid-name');
    if (name.scrollWidth > name.clientWidth + 1 || name.scrollHeight > name.clientHeight + 1) {
      cut.push(name.textContent);
    }
    const cell = token.closest('.casekit-grid-cell');
    if (cell) {
      const t = token.getBoundingClientRect(), c = cell.getBoundingClientRect();
      const out = t.left < c.left - 0.5 || t.right > c.right + 0.5;
      if (out || t.top < c.top - 0.5 || t.bottom > c.bottom + 0.5) {
        cut.push(`${name.textContent} (outside its cell)`);
      }
    }
  }
  const area = grid.closest('.jp-OutputArea, #rendered_cells, body');
  const g = grid.getBoundingClientRect();
  const a = area.getBoundingClientRect();
  return {
    minSize: Math.min(...sizes.map((s) => s.size)),
    small: sizes.filter((s) => s.size < 12),
    texts: sizes.length,
    labels: labels.length,
    overlaps,
    cut,
    right: g.right, areaRight: Math.min(a.right, document.documentElement.clientWidth),
    width: g.width,
  };
}
"""


def justification_box(page: Page) -> Locator:
    """Dilemma 1's "Begrundelse" ``<textarea>``."""
    box = activity_box(page, t("widgets.dilemma.heading", LANG, n=1))
    return box.get_by_label(t("widgets.dilemma.justification", LANG), exact=True)


def justification(value: Any) -> Any:
    """The justification in a saved dilemma answer (``None`` while there is none)."""
    return value.get("justification") if isinstance(value, dict) else None


def alert_texts(page: Page) -> list[str]:
    """casekit's error lines (``role="alert"``) that say something: a save that failed, a store that could
    not be opened (an empty alert region, waiting for an error, says nothing)."""
    return [text for text in page.locator("[role=alert]").all_inner_texts() if text.strip()]


def download_button(page: Page, fmt: str, lang: str = LANG) -> Locator:
    """06_aflevering's button that downloads ``fmt`` (``html``, ``json``, ``markdown``), by its name."""
    return page.get_by_role("button", name=t(f"answers.download.{fmt}", lang), exact=True)


def download(page: Page, button: Locator, folder: Path) -> str:
    """Click a download button as a learner does (the file is made then, casekit/widgets/download.py);
    returns the downloaded file's text (UTF-8)."""
    with page.expect_download() as info:
        button.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_text(encoding="utf-8")
