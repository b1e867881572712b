"""The learner's journey once in English, in JupyterLab in Chromium: the English notebooks (notebooks/en/)
choose the English edition, and the map, the dilemma and the hand-in speak English all the way.

Modelled on ``test_journey_lab.py`` (the restart is proved there and not repeated); every label is looked up
in the English string catalog or the English edition, never written here, and every answer is checked in the
learner's answer store on disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import markupsafe
import pytest
from playwright.sync_api import expect

import casekit
from casekit.i18n import t

from .journey import (
    ACTOR_ID,
    CASE_ID,
    PLACEMENT,
    MapGrid,
    alert_texts,
    download,
    download_button,
    justification,
)
from .support import LabPage, activity_box, wait_for_answer

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANG = "en"
# A curly apostrophe, a dash and the characters HTML must escape: the hand-in has to show them as typed.
JUSTIFICATION_EN = 'The children’s voice is missing – & <the young people> "themselves"'


def justification_box(page: Page) -> Locator:
    """Dilemma 1's "Justification" ``<textarea>``, under the English heading "Ethical dilemma 1"."""
    box = activity_box(page, t("widgets.dilemma.heading", LANG, n=1))
    return box.get_by_label(t("widgets.dilemma.justification", LANG), exact=True)


def test_learner_journey_in_english(lab: LabPage, tmp_path: Path) -> None:
    """A learner places Majbritt on the English map with the keys, types an English justification for
    dilemma 1, and downloads an English HTML hand-in that contains it, escaped once."""
    page, answers = lab.page, lab.server.answers_dir
    case = casekit.load_case(CASE_ID, lang=LANG)
    name = case.actor(ACTOR_ID).name

    # 1. The English stakeholder map, by keyboard as in test_journey_lab.py: the stakeholders and the cells
    # are found by their English names ("Power 5, interest 2: …"), and the move is announced in English.
    lab.open("en/01_part1.ipynb")
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)
    grid = MapGrid(page, case, lang=LANG)
    grid.place_by_keys(name, PLACEMENT["power"], PLACEMENT["interest"])
    grid.expect_at(name, PLACEMENT["power"], PLACEMENT["interest"])
    where = grid.where(PLACEMENT["power"], PLACEMENT["interest"])
    announced = t("map.grid.dropped", LANG, name=name, where=where)
    expect(grid.root.locator("[aria-live]")).to_have_text(announced)
    expect(grid.root.get_by_role("heading", name=t("map.own.heading", LANG), exact=True)).to_be_visible()
    wait_for_answer(answers, "stakeholder-map", lambda value: value == {ACTOR_ID: PLACEMENT})

    # 2. Dilemma 1 in English, typed letter by letter; the English poles are saved with it.
    lab.open("en/03_ethics.ipynb")
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=3)
    box = justification_box(page)
    box.click()
    box.press_sequentially(JUSTIFICATION_EN, delay=20)
    saved = wait_for_answer(answers, "dilemma-1", lambda value: justification(value) == JUSTIFICATION_EN)
    assert saved["left"] == case.activity("dilemmas")["dilemma-1"]["left"]
    assert not alert_texts(page), f"casekit reported a problem: {alert_texts(page)}"

    # 3. The HTML hand-in is an English document holding the typed text, escaped once.
    lab.open("en/06_handin.ipynb")
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)
    expect(page.get_by_text(t("widgets.handin.download_heading", LANG), exact=True)).to_be_visible()
    handin = download(page, download_button(page, "html", LANG), tmp_path)
    assert '<html lang="en"' in handin
    assert str(markupsafe.escape(JUSTIFICATION_EN)) in handin, (
        "the typed text is not in the hand-in, escaped once"
    )
    assert "<the young people>" not in handin, "learner text reached the hand-in unescaped"
    assert "Your answers" in handin
    assert str(markupsafe.escape(t("export.title", LANG, title=case.title))) in handin
    assert t("export.title", "da", title="") not in handin, "the hand-in has the Danish title"
