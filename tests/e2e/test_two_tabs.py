"""Two notebooks on one answer, in JupyterLab in Chromium at 1366×768 with the file browser open.

A learner answers the first reflection question in the Danish 04_spoergsmaal, then opens the English
04_questions (its own kernel, the same store) and, in its box that still shows the answer as it was when
the notebook ran, types on. What they type is saved, nothing is lost, and the English notebook says, as an
alert, that the answer was changed elsewhere meanwhile; the button under the line, reached with the
keyboard, brings the Danish words back into the box and makes them the answer again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

import casekit
from casekit.i18n import t

from .journey import CASE_ID
from .support import LabPage, save_screenshot, stored_answer, wait_for_answer

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import BrowserContext, Locator, Page

    from .support import Axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 768}
QUESTION = "organisering-1"
DANISH = "Skrevet i den danske notebook – æøå"
TYPED = "x"


def answer_box(page: Page, lang: str) -> Locator:
    case = casekit.load_case(CASE_ID, lang=lang)
    label = t("widgets.question_label", lang, n=case.question(QUESTION).number)
    return page.get_by_label(label, exact=True)


def before_time(key: str, lang: str) -> str:
    return t(key, lang, when="\x00", saved="", start="").split("\x00")[0]


def test_an_answer_changed_in_another_notebook_is_told_and_brought_back(
    lab: LabPage, browser_context: BrowserContext, axe: Axe, e2e_artifacts: Path
) -> None:
    answers = lab.server.answers_dir
    english_page = lab.page
    english_page.set_viewport_size(LAPTOP)
    english = lab
    english.open("en/04_questions.ipynb")
    english.run_all(timeout=180_000)
    english.assert_clean(min_widgets=1)
    english_box = answer_box(english_page, "en")
    expect(english_box).to_have_value("")

    danish_page = browser_context.new_page()
    try:
        danish_page.set_viewport_size(LAPTOP)
        danish = LabPage(danish_page, lab.server)
        danish.open("04_spoergsmaal.ipynb")
        danish.run_all(timeout=180_000)
        danish.assert_clean(min_widgets=1)
        danish_box = answer_box(danish_page, "da")
        danish_box.fill(DANISH)
        wait_for_answer(answers, QUESTION, lambda value: value == DANISH)
    finally:
        danish_page.close()

    # Back in the English notebook, whose box still shows the answer as it was: the learner types on.
    english_page.bring_to_front()
    english_box.press_sequentially(TYPED, delay=20)
    wait_for_answer(answers, QUESTION, lambda value: value == TYPED)
    alert = english_page.locator("[role=alert]").filter(has_text=before_time("widgets.conflict", "en"))
    expect(alert).to_be_visible(timeout=10_000)
    other = english_page.get_by_role("button", name=before_time("widgets.conflict.button", "en"))
    expect(other).to_be_visible()
    assert DANISH[:20] in (other.text_content() or "")
    other.scroll_into_view_if_needed()
    save_screenshot(english_page, e2e_artifacts, "04_questions after an answer changed elsewhere at 1366x768")
    axe.assert_no_serious(
        english_page, context={"include": [".jp-Notebook .jp-OutputArea"]}
    )  # casekit's part

    # The keyboard reaches the button from the box, and Enter brings the Danish answer back.
    english_box.focus()
    for _ in range(10):
        english_page.keyboard.press("Tab")
        if other.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("Tab from the answer box never reached the button that brings the other answer back")
    english_page.keyboard.press("Enter")
    expect(english_box).to_have_value(DANISH, timeout=10_000)
    wait_for_answer(answers, QUESTION, lambda value: value == DANISH)
    assert stored_answer(answers, QUESTION, CASE_ID) == DANISH
    expect(
        english_page.get_by_role("button", name=before_time("widgets.conflict.button", "en"))
    ).to_be_visible()
