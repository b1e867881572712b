"""A learner's journey through the real notebooks in JupyterLab in Chromium, as a learner does it: run the
notebook, answer with the keyboard, find the answers again after a kernel restart, and download the hand-in.

Every answer is checked where it matters, in the learner's answer store (``CASEKIT_ANSWERS``) on disk, read
with casekit's own ``AnswerStore``. That is also the proof for the thread issue in
``/work/shared/notes/browser-testing.md``: in a live kernel only the first widget callback runs on the main
thread and later ones on a kernel subshell thread, so a store tied to one thread would drop everything after
the first change without a visible error. Here the second move on the stakeholder map and every keystroke
after the first must reach the store.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import markupsafe
import pytest
from playwright.sync_api import expect

import casekit

from .journey import (
    ACTOR_ID,
    ACTOR_NAME,
    CASE_ID,
    JUSTIFICATION,
    LANG,
    PLACEMENT,
    MapGrid,
    alert_texts,
    download,
    download_button,
    justification,
    justification_box,
)
from .support import LabPage, stored_answer, wait_for_answer

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_learner_journey_in_jupyterlab(lab: LabPage, tmp_path: Path) -> None:
    """A learner places a stakeholder with the keyboard and types a Danish justification, finds both again
    after restarting the kernel, and downloads JSON and HTML hand-ins that contain them."""
    page, answers = lab.page, lab.server.answers_dir
    case = casekit.load_case(CASE_ID, lang=LANG)
    power, interest = PLACEMENT["power"], PLACEMENT["interest"]

    # 1. Stakeholder map, keyboard only: Majbritt picked up with Enter, moved with the arrow keys (the
    # notebook's own arrow-key shortcuts must not take them), set down with Enter; then moved again, so
    # that the second move's callback runs on a subshell thread (see the module docstring).
    lab.open("01_del1.ipynb")
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)
    grid = MapGrid(page, case)
    grid.place_by_keys(ACTOR_NAME, 4, 2)
    grid.expect_at(ACTOR_NAME, 4, 2)
    wait_for_answer(
        answers, "stakeholder-map", lambda value: value == {ACTOR_ID: {"power": 4, "interest": 2}}
    )
    grid.place_by_keys(ACTOR_NAME, power, interest, start=(4, 2))
    grid.expect_at(ACTOR_NAME, power, interest)
    expect(grid.token(ACTOR_NAME)).to_be_focused()
    grid.expect_saved_line()
    wait_for_answer(answers, "stakeholder-map", lambda value: value == {ACTOR_ID: PLACEMENT})

    # 2. Dilemma 1, typed letter by letter: every keystroke after the first is saved from a subshell thread.
    lab.open("03_etik.ipynb")
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=3)
    box = justification_box(page)
    box.click()
    box.press_sequentially(JUSTIFICATION, delay=20)
    saved = wait_for_answer(answers, "dilemma-1", lambda value: justification(value) == JUSTIFICATION)
    assert saved["left"] == case.activity("dilemmas")["dilemma-1"]["left"]
    assert not alert_texts(page), f"casekit reported a problem: {alert_texts(page)}"

    # 3. A fresh kernel restores both answers into the widgets (and restoring saves nothing new).
    lab.restart_and_run_all(timeout=180_000)
    lab.assert_clean(min_widgets=3)
    expect(justification_box(page)).to_have_value(JUSTIFICATION)
    lab.open("01_del1.ipynb")
    lab.restart_and_run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)
    MapGrid(page, case).expect_at(ACTOR_NAME, power, interest)
    assert stored_answer(answers, "stakeholder-map") == {ACTOR_ID: PLACEMENT}

    # 4. The hand-in: each file is made from the store when its button is clicked.
    lab.open("06_aflevering.ipynb")
    lab.run_all(timeout=180_000)
    lab.assert_clean(min_widgets=1)
    exported = json.loads(download(page, download_button(page, "json"), tmp_path))
    assert exported["format"] == "casekit-answers"
    assert exported["schema_version"] == 1
    assert exported["case"]["id"] == CASE_ID
    dilemma = exported["answers"]["dilemma-1"]
    assert dilemma["value"]["justification"] == JUSTIFICATION
    assert dilemma["history"][-1]["value"]["justification"] == JUSTIFICATION
    assert exported["answers"]["stakeholder-map"]["value"] == {ACTOR_ID: PLACEMENT}

    handin = download(page, download_button(page, "html"), tmp_path)
    assert '<html lang="da"' in handin
    assert str(markupsafe.escape(JUSTIFICATION)) in handin, (
        "the typed text is not in the hand-in, escaped once"
    )
    assert "<de unge>" not in handin, "learner text reached the hand-in unescaped"
    assert "æøå ÆØÅ" in handin
