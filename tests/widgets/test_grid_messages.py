"""The messages from the stakeholder grid's front end are read field by field
(casekit/widgets/grid_messages.py): only the known fields of the known types come through; anything else is
:class:`Unreadable`, saying where."""

from __future__ import annotations

from typing import Any

import pytest

from casekit.widgets.grid_messages import MAX_ID, MAX_TEXT, Unreadable, read_message


class TestReadMessage:
    """Each of the three messages, as grid.js sends it, and what does not fit."""

    def test_place(self):
        """A move keeps its id, its axes as sent (the registry judges them) and its sequence number."""
        sent = {"type": "place", "seq": 7, "id": "kim", "power": 4, "interest": None, "extra": [1]}
        assert read_message(sent) == {"type": "place", "seq": 7, "id": "kim", "power": 4, "interest": None}

    def test_add_defaults_to_at_the_table(self):
        """An addition without ``at_table`` sits at the table, as the form's box starts ticked."""
        assert read_message({"type": "add", "name": "Lærerne"}) == {
            "type": "add",
            "seq": None,
            "name": "Lærerne",
            "at_table": True,
        }

    def test_remove(self):
        assert read_message({"type": "remove", "seq": 2, "id": "own-1"}) == {
            "type": "remove",
            "seq": 2,
            "id": "own-1",
        }

    @pytest.mark.parametrize("seq", [True, 1.5, "3", 2**60, None])
    def test_a_sequence_number_must_be_a_safe_integer(self, seq: Any):
        """A number the page could not have counted is dropped (the answer then carries none)."""
        assert read_message({"type": "remove", "seq": seq, "id": "own-1"})["seq"] is None  # type: ignore[index]

    @pytest.mark.parametrize(
        ("content", "field"),
        [
            ({"type": "place", "seq": 3, "id": 5}, "id"),
            ({"type": "place", "seq": 3, "id": "x" * (MAX_ID + 1)}, "id"),
            ({"type": "add", "seq": 3, "name": None}, "name"),
            ({"type": "add", "seq": 3, "name": "x" * (MAX_TEXT + 1)}, "name"),
            ({"type": "remove", "seq": 3}, "id"),
            ({"type": "copy", "seq": 3}, ""),
        ],
    )
    def test_what_does_not_fit(self, content: dict[str, Any], field: str):
        """A wrong field says which, and keeps the sequence number so that the page hears the refusal."""
        assert read_message(content) == Unreadable(3, field)

    @pytest.mark.parametrize("content", [None, "place", ["place"], 7])
    def test_not_a_message_at_all(self, content: Any):
        assert read_message(content) == Unreadable(None)
