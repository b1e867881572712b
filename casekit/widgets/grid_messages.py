"""The messages between the stakeholder grid's front end (``casekit/static/grid.js``) and
:class:`~casekit.widgets.grid.StakeholderGrid`, typed, and the one function that reads what comes in.

From the front end, as custom messages (:data:`Message`), one per thing the learner did:

- ``place``: a stakeholder dropped on a cell, moved there with the keys, or put back in the tray (both axes
  ``None``); ``{"type": "place", "seq": 7, "id": "kim", "power": 4, "interest": 5}``, about 60 bytes;
- ``add``: a stakeholder of the learner's own, by name, at the table or not;
- ``remove``: one of the learner's own taken off the map.

To the front end, in answer to each (:data:`Reply`, sent to every page that shows the grid): ``done`` with
what the store now holds for that stakeholder, or ``refused`` with the reason in the learner's language;
and ``status`` (:class:`StatusMessage`) when the status line changes between moves (a queued save stored).
The map as a whole goes to the front end in the synced trait ``placements`` (when the grid is built, after an
import, an addition or a removal); a move does not resend it.

Nothing the front end sends is trusted: :func:`read_message` takes only the fields it knows, of the types it
knows, and says what did not fit; the widget then checks the map a message would make against the answer
registry (:func:`casekit.registry.problems`) before it saves anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, TypedDict

__all__ = [
    "MAX_ID",
    "MAX_TEXT",
    "AddMessage",
    "DoneReply",
    "Message",
    "PlaceMessage",
    "RefusedReply",
    "RemoveMessage",
    "Reply",
    "StatusMessage",
    "Unreadable",
    "read_message",
]

MAX_ID = 100
"""The longest stakeholder id a message may carry (a case's ids are short slugs, the learner's ``own-99``)."""
MAX_TEXT = 1000
"""The longest name an ``add`` may carry before it is refused unread (the map allows far fewer characters:
:data:`casekit.registry.OWN_NAME_MAX`; the widget words that limit)."""


# -- from the front end --------------------------------------------------------------------------------------
class PlaceMessage(TypedDict):
    """A stakeholder's new place: both axes on the 1–5 scale, or both ``None`` (back in the tray). The axes
    are passed on as sent: the answer registry judges them."""

    type: Literal["place"]
    seq: int | None
    id: str
    power: Any
    interest: Any


class AddMessage(TypedDict):
    """A stakeholder of the learner's own: the name as typed, and whether they sit at the table."""

    type: Literal["add"]
    seq: int | None
    name: str
    at_table: Any


class RemoveMessage(TypedDict):
    """One of the learner's own stakeholders taken off the map."""

    type: Literal["remove"]
    seq: int | None
    id: str


Message: TypeAlias = PlaceMessage | AddMessage | RemoveMessage
"""A custom message from the front end."""


# -- to the front end ----------------------------------------------------------------------------------------
class DoneReply(TypedDict):
    """Saved: ``place`` is what the map now holds for ``id`` (``None``: not on the map), ``message`` a line
    for the learner after an addition or a removal (empty after a move), ``status`` what the activity's
    status line says now ("✓ Gemt 10:15:02"), shown beside the grid too; ``error``: that line is a warning
    (the save went over a map saved elsewhere meanwhile)."""

    type: Literal["done"]
    seq: int | None
    id: str
    place: dict[str, Any] | None
    message: str
    status: str
    error: bool


class StatusMessage(TypedDict):
    """What the activity's status line says now, when it changed outside a move: a queued save stored, a
    retry, an import shown. ``error``: it says something went wrong."""

    type: Literal["status"]
    status: str
    error: bool


class RefusedReply(TypedDict):
    """Not saved, and why, in the learner's language; the map is as it was (the front end is sent it
    again)."""

    type: Literal["refused"]
    seq: int | None
    message: str


Reply: TypeAlias = DoneReply | RefusedReply
"""The answer to a message from the front end."""


@dataclass(frozen=True)
class Unreadable:
    """A message that is not one of :data:`Message`: ``seq`` if it carried a usable one, and ``field``, the
    first field that did not fit (``""`` when the message is not even a mapping with a known ``type``)."""

    seq: int | None
    field: str = ""


def _seq(content: Mapping[str, Any]) -> int | None:
    seq = content.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) and abs(seq) < 2**53 else None


def _short_text(value: Any, limit: int) -> bool:
    return isinstance(value, str) and len(value) <= limit


def read_message(content: Any) -> Message | Unreadable:
    """A custom message from the front end, checked: the :data:`Message` it is, or :class:`Unreadable`.

    Only the known fields are kept. An id must be text of at most :data:`MAX_ID` characters, a name text of
    at most :data:`MAX_TEXT`; the axes and ``at_table`` are kept as sent (the widget checks them against the
    answer registry, which words the refusal).
    """
    if not isinstance(content, Mapping):
        return Unreadable(None)
    kind, seq = content.get("type"), _seq(content)
    if kind == "place":
        if not _short_text(content.get("id"), MAX_ID):
            return Unreadable(seq, "id")
        return {
            "type": "place",
            "seq": seq,
            "id": content["id"],
            "power": content.get("power"),
            "interest": content.get("interest"),
        }
    if kind == "add":
        if not _short_text(content.get("name"), MAX_TEXT):
            return Unreadable(seq, "name")
        return {"type": "add", "seq": seq, "name": content["name"], "at_table": content.get("at_table", True)}
    if kind == "remove":
        if not _short_text(content.get("id"), MAX_ID):
            return Unreadable(seq, "id")
        return {"type": "remove", "seq": seq, "id": content["id"]}
    return Unreadable(seq)
