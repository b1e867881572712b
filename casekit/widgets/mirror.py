"""A copy of the learner's answers in their own browser, and a way back from it.

A Binder session, and the answer file in it, disappear after about ten idle minutes. :class:`BrowserCopy`
keeps the store's JSON export (:func:`casekit.export.export_json`) in the browser's ``localStorage`` under
``casekit:<scope>:<case id>`` (:func:`storage_key`), refreshed a moment after every save (debounced: many
keystrokes make one send, off the widget callback's path). When a notebook opens a store that lacks
answers the browser holds, it offers them back; one click imports them exactly as an uploaded export is
imported (:meth:`AnswerStore.import_bytes`: checked against the export schema, merged, nothing lost).

The scope keeps the copy to the learner it belongs to: the JupyterHub user on a hub (users of one hub share
an origin, and so a browser's storage), ``binder`` on Binder (every session there is a new random hub user,
and the copy must survive into the next one), else ``local``.

The front end is the ES module ``casekit/static/mirror.js``; it reports what the browser holds in the synced
trait ``browser`` (once per copy and page, when the copy's box is first shown: its line and buttons must be
in the page to show the answer) and answers the custom messages ``read`` and ``forget`` (the messages are
typed, and checked, in :mod:`casekit.widgets.mirror_messages`). Everything it reports is checked: a report
that does not fit is ignored, and text from the browser is imported only through the importer, whose refusal
is shown as text. After a restore, the activities already on the page show the answers that came back
(:func:`casekit.widgets.live.imported`).

The copy is in one phase at a time (:class:`~casekit.widgets.mirror_state.Phase`: starting, mirroring,
offering, reading, forgetting, paused…); :func:`~casekit.widgets.mirror_state.advance` is the one table of
what moves it, and only the mirroring phase writes to the browser.

:func:`casekit.widgets.start` shows the copy in every notebook (one per store and kernel: running the
notebook again retires the earlier one); :func:`forget_section` is 06_aflevering's "Glem kopien i denne
browser". A button that cannot be used is left out of the page, not hidden.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anywidget
import ipywidgets as W
import traitlets

from casekit.answers import KEY_PATTERN, AnswerStore, ImportResult
from casekit.clock import display_time, normalise_time
from casekit.errors import AnswerImportError, CasekitError
from casekit.i18n import t, ui_lang
from casekit.importer import MAX_IMPORT_BYTES, parse_import, too_big
from casekit.widgets import live
from casekit.widgets.base import STATIC, WIDE, piece, status_html
from casekit.widgets.mirror_messages import (
    MAX_FIELD,
    MAX_KEYS,
    REASONS,
    BrowserReport,
    CopyMessage,
    Request,
    read_message,
    read_report,
)
from casekit.widgets.mirror_state import WAITING_FOR_TEXT, Event, Phase, advance

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = [
    "DELAY",
    "BrowserCopy",
    "current",
    "forget_all",
    "forget_section",
    "missing_keys",
    "saved",
    "scope",
    "storage_key",
]

log = logging.getLogger(__name__)

DELAY = 0.4
"""Seconds between a save and the send of the export to the browser; saves meanwhile join that send."""


# -- whose copy ----------------------------------------------------------------------------------------------
def scope(environ: Mapping[str, str] | None = None) -> str:
    """Whose copy this is: ``binder`` on Binder, the JupyterHub user on a hub, else ``local``.

    Binder is asked first: its sessions run on a JupyterHub too, each under a new random user, and the copy
    must be found again in the next session.
    """
    env = os.environ if environ is None else environ
    if env.get("BINDER_LAUNCH_HOST", "").strip() or env.get("BINDER_REPO_URL", "").strip():
        return "binder"
    user = env.get("JUPYTERHUB_USER", "").strip()
    return user or "local"


def storage_key(case_id: str, environ: Mapping[str, str] | None = None) -> str:
    """The browser storage key of a case's copy: ``casekit:<scope>:<case id>`` (see :func:`scope`)."""
    return f"casekit:{scope(environ)}:{case_id}"


