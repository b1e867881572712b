"""The hand-in's downloads: each file made from the answer store at the moment of the click.

Every notebook of the case runs in its own kernel and saves into one store (one file). A link rendered when
``06_aflevering`` ran would hold the answers as they were then, and miss what the learner changed in
``04_spoergsmaal`` afterwards. So a :class:`DownloadControl` holds no file: its front end
(``casekit/static/download.js``, styled by ``download.css``) asks the kernel for one when the button is
clicked, the kernel makes it from the store as it is at that moment (:func:`casekit.export.render`) and
sends it back, and the browser saves it. The line under the button then says what that file holds and when
it was made: how many tasks it answers, and which answer was saved last, at what time.

The messages, as custom messages between the two (each typed below, and checked by :func:`read_message`):

- from the front end: :class:`MakeMessage` (the button was clicked) and :class:`LookMessage` (the control
  came into view, or got the pointer or the focus: answers saved in another notebook are counted then);
- to the front end: :class:`FileMessage` with the file's bytes as its one buffer, or :class:`FailedMessage`
  (the line says why, in words).

Nothing the front end sends is trusted: a message that does not fit is ignored and logged. Nothing raises at
a learner: a failure is a line in their language (``role="alert"``), and their answers stay in the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict

import anywidget
import traitlets

from casekit import registry
from casekit.clock import local_clock, now
from casekit.errors import CasekitError
from casekit.export import FORMATS, canonical_format, render
from casekit.i18n import t, ui_lang
from casekit.naming import answer_title
from casekit.widgets.base import STATIC

if TYPE_CHECKING:
    from casekit.answers import AnswerStore
    from casekit.case import Case

__all__ = [
    "MAX_REQUEST",
    "DownloadControl",
    "FailedMessage",
    "FileMessage",
    "Holding",
    "LookMessage",
    "MakeMessage",
    "holding",
    "read_message",
]

log = logging.getLogger(__name__)

MAX_REQUEST = 64
"""The longest request id the front end may send (it sends ``<view>:<n>``, a dozen characters)."""


# -- the messages --------------------------------------------------------------------------------------------
class MakeMessage(TypedDict):
    """The button was clicked: make the file now and answer with a :class:`FileMessage` (or a
    :class:`FailedMessage`) carrying the same ``request``."""

    type: Literal["make"]
    request: str


class LookMessage(TypedDict):
    """The control came into view, or got the pointer or the focus."""

    type: Literal["look"]


class FileMessage(TypedDict):
    """The file, made just now; its bytes are the message's one buffer."""

    type: Literal["file"]
    request: str
    name: str
    mime: str


class FailedMessage(TypedDict):
    """No file: the control's line says why."""

    type: Literal["failed"]
    request: str


Incoming: TypeAlias = MakeMessage | LookMessage


def read_message(content: Any) -> Incoming | None:
    """A custom message from the front end, checked: the message it is, or ``None`` if it fits none."""
    if not isinstance(content, Mapping):
        return None
    kind = content.get("type")
    if kind == "look":
        return {"type": "look"}
    request = content.get("request")
    if kind == "make" and isinstance(request, str) and 0 < len(request) <= MAX_REQUEST:
        return {"type": "make", "request": request}
    return None


# -- what a file holds ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Holding:
    """What a file made from the store holds: how many of the case's tasks are answered (as the hand-in
    preview counts them), and the answer saved last (its key and time; ``""`` when there is none)."""

    answered: int
    total: int
    latest_key: str = ""
    latest_at: str = ""


def holding(case: Case, store: AnswerStore) -> Holding:
    """What a file made from ``store`` now holds (see :class:`Holding`)."""
    saved = store.keys()
    latest = {key: store.latest(key) for key in saved}
    revisions = [rev for rev in latest.values() if rev is not None]
    tasks = registry.answer_keys(case)
    values = {key: rev.value for key, rev in latest.items() if rev is not None}
    answered = sum(registry.is_answered(key, values.get(key), case) for key in tasks)
    newest = max(revisions, key=lambda rev: rev.saved_at, default=None)
    if newest is None:
        return Holding(answered, len(tasks))
    return Holding(answered, len(tasks), newest.key, newest.saved_at)


