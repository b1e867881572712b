"""The HTML hand-in (``AnswerStore.export(path, format="html")``) of a learner who answered every activity,
charts included, opened from disk in Chromium: axe-core finds no critical or serious violation, it is
Danish, and every image (the learner's charts) has alt text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import casekit
from casekit import charts
from casekit.answers import AnswerStore
from casekit.widgets import task_keys

from .support import Axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Learner text with Danish letters and characters HTML must escape.
TEXT = 'Svar med æøå ÆØÅ – og <tegn> & "citater"'


def answer_everything(store: AnswerStore, case: casekit.Case) -> dict[str, object]:
    """Save an answer for every task a learner can fill in (as the activities save them); returns them."""
    dilemmas = case.activity("dilemmas")
    speakers = [a for a in case.actors if a.speaks]
    levels = list(case.activity("proposal")["levels"])
    answers: dict[str, object] = {
        "stakeholder-map": {
            a.id: {"power": 1 + i % 5, "interest": 5 - i % 5} for i, a in enumerate(case.actors)
        },
        "decision-point": {
            "choice": next(iter(case.activity("decision-point")["options"])),
            "justification": TEXT,
        },
        "goal-divergence": {a.id: 1 + i % 5 for i, a in enumerate(speakers)},
        **{
            key: {
                "position": 1 + i * 2,
                "left": config["left"],
                "right": config["right"],
                "justification": f"{TEXT} ({key})",
                "paragraphs": [],
                "missing_voices": "Børnene og de unge",
            }
            for i, (key, config) in enumerate(dilemmas.items())
        },
        **{q.id: f"{TEXT} ({q.id})" for q in case.questions},
        **{f"proposal.{name}": f"{TEXT} ({name})" for name in ("minutes", "overlap", "process")},
        "proposal.participation": {a.id: levels[i % len(levels)] for i, a in enumerate(case.actors)},
    }
    assert set(answers) == set(task_keys(case)), "the test no longer answers every task"
    for key, value in answers.items():
        store.save(key, value)
    return answers


@pytest.fixture(scope="module")
def handin_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A hand-in with every task answered, and how many charts it should show."""
    case = casekit.load_case("samskabelse", lang="da")
    folder = tmp_path_factory.mktemp("handin")
    with AnswerStore.open(folder / "answers", case=case, learner="Søren Ærø") as store:
        answers = answer_everything(store, case)
        path = store.export(folder / "aflevering.html", format="html", case=case)
    return path, len(charts.export_figures(case, answers))


def test_handin_with_every_answer_is_accessible(
    browser_page: Page, axe: Axe, handin_file: tuple[Path, int]
) -> None:
    """A learner's complete hand-in has no critical or serious accessibility violation, and a screen reader
    gets a text alternative for every chart."""
    path, figures = handin_file
    assert figures == 3, "expected the stakeholder map, goal and dilemma charts"
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.goto(path.as_uri())
    assert browser_page.evaluate("() => document.documentElement.lang") == "da"
    axe.assert_no_serious(browser_page)
    images = browser_page.evaluate(
        "() => [...document.images].map((img) => ({alt: (img.getAttribute('alt') || '').trim(),"
        " loaded: img.complete && img.naturalWidth > 0}))"
    )
    assert len(images) == figures, images
    assert all(image["alt"] for image in images), f"images without alt text: {images}"
    assert all(image["loaded"] for image in images), f"images that did not load: {images}"
    assert TEXT in browser_page.locator("main").inner_text(), "learner text is not shown as typed"
    outside = [url for url in requested if not url.startswith(("file://", "data:"))]
    assert not outside, f"the hand-in loads external resources: {outside}"
