"""Hostile text — markup, attribute breakers, template syntax — typed by a learner or written into the case
data shows as text in every document and widget: no output gains a script, an event handler or an image of
its own, and template syntax is never evaluated."""

from __future__ import annotations

import base64
import dataclasses
from html.parser import HTMLParser
from typing import Any

import ipywidgets as W
import markupsafe
import pytest

from casekit import export, widgets
from casekit.answers import AnswerStore
from casekit.answers.embedded import BLOCK_ID, MEDIA_TYPE
from casekit.widgets.download import DownloadControl

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><script>alert(2)</script>",
    "{{ 7*7 }}",
    "{% raw %}",
]


class _Tags(HTMLParser):
    """Collects the start tags of a piece of HTML, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


DATA_BLOCK = ("script", {"type": MEDIA_TYPE, "id": BLOCK_ID})
"""The hand-in's one data block (its JSON export), which no browser runs (casekit/answers/embedded.py)."""


def assert_inert(html: str) -> None:
    """No script element (but the hand-in's one data block), no on…= attribute, no image but casekit's own
    data: images (whose SVG is inert)."""
    parser = _Tags()
    parser.feed(html)
    assert parser.tags.count(DATA_BLOCK) <= 1
    for tag, attrs in parser.tags:
        if (tag, attrs) == DATA_BLOCK:
            continue
        assert tag not in ("script", "iframe", "object", "embed"), tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if (tag == "img" and "src" in attrs) or tag == "image":
            src = attrs.get("src", "") or attrs.get("href", "") or attrs.get("xlink:href", "")
            assert src.startswith("data:image/"), src
            if src.startswith("data:image/svg+xml;base64,"):
                assert_inert(base64.b64decode(src.split(",", 1)[1]).decode("utf-8"))
        if tag == "a":
            assert not attrs.get("href", "").lower().startswith("javascript:")


def _widget_html(widget: Any) -> list[str]:
    """Every HTML value in a widget tree (HTML widgets' values)."""
    found: list[str] = []
    if isinstance(widget, W.HTML):
        found.append(widget.value)
    for child in getattr(widget, "children", ()):
        found.extend(_widget_html(child))
    return found


def _fill_everything(store: AnswerStore, case, text: str) -> None:
    """Every field a learner can write, written with ``text``."""
    for question in case.questions:
        store.save(question.id, text)
    for name in widgets.PROPOSAL_FIELDS:
        store.save(f"proposal.{name}", text)
    store.save("decision-point", {"choice": "interesser", "justification": text})
    for n in (1, 2, 3):
        store.save(
            f"dilemma-{n}",
            {
                "position": 2,
                "left": text,
                "right": text,
                "justification": text,
                "paragraphs": ["del-1 ¶1"],
                "missing_voices": text,
            },
        )
    store.save("stakeholder-map", {"kim": {"power": 4, "interest": 5}})
    store.save("goal-divergence", {"kim": 2})
    store.save("proposal.participation", {"kim": "inform"})


@pytest.mark.parametrize("text", HOSTILE)
class TestLearnerText:
    """What a learner types shows as text in the hand-ins, the download links and the activities."""

    def test_html_hand_in(self, store: AnswerStore, case, text: str):
        """The HTML hand-in, charts included, shows the text and runs nothing."""
        _fill_everything(store, case, text)
        page = export.render(store, "html", case=case)
        assert_inert(page)
        assert "{{ 7*7 }}" in page or text != "{{ 7*7 }}"
        assert "{% raw %}" in page or text != "{% raw %}"

    def test_markdown_hand_in(self, store: AnswerStore, case, text: str):
        """The Markdown hand-in keeps the words but lets no tag through."""
        _fill_everything(store, case, text)
        page = export.render(store, "markdown", case=case)
        assert "<script" not in page and "<img" not in page and "</textarea" not in page
        if text.startswith("{"):
            assert text in page

    def test_activities(self, store: AnswerStore, case, text: str):
        """Every activity rebuilt on the saved text shows it without running it (controls and charts)."""
        _fill_everything(store, case, text)
        activities = [
            widgets.stakeholder_map(case, store),
            widgets.decision_point(case, store),
            widgets.goal_divergence(case, store),
            *(widgets.dilemma(case, store, n) for n in (1, 2, 3)),
            widgets.questions(case, store),
            widgets.proposal(case, store),
            widgets.handin(case, store),
        ]
        for activity in activities:
            for html in _widget_html(activity):
                assert_inert(html)
        first = activities[3]
        assert first.inputs["left"].value == text  # the learner's words come back as they were typed
        assert first.inputs["justification"].value == text

    def test_downloads(self, store: AnswerStore, case, text: str):
        """Each file the downloads make is inert (the HTML hand-in's data block aside), whatever the
        answers hold, and the line under the button names no answer's text."""
        _fill_everything(store, case, text)
        for fmt in ("html", "json", "markdown"):
            control = DownloadControl(store, case, fmt)
            data, _held = control.make()
            if fmt != "json":
                assert_inert(data.decode("utf-8"))
            control.send = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
            control._handle_custom_msg({"type": "make", "request": "v:1"}, [])
            assert text not in control.note


@pytest.mark.parametrize("text", HOSTILE)
def test_case_data_in_the_activities(store: AnswerStore, case, text: str):
    """An actor's name, a quote and an activity's text from the case data show as text in the activities."""
    actors = tuple(dataclasses.replace(a, name=f"{a.name} {text}") for a in case.actors)
    activities = {
        key: {**value, "title": text, "intro": text} if isinstance(value, dict) else value
        for key, value in case.activities.items()
    }
    hostile = dataclasses.replace(case, actors=actors, activities=activities)
    built = [
        widgets.read(hostile, 1).data,
        *_widget_html(widgets.stakeholder_map(hostile, store)),
        *_widget_html(widgets.goal_divergence(hostile, store)),
        *_widget_html(widgets.decision_point(hostile, store)),
        *_widget_html(widgets.handin(hostile, store)),
    ]
    for html in built:
        assert_inert(html)
    assert any(str(markupsafe.escape(text)) in html for html in built)