def holding_text(case: Case, held: Holding, made_at: str, lang: str) -> str:
    """The line under a button after a file was made: when, how many tasks, and the answer saved last."""
    if not held.latest_key:
        return t("answers.download.made_empty", lang, time=local_clock(made_at))
    return t(
        "answers.download.made",
        lang,
        time=local_clock(made_at),
        answered=held.answered,
        total=held.total,
        latest=answer_title(case, held.latest_key),
        saved=local_clock(held.latest_at),
    )


# -- the control ---------------------------------------------------------------------------------------------
class DownloadControl(anywidget.AnyWidget):
    """A button that downloads the answers in one format (JSON, the HTML hand-in or Markdown), made from the
    store when it is clicked, and a line that says what the last file held and when.

    Parameters
    ----------
    store : AnswerStore
        The answers.
    case : Case
        The case (the hand-in's questions and charts, the line's words and the answers' names).
    format : str
        ``json``, ``html`` or ``markdown`` (``md``, ``htm``).
    on_look : callable, optional
        Called when the front end says the control came into view (or got the pointer or the focus), and
        after each file: the page around it can count the store's answers again.

    Attributes
    ----------
    format : str
        The export format.
    made : int
        How many files were made and sent.
    last_holding : Holding or None
        What the last file held.
    """

    _esm = STATIC / "download.js"
    _css = STATIC / "download.css"
    label = traitlets.Unicode("").tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)
    alert = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        store: AnswerStore,
        case: Case,
        format: str = "json",
        *,
        on_look: Callable[[], object] | None = None,
    ) -> None:
        lang = ui_lang(case.lang)
        name = canonical_format(format, lang)
        super().__init__(label=t(f"answers.download.{name}", lang))
        self.store = store
        self.case = case
        self.lang = lang
        self.format = name
        self.on_look = on_look
        self.made = 0
        self.last_holding: Holding | None = None
        self.on_msg(lambda _widget, content, _buffers: self._on_message(content))

    @property
    def file_name(self) -> str:
        """``<case>-<learner>.<ext>``: a hand-in file an instructor can tell apart from the others."""
        suffix, _mime = FORMATS[self.format]
        return f"{self.store.case_id}-{self.store.learner}{suffix}"

    @property
    def mime(self) -> str:
        """The file's media type, with its character set."""
        return f"{FORMATS[self.format][1]};charset=utf-8"

    def make(self) -> tuple[bytes, Holding]:
        """The file as a click makes it now (UTF-8), and what it holds."""
        held = holding(self.case, self.store)  # first: a save meanwhile is in the file, not missing from it
        text = render(self.store, self.format, case=self.case)
        return text.encode("utf-8"), held

    def _on_message(self, content: Any) -> None:
        message = read_message(content)
        if message is None:
            log.warning("ignored a download message that does not fit: %.200r", content)
            return
        if message["type"] == "make":
            self._send_file(message["request"])
        else:
            self._looked()

    def _send_file(self, request: str) -> None:
        self._show(t("answers.download.making", self.lang))
        try:
            data, held = self.make()
        except CasekitError as exc:  # the store cannot be read, say: words for the learner
            self._failed(request, t("answers.download.failed", self.lang, reason=exc))
            return
        except Exception as exc:  # never a traceback in front of a learner; the log keeps the details
            log.exception("making the %s download failed", self.format)
            self._failed(request, t("answers.download.failed", self.lang, reason=type(exc).__name__))
            return
        reply: FileMessage = {"type": "file", "request": request, "name": self.file_name, "mime": self.mime}
        self.send(reply, buffers=[data])
        self.made += 1
        self.last_holding = held
        self._show(holding_text(self.case, held, now(), self.lang))
        self._looked()

    def _failed(self, request: str, line: str) -> None:
        reply: FailedMessage = {"type": "failed", "request": request}
        self.send(reply)
        self._show(line, error=True)

    def _looked(self) -> None:
        if self.on_look is None:
            return
        try:
            self.on_look()
        except Exception:  # the page's count is a convenience; the download itself is what matters
            log.exception("counting the answers again after a download failed")

    def _show(self, line: str, *, error: bool = False) -> None:
        with self.hold_sync():
            self.note = line
            self.alert = error
