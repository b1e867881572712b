"""The messages between the browser copy's front end (``casekit/static/mirror.js``) and
:class:`~casekit.widgets.mirror.BrowserCopy`, typed, and the two functions that check what comes in.

From the front end:

- a **report** of what the browser holds, in the synced trait ``browser`` (:data:`Report`): sent when the
  model starts in a page, after a ``forget``, and when a write is refused. Checked by :func:`read_report`.
- the copy's **text**, the custom message ``{"type": "copy", …}`` (:class:`CopyMessage`), only in answer to
  a ``read``. Checked by :func:`read_message`.

To the front end, as custom messages (:data:`Request`): ``read`` (send the copy's text), ``forget`` (remove
the copy, then report) and ``focus`` (move the focus to the copy's status line). The export itself goes in
the synced trait ``payload``; the limits below go in the traits ``max_keys`` and ``max_field``, so that
mirror.js and Python share one definition of them.

Nothing the browser sends is trusted: a report or a message that does not fit is ignored (and logged).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypedDict

__all__ = [
    "MAX_FIELD",
    "MAX_KEYS",
    "REASONS",
    "BrowserReport",
    "CopyMessage",
    "EmptyReport",
    "FocusRequest",
    "ForgetRequest",
    "HeldReport",
    "ReadRequest",
    "Report",
    "Request",
    "UnavailableReport",
    "UnreadableReport",
    "read_message",
    "read_report",
]

MAX_KEYS = 5000
"""The most answer keys a summary of the copy may name (mirror.js calls a copy with more "unreadable")."""
MAX_FIELD = 300
"""The longest key, save time or case id a summary may carry (mirror.js cuts longer ones to this)."""
REASONS = ("blocked", "quota", "missing", "error")
"""The front end's reason codes for storage it cannot use; anything else counts as ``error``."""


# -- what the front end reports in the trait ``browser`` -----------------------------------------------------
class _Sequenced(TypedDict, total=False):
    seq: float
    """A new number on every report, so that the same report twice is still a change of the trait."""


class _EmptyExtras(_Sequenced, total=False):
    forgotten: bool
    """The copy was just removed at the kernel's request (a ``forget``)."""


class EmptyReport(_EmptyExtras):
    """The browser holds no copy under the key."""

    state: Literal["empty"]


class _Sized(_Sequenced, total=False):
    size: int
    """The length of the stored text (for the log; not checked)."""


class HeldReport(_Sized):
    """The browser holds an export mirror.js could read: a summary of it."""

    state: Literal["held"]
    count: int
    newest: str
    keys: dict[str, str]
    case_id: str


class UnreadableReport(_Sized):
    """Something else is stored under the key (not JSON, not an export, or too many keys)."""

    state: Literal["unreadable"]


class UnavailableReport(_Sequenced):
    """The browser's storage cannot be used; ``reason`` is one of :data:`REASONS`."""

    state: Literal["unavailable"]
    reason: str


Report: TypeAlias = EmptyReport | HeldReport | UnreadableReport | UnavailableReport
"""A report in the trait ``browser``."""


# -- the custom messages -------------------------------------------------------------------------------------
class CopyMessage(TypedDict):
    """The front end's answer to a ``read``: the copy's text, or ``None`` and why (a code of :data:`REASONS`,
    or ``""`` when the key is simply gone)."""

    type: Literal["copy"]
    text: str | None
    reason: str


class ReadRequest(TypedDict):
    """Send the copy's text (a :class:`CopyMessage`)."""

    type: Literal["read"]


class ForgetRequest(TypedDict):
    """Remove the copy, then report (an :class:`EmptyReport` with ``forgotten``, or unavailable)."""

    type: Literal["forget"]


class FocusRequest(TypedDict):
    """Move the focus to the copy's status line (the button just pressed left the page)."""

    type: Literal["focus"]


Request: TypeAlias = ReadRequest | ForgetRequest | FocusRequest
"""A custom message to the front end."""


def read_message(content: Any) -> CopyMessage | None:
    """A custom message from the front end, checked: the :class:`CopyMessage` it is, or ``None`` if it is
    not one (another type, a text that is not a string, a reason that is not a string).

    The front end sends no other message: anything else (``{"type": "look"}`` from an older page, say) is
    ``None``.
    """
    if not isinstance(content, Mapping) or content.get("type") != "copy":
        return None
    text, reason = content.get("text"), content.get("reason", "")
    if not (text is None or isinstance(text, str)) or not isinstance(reason, str):
        return None
    return {"type": "copy", "text": text, "reason": reason}


# -- a report, checked ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BrowserReport:
    """What the front end says the browser holds, checked.

    Attributes
    ----------
    state : str
        ``"empty"``, ``"held"`` (an export the front end could read), ``"unreadable"`` (something else is
        stored under the key), ``"unavailable"`` (no usable storage) or ``"invalid"`` (a report that does
        not fit; ignored).
    reason : str
        For ``"unavailable"``: one of :data:`REASONS`.
    count : int
        How many answers the copy holds.
    newest : str
        The copy's newest save time, as stored (``""`` if none could be read).
    keys : dict
        ``{answer key: its newest save time}`` in the copy.
    case_id : str
        The case the copy says it belongs to.
    forgotten : bool
        The copy was just removed at the kernel's request.
    """

    state: str
    reason: str = ""
    count: int = 0
    newest: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    case_id: str = ""
    forgotten: bool = False


def read_report(report: Any) -> BrowserReport:
    """Check a report from the front end (a :data:`Report`); anything that does not fit becomes
    ``state="invalid"``."""
    if not isinstance(report, Mapping):
        return BrowserReport("invalid")
    state = report.get("state")
    if state == "empty":
        return BrowserReport("empty", forgotten=report.get("forgotten") is True)
    if state == "unreadable":
        return BrowserReport("unreadable")
    if state == "unavailable":
        reason = report.get("reason")
        return BrowserReport("unavailable", reason=reason if reason in REASONS else "error")
    if state != "held":
        return BrowserReport("invalid")
    keys, count = report.get("keys"), report.get("count")
    newest, case_id = report.get("newest"), report.get("case_id")
    if (
        not isinstance(keys, Mapping)
        or len(keys) > MAX_KEYS
        or not all(_short_text(k) and _short_text(v) for k, v in keys.items())
        or not isinstance(count, int)
        or isinstance(count, bool)
        or not 0 <= count <= MAX_KEYS
        or not _short_text(newest)
        or not _short_text(case_id)
    ):
        return BrowserReport("invalid")
    return BrowserReport("held", count=count, newest=str(newest), keys=dict(keys), case_id=str(case_id))


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_FIELD
