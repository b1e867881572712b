"""The messages between mirror.js and the browser copy (casekit/widgets/mirror_messages.py): what comes in
is checked in one place, and the limits both sides use are defined once, in Python."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from casekit.answers import AnswerStore
from casekit.widgets.mirror import BrowserCopy
from casekit.widgets.mirror_messages import MAX_FIELD, MAX_KEYS, read_message, read_report

MIRROR_JS = Path(__file__).resolve().parents[2] / "casekit" / "static" / "mirror.js"


class TestReadMessage:
    """A custom message from the front end is a ``copy`` with a text (or none) and a reason, or nothing."""

    @pytest.mark.parametrize(
        "content",
        [
            {"type": "copy", "text": "{}", "reason": ""},
            {"type": "copy", "text": None, "reason": "blocked"},
            {"type": "copy", "text": None, "reason": ""},
        ],
    )
    def test_a_copy_fits(self, content: dict[str, Any]):
        """The front end's answer to ``read`` comes back as it was sent."""
        assert read_message(content) == content

    def test_a_missing_reason_is_empty(self):
        """A ``copy`` without a reason has the reason ``""`` (the key simply gone)."""
        assert read_message({"type": "copy", "text": None}) == {"type": "copy", "text": None, "reason": ""}

    @pytest.mark.parametrize(
        "content",
        [
            None,
            "copy",
            {"type": "look"},  # the message mirror.js once handled and nothing sent: gone
            {"type": "read"},
            {"type": "copy", "text": 42, "reason": ""},
            {"type": "copy", "text": "{}", "reason": None},
        ],
    )
    def test_anything_else_is_not_a_message(self, content: Any):
        """Another type, or a text or reason of another kind, is not a message (it is ignored)."""
        assert read_message(content) is None

    def test_a_look_message_changes_nothing(self, store: AnswerStore):
        """``look`` from an older page reaches the copy and is ignored: nothing sent, nothing shown."""
        copy = BrowserCopy(store, environ={})
        sent: list[Any] = []
        copy.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
        copy._handle_custom_msg({"type": "look"}, [])
        assert sent == [] and copy.status.value == ""


class TestReadReport:
    """A report in the ``browser`` trait is checked against the limits."""

    def test_at_the_limits(self):
        """A summary of exactly MAX_KEYS keys of MAX_FIELD characters fits; one more does not."""
        keys = {f"{n:0{MAX_FIELD}d}": "t" for n in range(MAX_KEYS)}
        report = {"state": "held", "count": MAX_KEYS, "newest": "", "keys": keys, "case_id": "x"}
        assert read_report(report).state == "held"
        assert read_report({**report, "count": MAX_KEYS + 1}).state == "invalid"
        assert read_report({**report, "case_id": "x" * (MAX_FIELD + 1)}).state == "invalid"


class TestOneDefinitionOfTheLimits:
    """mirror.js takes the summary's limits from the kernel (synced traits) rather than its own copy."""

    def test_the_traits_carry_the_limits(self, store: AnswerStore):
        """The widget's state, as sent to the front end, holds the limits."""
        state = BrowserCopy(store, environ={}).get_state()
        assert (state["max_keys"], state["max_field"]) == (MAX_KEYS, MAX_FIELD)

    def test_mirror_js_reads_them_from_the_model(self):
        """mirror.js names the traits and holds no number of its own for them (nor the old constants)."""
        source = MIRROR_JS.read_text(encoding="utf-8")
        assert 'model.get("max_keys")' in source and 'model.get("max_field")' in source
        assert not re.search(r"\b(5000|300)\b|MAX_KEYS|MAX_FIELD", source)

    def test_mirror_js_handles_no_look_message(self):
        """The front end answers ``read`` and ``forget`` (and its view ``focus``); ``look`` is gone."""
        source = MIRROR_JS.read_text(encoding="utf-8")
        assert '"look"' not in source and '"read"' in source and '"forget"' in source
