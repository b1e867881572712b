"""Hand-ins are always current, in JupyterLab in Chromium at 1366×768 (a common laptop), the file browser
open beside the notebooks.

A learner answers a question in 04_spoergsmaal and sees the progress line count it at once; in another tab
06_aflevering runs and its HTML download holds that answer. The learner goes back to 04 and changes the
answer; without running 06 again, or pressing anything but the download, the next HTML download holds the
new words (and its embedded export, which an upload or the class report reads, holds them too), and the
line under the button says which answer was saved last. Each notebook runs in its own kernel: only a file
made at the click from the one store can know of the change.

In Voilà the same download works (an answer saved by another kernel after the page was shown is in the
file, and the preview counts it), and axe finds no serious violation with the line under the button filled.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import markupsafe
import pytest
from playwright.sync_api import expect

import casekit
from casekit import registry
from casekit.answers.embedded import find_block
from casekit.i18n import t
from casekit.naming import answer_title

from .journey import CASE_ID, LANG, alert_texts, download, download_button
from .support import LabPage, save_screenshot, wait_for_answer

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import BrowserContext, Locator, Page

    from .support import Axe, VoilaPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 768}
QUESTION = "organisering-1"
FIRST = "Første udgave af mit svar"
SECOND = 'Anden udgave – æøå & <de unge> "selv" </script><!--'
# The refresh buttons a learner had to know to press before (their words are the behaviour: gone).
OLD_REFRESH = ("Opdatér link", "Opdatér oversigt og links")


def answer_box(page: Page, case: casekit.Case) -> Locator:
    """The text box of the first reflection question in 04_spoergsmaal."""
    label = t("widgets.question_label", LANG, n=case.question(QUESTION).number)
    return page.get_by_label(label, exact=True)


def made_line(case: casekit.Case, answered: int) -> re.Pattern[str]:
    """The line under a download button after a click: when, how many tasks, and the answer saved last."""
    line = t(
        "answers.download.made",
        LANG,
        time="TIME",
        answered=answered,
        total=len(registry.answer_keys(case)),
        latest=answer_title(case, QUESTION),
        saved="SAVED",
    )
    return re.compile(re.escape(line).replace("TIME", r"[\d:]+").replace("SAVED", r"[\d:]+"))


def embedded_value(page_text: str) -> object:
    """The question's answer in the export the HTML hand-in carries."""
    block = find_block(page_text)
    assert block is not None, "the HTML hand-in carries no export"
    return json.loads(block)["answers"][QUESTION]["value"]


def test_a_download_after_a_change_in_another_notebook_holds_the_change(
    lab: LabPage, browser_context: BrowserContext, tmp_path: Path, e2e_artifacts: Path
) -> None:
    case = casekit.load_case(CASE_ID, lang=LANG)
    answers = lab.server.answers_dir
    questions = lab.page
    questions.set_viewport_size(LAPTOP)

    # 1. 04_spoergsmaal: the first answer; the progress line counts it without "Tæl igen".
    lab.open("04_spoergsmaal.ipynb")
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)
    total_here = 10
    progress = questions.get_by_text(t("progress.notebook", LANG, answered=0, total=total_here))
    expect(progress).to_be_visible()
    box = answer_box(questions, case)
    box.click()
    box.press_sequentially(FIRST, delay=10)
    wait_for_answer(answers, QUESTION, lambda value: value == FIRST)
    counted = t("progress.notebook", LANG, answered=1, total=total_here)
    expect(questions.get_by_text(counted)).to_be_visible(timeout=10_000)

    # 2. 06_aflevering in another tab: the HTML download holds the first answer.
    handin_page = browser_context.new_page()
    try:
        handin_page.set_viewport_size(LAPTOP)
        handin = LabPage(handin_page, lab.server)
        handin.open("06_aflevering.ipynb")
        handin.run_all(timeout=180_000)
        handin.assert_clean(min_widgets=1)
        button = download_button(handin_page, "html")
        expect(button).to_be_visible()
        first = download(handin_page, button, tmp_path)
        assert FIRST in first and embedded_value(first) == FIRST
        note = button.locator("xpath=following-sibling::*[1]")
        expect(note).to_have_text(made_line(case, 1))
        expect(note).to_have_attribute("role", "status")

        # 3. Back in 04 (its tab, its kernel): the answer changes.
        questions.bring_to_front()
        box.fill(SECOND)
        wait_for_answer(answers, QUESTION, lambda value: value == SECOND)

        # 4. Back in 06, nothing run again and no refresh pressed: the next download has the change.
        handin_page.bring_to_front()
        second = download(handin_page, button, tmp_path)
        assert str(markupsafe.escape(SECOND)) in second, "the changed answer is not in the hand-in"
        assert FIRST not in second
        assert embedded_value(second) == SECOND
        exported = json.loads(download(handin_page, download_button(handin_page, "json"), tmp_path))
        assert exported["answers"][QUESTION]["value"] == SECOND
        expect(note).to_have_text(made_line(case, 1))
        for gone in OLD_REFRESH:
            assert handin_page.get_by_role("button", name=gone).count() == 0
        assert not alert_texts(handin_page), f"casekit reported a problem: {alert_texts(handin_page)}"
        button.scroll_into_view_if_needed()
        save_screenshot(handin_page, e2e_artifacts, "06_aflevering after two downloads at 1366x768")
    finally:
        handin_page.close()


def test_the_download_in_voila(
    voila: Callable[[Path], VoilaPage], axe: Axe, notebooks_dir: Path, tmp_path: Path
) -> None:
    from casekit.answers import AnswerStore

    case = casekit.load_case(CASE_ID, lang=LANG)
    shown = voila(notebooks_dir / "06_aflevering.ipynb")
    page = shown.page
    page.set_viewport_size(LAPTOP)
    shown.assert_clean(min_widgets=1)
    total = len(registry.answer_keys(case))
    expect(page.get_by_text(t("widgets.handin.count", LANG, answered=0, total=total))).to_be_visible()
    with AnswerStore.open(shown.server.answers_dir, case=case) as other_kernel:  # 04_spoergsmaal, say
        other_kernel.save(QUESTION, FIRST)
    button = download_button(page, "html")
    text = download(page, button, tmp_path)
    assert FIRST in text and embedded_value(text) == FIRST
    expect(button.locator("xpath=following-sibling::*[1]")).to_have_text(made_line(case, 1))
    expect(page.get_by_text(t("widgets.handin.count", LANG, answered=1, total=total))).to_be_visible()
    shown.assert_accessible(axe)