# -- what the copy lacks -----------------------------------------------------------------------------------
def missing_keys(store: AnswerStore, report: BrowserReport) -> list[str]:
    """The answers the browser's copy has and the store lacks: keys whose newest revision in the copy the
    store does not hold (by its time), whatever the store saved since. An answer typed in a new session
    after an old one in the copy is newer, yet the old one is not in the store: copying the store over the
    copy would lose it. (A time that cannot be read counts as missing: the importer then says what is wrong
    with it.)"""
    missing = []
    for key, newest in report.keys.items():
        try:
            held = _fits_store(key) and store.holds(key, normalise_time(newest))
        except ValueError:
            held = False
        if not held:
            missing.append(key)
    return sorted(missing)


def _fits_store(key: str) -> bool:
    return bool(KEY_PATTERN.fullmatch(key))


# -- the mirrors of each store -------------------------------------------------------------------------------
_MIRRORS: weakref.WeakKeyDictionary[AnswerStore, weakref.WeakSet[BrowserCopy]] = weakref.WeakKeyDictionary()
_MIRRORS_LOCK = threading.Lock()


def forget_all(store: AnswerStore) -> int:
    """Forget every browser copy of ``store`` shown in this kernel (06_aflevering's button); how many."""
    copies = list(_MIRRORS.get(store, ()))
    for copy in copies:
        copy.forget()
    return len(copies)


def current(store: AnswerStore) -> BrowserCopy | None:
    """The browser copy of ``store`` shown in this kernel (by :func:`casekit.widgets.start`), if any."""
    with _MIRRORS_LOCK:
        return next(iter(_MIRRORS.get(store, ())), None)


def forget_section(case: Case, store: AnswerStore) -> W.VBox:
    """06_aflevering's part on the copy in this browser: what is kept where, and a button that forgets it
    (on a shared computer). Under the button, what the copy's status line says (as plain text: the line
    at the top of the notebook is the one a screen reader announces)."""
    lang = ui_lang(case.lang)
    title = piece("heading", text=t("mirror.section.heading", lang), level=2)
    intro = piece("paragraph", text=t("mirror.section.intro", lang))
    button = W.Button(
        description=t("mirror.forget", lang),
        tooltip=t("mirror.forget_tooltip", lang),
        layout=W.Layout(width="auto"),
    )
    line = W.HTML()
    followed: weakref.WeakSet[BrowserCopy] = weakref.WeakSet()

    def show(copy: BrowserCopy) -> None:
        if current(store) is copy:  # the copy that the notebook's latest run shows
            line.value = piece("paragraph", text=copy.message)

    def watch(copy: BrowserCopy) -> None:
        if copy not in followed:
            followed.add(copy)
            copy.status.observe(lambda _change: show(copy), names="value")
        show(copy)

    def clicked(_button: Any) -> None:
        copy = current(store)  # looked up now: the start() cell may have run again since
        if copy is None:
            return
        watch(copy)
        forget_all(store)

    copy = current(store)
    if copy is None:  # start() was not run on this store: nothing in this kernel talks to the browser
        button.disabled = True
        line.value = piece("paragraph", text=t("mirror.section.none", lang))
    else:
        watch(copy)
        button.on_click(clicked)
    return W.VBox([W.HTML(title + intro, layout=WIDE), button, line])


def saved(store: AnswerStore) -> None:
    """A save reached ``store``: every browser copy of it refreshes, debounced (see :data:`DELAY`)."""
    with _MIRRORS_LOCK:
        mirrors = list(_MIRRORS.get(store, ()))
    for mirror in mirrors:
        mirror.refresh()


def _register(store: AnswerStore, mirror: BrowserCopy) -> None:
    """``mirror`` is now the copy of ``store`` in this kernel: an earlier one (the notebook run again) is
    closed, so that one save makes one send and the page keeps one front end per store."""
    with _MIRRORS_LOCK:
        mirrors = _MIRRORS.setdefault(store, weakref.WeakSet())
        earlier = list(mirrors)
        mirrors.clear()
        mirrors.add(mirror)
    for old in earlier:
        old.retire()


# -- the widget ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Offer:
    """What the offer to restore says: its text, and how many answers it names."""

    text: str
    missing: int


class BrowserCopy(anywidget.AnyWidget):
    """The learner's answers mirrored into the browser, and the line that offers them back.

    Displaying :attr:`box` shows the (invisible) widget with its status line and buttons; the widget alone
    shows nothing.

    Parameters
    ----------
    store : AnswerStore
        The store to mirror and to restore into.
    case : Case, optional
        Sets the language of the lines (else the store's).
    environ : mapping, optional
        Where :func:`scope` looks (default ``os.environ``).
    delay : float
        The debounce delay in seconds.

    Attributes
    ----------
    phase : Phase
        Where the copy is (see :mod:`casekit.widgets.mirror_state`); only ``MIRRORING`` writes.
    status : ipywidgets.HTML
        What the copy is and what a click did (``role="status"``, or ``role="alert"``).
    message : str
        The status line's text, for another view of it (06_aflevering's section).
    restore_button, forget_button : ipywidgets.Button
        "Gendan fra denne browser" and "Glem kopien i denne browser"; shown when they can be used.
    box : ipywidgets.VBox
        The widget, the status line and the buttons.
    report : BrowserReport or None
        The front end's latest report.
    last_result : ImportResult or None
        The outcome of the last restore.
    sends : int
        How many times the export was sent to the browser.
    """

    _esm = STATIC / "mirror.js"
    storage_key = traitlets.Unicode("").tag(sync=True)
    payload = traitlets.Unicode("").tag(sync=True)
    browser = traitlets.Dict().tag(sync=True)
    max_keys = traitlets.Int(MAX_KEYS).tag(sync=True)
    max_field = traitlets.Int(MAX_FIELD).tag(sync=True)
    copy_id = traitlets.Unicode("").tag(sync=True)
    """This copy's own id: the front end reports once per copy and page, from the copy's first view
    (see mirror.js: a report sent before the status line exists in the page could not be answered)."""

    def __init__(
        self,
        store: AnswerStore,
        case: Case | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        delay: float = DELAY,
    ) -> None:
        super().__init__(storage_key=storage_key(store.case_id, environ), copy_id=uuid.uuid4().hex)
        self.store = store
        self.lang = ui_lang(case.lang if case is not None else store.lang)
        self.case = case
        self.delay = delay
        self.phase = Phase.STARTING
        self.report: BrowserReport | None = None
        self.last_result: ImportResult | None = None
        self.sends = 0
        self.message = ""
        # Beside the phase, and not part of it:
        # - the offer's words, kept while the learner chooses (the offer's phases, and a read they start);
        self._offer: Offer | None = None
        # - whether the learner's last act was a press on one of these buttons: if the button then leaves
        #   the page, the focus goes to the line (about the keyboard, in whatever phase);
        self._pressed = False
        # - the waiting send (the debounce: saves meanwhile join it), and the lock that guards it.
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._phase_lock = threading.Lock()  # one step of the phase at a time (see _step)
        self.status = W.HTML()
        self.status.add_class("casekit-mirror-status")
        self.restore_button = W.Button(
            description=t("mirror.restore", self.lang),
            tooltip=t("mirror.restore_tooltip", self.lang),
            layout=W.Layout(width="auto"),
        )
        self.forget_button = W.Button(
            description=t("mirror.forget", self.lang),
            tooltip=t("mirror.forget_tooltip", self.lang),
            layout=W.Layout(width="auto"),
        )
        self.restore_button.on_click(lambda _button: self._guard(self._clicked_restore))
        self.forget_button.on_click(lambda _button: self._guard(self._clicked_forget))
        self.actions = W.HBox([])
        self.box = W.VBox([self, self.status, self.actions])
        self.box.add_class("casekit-mirror-box")
        self.observe(lambda change: self._guard(lambda: self.received(change["new"])), names="browser")
        self.on_msg(lambda _widget, content, _buffers: self._guard(lambda: self._on_message(content)))
        _register(store, self)

    def _go(self, event: Event) -> Phase:
        """Move to the phase ``event`` leads to (:func:`~casekit.widgets.mirror_state.advance`) and return
        it; a phase that writes no more cancels the waiting send."""
        return self._step(event)[1]

    def _step(self, event: Event) -> tuple[Phase, Phase]:
        """:meth:`_go`, returning the phase before too. One step at a time: a save's refresh comes on the
        save queue's thread while the learner's click is handled on another."""
        with self._phase_lock:
            before = self.phase
            self.phase = after = advance(before, event)
        if after is not Phase.MIRRORING:
            self._cancel_send()
        return before, after

    def retire(self) -> None:
        """Stop mirroring and close the front end (a newer copy of the same store took over)."""
        self._go(Event.RETIRED)
        self.close()

    # -- mirroring ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """A save reached the store: send its export to the browser after :attr:`delay` seconds (calls
        meanwhile join that send); during an offer, say once that new answers are not copied yet."""
        before, after = self._step(Event.SAVED)
        offer = self._offer
        if before is Phase.OFFERING and after is Phase.OFFER_UNCOPIED and offer is not None:
            self._show(offer.text + " " + t("mirror.waiting", self.lang), error=True)
        if after is not Phase.MIRRORING:
            return
        with self._lock:
            if self._timer is not None:
                return
            self._timer = threading.Timer(self.delay, self._send_copy)
            self._timer.daemon = True
            self._timer.start()

    def flush(self) -> None:
        """Send now if a send is waiting (tests, and a kernel about to stop)."""
        if self._cancel_send():
            self._send_copy(cleared=True)

    def _cancel_send(self) -> bool:
        """Cancel the waiting send, if one waits; whether one did."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        return timer is not None

    def _send_copy(self, cleared: bool = False) -> None:
        if not cleared:
            with self._lock:
                self._timer = None  # cleared before the export is made: a save from now on sends again
        if self.phase is not Phase.MIRRORING:
            return
        from casekit.export import export_json  # here, off the notebook's start: the first send is later

        try:
            text = export_json(self.store)
        except Exception:  # the copy is a safety net: its failure is logged, never shown as a traceback
            log.exception("the browser copy of %s could not be made", self.store.path)
            return
        self.payload = text
        self.sends += 1

    def _mirror(self, event: Event, message: str | None = None, *, error: bool = False) -> None:
        """Nothing waits in the browser (``event`` says why): keep its copy up to date from now on."""
        self._offer = None
        if self._go(event) is not Phase.MIRRORING:  # paused (or retired): the line says what happened
            if message is not None:
                self._show(message, error=error)
            return
        if message is None:  # the usual case, on every notebook: a quiet line
            self.message = t("mirror.active", self.lang)
            self.status.value = piece("small", text=self.message)
        else:
            self._show(message, error=error)
        # In the usual case the line has no button of its own: forgetting the copy is in 06_aflevering
        # (:func:`forget_all`), one quiet line per notebook and no extra stop for keyboard users.
        self._buttons(restore=False, forget=False)
        self.refresh()

    # -- what the browser holds --------------------------------------------------------------------------
    def received(self, report: Any) -> None:
        """Act on a report from the front end: offer a restore, say why there is no copy, or mirror."""
        checked = read_report(report)
        if checked.state == "invalid":
            log.warning("ignored a browser copy report that does not fit: %.200r", report)
            return
        self.report = checked
        if checked.state == "unavailable":
            self._go(Event.REPORTED_UNAVAILABLE)
            why = t(f"mirror.reason.{checked.reason}", self.lang)
            self._show(t("mirror.unavailable", self.lang, why=why))
            self._buttons(restore=False, forget=False)
        elif self.phase is Phase.PAUSED:  # 06_aflevering's "Glem" (a shared computer): no copy in this run
            if checked.state == "empty":  # nor an offer: what the browser holds stays unoffered here
                self._show(t("mirror.forgotten", self.lang))
                self._buttons(restore=False, forget=False)
        elif checked.state == "empty":
            # After the offer's "Glem" the old copy is gone: this session's answers are copied from now on.
            message = t("mirror.forgotten_old", self.lang) if checked.forgotten else None
            self._mirror(Event.REPORTED_EMPTY, message)
        elif checked.state == "unreadable" or checked.case_id != self.store.case_id:
            self._ask(Event.REPORTED_UNCHECKED)
        else:
            self._offer_or_mirror(checked)

    def _offer_or_mirror(self, report: BrowserReport) -> None:
        """Offer the answers the copy has and the store lacks (how many, and the newest save among them);
        if there are none, mirror."""
        missing = missing_keys(self.store, report)
        if not missing:
            self._mirror(Event.FOUND_NOTHING_MISSING)
            return
        if self._go(Event.FOUND_MISSING) is not Phase.OFFERING:
            return
        newest = max((report.keys[key] for key in missing), key=_sortable_time, default="")
        when = display_time(newest) or "?"
        self._offer = Offer(t("mirror.offer", self.lang, count=len(missing), when=when), len(missing))
        self.forget_button.description = t("mirror.forget", self.lang)
        self._show(self._offer.text)
        self._buttons(restore=True, forget=True)

    # -- the learner's buttons ---------------------------------------------------------------------------
    def _clicked_restore(self) -> None:
        self._pressed = True
        self.ask_restore()

    def _clicked_forget(self) -> None:
        """The line's "Glem": discard the old copy (at once, or, while it holds answers the store lacks,
        perhaps the only place they are, after a second press that the line asks for), then keep copying
        this session's answers."""
        self._pressed = True
        phase = self._go(Event.PRESSED_FORGET)
        if phase is Phase.CONFIRMING_FORGET:
            count = self._offer.missing if self._offer is not None else 0
            self.forget_button.description = t("mirror.forget_confirm", self.lang, count=count)
            self._show(t("mirror.forget_warning", self.lang, count=count), error=True)
        elif phase not in WAITING_FOR_TEXT:
            # (while the copy's text is read for a restore, nothing is forgotten)
            self._forgetting()

    def ask_restore(self) -> None:
        """The restore button: ask the front end for the copy's text (:meth:`restore` imports it)."""
        self._ask(Event.PRESSED_RESTORE)

    def forget(self, *, pause: bool = True) -> None:
        """Remove the copy ("Glem kopien i denne browser"). With ``pause`` (06_aflevering, a shared
        computer) none is written until the notebook runs again; without (an old copy discarded), the
        store's answers are copied again once the browser says the old copy is gone."""
        self._go(Event.FORGET_HERE if pause else Event.FORGET_OLD)
        self._forgetting()

    def _forgetting(self) -> None:
        """Ask the front end to remove the copy (it reports when it has)."""
        if self.phase is Phase.RETIRED:
            return
        self._offer = None
        self.forget_button.description = t("mirror.forget", self.lang)
        self._show(t("mirror.forgetting", self.lang))
        self._buttons(restore=False, forget=False)
        self._request({"type": "forget"})

    def restore(self, text: Any) -> ImportResult | None:
        """Import the copy's text as an uploaded export is imported and say what happened; ``None`` if
        refused."""
        try:
            result = self.store.import_bytes(self._content(text), name=self._name())
        except AnswerImportError as exc:  # what the browser holds: said of a copy, not of a file
            self._refused(self._why(exc))
            return None
        except CasekitError as exc:  # AnswerStoreError (the disk): its own words
            self._refused(str(exc))
            return None
        except Exception as exc:  # never a traceback in front of a learner; the log keeps the details
            log.exception("restoring from the browser copy failed")
            self._refused(t("import.failed_unexpected", self.lang, reason=type(exc).__name__))
            return None
        self.last_result = result
        # The activities on the page show the store's newest answers, also when another notebook restored
        # them first (nothing new here, yet this page's boxes were filled before).
        live.imported(self.store, result)
        if result.added:
            message = t("mirror.restored", self.lang, added=result.added)
        else:
            message = t("mirror.nothing_new", self.lang)
        self._mirror(Event.RESTORED, message)
        return result

    def check(self, text: Any) -> None:
        """What the browser holds could not be summarised in the page: say what the importer makes of it."""
        try:
            export = parse_import(
                self._content(text), case_id=self.store.case_id, lang=self.lang, name=self._name()
            )
        except AnswerImportError as exc:
            self._refused(self._why(exc))
            return
        except CasekitError as exc:
            self._refused(str(exc))
            return
        report = BrowserReport(
            "held",
            count=len({rev.key for rev in export.revisions}),
            newest=max((rev.saved_at for rev in export.revisions), default=""),
            keys=_newest_by_key(export.revisions),
            case_id=export.case_id,
        )
        self.report = report
        self._offer_or_mirror(report)

    def _content(self, text: Any) -> bytes:
        if not isinstance(text, str):
            raise CasekitError(t("mirror.gone", self.lang))
        if len(text) > MAX_IMPORT_BYTES:  # at least as many bytes as characters: refuse before encoding
            raise too_big(self._name(), len(text), self.lang)
        return text.encode("utf-8", "surrogatepass")  # a lone surrogate stays invalid UTF-8: refused

    def _name(self) -> str:
        return t("mirror.source_name", self.lang)

    def _why(self, refusal: AnswerImportError) -> str:
        """Why the copy cannot come back, said of a copy in the browser (the importer speaks of a file the
        learner chose): another case, a newer casekit, or not a whole copy."""
        log.warning("the browser copy was refused: %s", refusal)  # the details, for whoever helps
        return t(_WHY.get(refusal.key, "mirror.why.damaged"), self.lang)

    def _refused(self, reason: str) -> None:
        """What the copy holds cannot come back: the line says so (and points to the download); "Glem"."""
        self._offer = None
        if self._go(Event.REFUSED) is Phase.RETIRED:
            return
        self._show(t("mirror.refused", self.lang, reason=reason), error=True)
        self._buttons(restore=False, forget=self.phase is Phase.REFUSED)

    # -- talking to the front end ------------------------------------------------------------------------
    def _ask(self, event: Event) -> None:
        """Ask the front end for the copy's text (to restore it, or to check it: ``event`` says which)."""
        if self._go(event) not in WAITING_FOR_TEXT:
            return
        if self.phase is Phase.READING:
            self._show(t("mirror.reading", self.lang))
            # Neither button stays in the page mid-restore: pressed again, or "Glem", they would act on it.
            self._buttons(restore=False, forget=False)
        self._request({"type": "read"})

    def _on_message(self, content: Any) -> None:
        """The front end's answer to a ``read``: the copy's text, or why there is none."""
        answer: CopyMessage | None = read_message(content)
        if answer is None:
            log.warning("ignored a browser copy message that does not fit: %.200r", content)
            return
        if self.phase not in WAITING_FOR_TEXT:
            return  # nobody asked: a stray or replayed message
        text = answer["text"]
        if text is None:
            if answer["reason"] in REASONS:
                self.received({"state": "unavailable", "reason": answer["reason"]})
            else:
                self._mirror(Event.GONE, t("mirror.gone", self.lang))
        elif self.phase is Phase.READING:
            self.restore(text)
        else:
            self.check(text)

    def _request(self, request: Request) -> None:
        """Send a custom message to the front end (see :mod:`casekit.widgets.mirror_messages`)."""
        self.send(request)

    def _guard(self, action: Any) -> None:
        try:
            action()
        except Exception:  # a learner never sees a traceback; the log keeps it
            log.exception("the browser copy failed")
            self._show(t("mirror.unexpected", self.lang), error=True)

    def _show(self, message: str, *, error: bool = False) -> None:
        self.message = message
        self.status.value = status_html(message, error=error)

    def _buttons(self, *, restore: bool, forget: bool) -> None:
        # A button that cannot be used is not in the page at all (not merely hidden): a keyboard user never
        # meets it, and a screen reader never lists it.
        wanted = [b for b, shown in ((self.restore_button, restore), (self.forget_button, forget)) if shown]
        if list(self.actions.children) != wanted:
            removed = any(b not in wanted for b in self.actions.children)
            self.actions.children = wanted
            if removed and self._pressed:  # the pressed button left the page, and the focus with it
                self._pressed = False
                self._request({"type": "focus"})


_WHY = {
    "import.error.other_case": "mirror.why.other_case",
    "import.error.schema_newer": "mirror.why.newer",
    "import.error.too_big": "mirror.why.too_big",
    "import.error.too_many_revisions": "mirror.why.too_big",
}
"""The importer's refusals that say something a learner can act on, said of the browser's copy; any other
means the copy is not whole."""


def _sortable_time(text: str) -> str:
    """A save time as it sorts (normalised to UTC); one that cannot be read sorts first."""
    try:
        return normalise_time(text)
    except ValueError:
        return ""


def _newest_by_key(revisions: Any) -> dict[str, str]:
    newest: dict[str, str] = {}
    for rev in revisions:
        if rev.key not in newest or rev.saved_at > newest[rev.key]:
            newest[rev.key] = rev.saved_at
    return newest
