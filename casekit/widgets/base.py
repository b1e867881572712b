"""What every widget module of casekit shares: the activity box, the saver, and the small pieces.

:class:`Saver` restores an activity's answer, saves every change through the store's one save queue
(:func:`casekit.answers.save_queue`), keeps the status line honest about what happened, and follows imports
(:mod:`casekit.widgets.live`). :func:`guarded` runs a widget callback so that no exception reaches a
learner. The small pieces (status line, heading, paragraph, message, text box, the 1–5 dropdown, the shared
layouts) are defined here once; their markup comes from ``templates/widgets.html.j2`` (:func:`piece`).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as W
import traitlets
from IPython.display import HTML
from ipywidgets.widgets.widget_description import DescriptionStyle

from casekit import _html, _templates, registry
from casekit._text import excerpt
from casekit.answers import AnswerStore, Revision, save_queue
from casekit.case import Case
from casekit.clock import local_clock, local_day
from casekit.errors import CasekitError
from casekit.i18n import t
from casekit.registry import SCALE
from casekit.widgets import live

__all__ = [
    "LABEL_WIDTH",
    "STATIC",
    "UNSET",
    "WIDE",
    "Activity",
    "Checklist",
    "Saver",
    "evidence_html",
    "field",
    "guarded",
    "heading",
    "intro",
    "load_text",
    "message",
    "on_scale",
    "paragraph",
    "piece",
    "scale_dropdown",
    "scale_labels",
    "status_html",
    "stylesheet",
    "textarea",
]

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[1] / "static"
"""The anywidgets' front ends: an ES module and its stylesheet each (``casekit/static/*.js``, ``*.css``)."""

UNSET = 0
"""The dropdown value meaning "not chosen yet"; never stored."""

WIDE = W.Layout(width="auto")
"""The layout of a piece as wide as the notebook's column (one model, shared by every such piece): ``auto``
in a column box fills it; ``100%`` plus ipywidgets' margin ran 2 px past the right edge, and the output
area hides what is past it."""
LABEL_WIDTH = {"description_width": "9em"}
"""The style of a control whose label stands to its left, in a column of such controls."""
FILL = WIDE
"""The layout of a control whose label stands above it (:func:`field`): it fills the column, and no more."""


# -- the activity and its saver ------------------------------------------------------------------------------
class Activity(W.VBox):
    """What an activity function returns: a box of controls with a status line.

    Attributes
    ----------
    key : str
        The answer key (or key prefix) the activity saves under.
    inputs : dict
        The controls by name, e.g. ``inputs["kim.power"]``; tests and instructors can set ``.value``.
    status : ipywidgets.HTML
        The "saved" line (``role="status"``): the first question's in the questions, the plan's in the
        proposal.
    statuses : tuple of ipywidgets.HTML
        Every "saved" line of the activity, one per answer it saves (the questions have one each).
    chart : ipywidgets.HTML or None
        The chart, redrawn on every change, if the activity has one.
    """

    def __init__(
        self,
        key: str,
        children: Iterable[W.Widget],
        inputs: dict[str, W.Widget],
        status: W.HTML,
        chart: W.HTML | None = None,
        *,
        statuses: Iterable[W.HTML] = (),
    ) -> None:
        # The stylesheet goes last, so that the activity's parts keep their places (tests and scripts count
        # them); a <style> applies to the whole page wherever it stands.
        super().__init__([*children, stylesheet()])
        self.key = key
        self.inputs = inputs
        self.status = status
        self.statuses = tuple(statuses) or (status,)
        self.chart = chart


class Saver:
    """Saves to the store and keeps the status line honest about what happened.

    Another notebook or tab may show the same answer (each in its own kernel, on the same store): a save
    says which revision the controls showed (:meth:`AnswerStore.save`'s ``based_on``). If the store's
    latest is another by then, this save is still the answer, the status line says that an answer from
    elsewhere was saved meanwhile, and a button under it brings that one back (and then this one again):
    both stay in the store, and the learner chooses which is the answer.

    Parameters
    ----------
    store : AnswerStore or None
        Where the answers go; without one, the status line says that nothing can be saved.
    case : Case
        The case (its language words the status line; :func:`casekit.registry.clean` fits saved values).

    Attributes
    ----------
    status : ipywidgets.HTML
        The status line (``role="status"``, or ``role="alert"`` on failure).
    bar : ipywidgets.VBox
        The status line, and under it the button that brings back the other answer after a save met one
        from elsewhere (:attr:`other`); an activity shows this where it shows its status.
    other : ipywidgets.Button or None
        That button, made the first time it is needed.
    """

    def __init__(self, store: AnswerStore | None, case: Case) -> None:
        self.store = store
        self.case = case
        self.lang = case.lang
        self.status = W.HTML(status_html(t("widgets.not_saved_yet", self.lang)))
        self.bar = W.VBox([self.status], layout=WIDE)
        self.other: W.Button | None = None
        self._seen: dict[str, str] = {}  # key -> saved_at of the revision the controls show ("" none)
        self._shown: Revision | None = None  # that revision of the followed key
        self._kept: Revision | None = None  # the answer the button brings back
        self._chosen = False  # the learner chose with the button; their next change settles it
        self._restores_seen = store.restored if store is not None else 0
        self._loading_thread: int | None = None  # the thread filling the controls from the store
        # Held while the saver's state changes: the kernel's thread (a change, a click, an import) and the
        # save queue's (a queued save stored) both change it.
        self._reload_lock = threading.RLock()
        self._generation = live.generation(store) if store is not None else 0
        self._key: str | None = None
        self._load: Callable[[Any], None] | None = None

    @property
    def loading(self) -> bool:
        """Whether this thread is filling the controls from the store: what they then change is saved
        already. (A learner's change handled on another thread meanwhile is saved as usual.)"""
        return self._loading_thread == threading.get_ident()

    @property
    def answer_keys(self) -> tuple[str, ...]:
        """The answer this saver shows (for :func:`casekit.widgets.live.reload`)."""
        return (self._key,) if self._key is not None else ()

    def follow(self, key: str, load: Callable[[Any], None]) -> None:
        """After an import into the store (:func:`casekit.widgets.live.imported`), ``load`` puts ``key``'s
        answer, as :meth:`restore` gives it, into the activity's controls; what they then change is not
        saved again.

        An import that came in after the activity read the store (:meth:`restore`) and before this call is
        caught up with at once.
        """
        if self.store is None:
            return
        self._key, self._load = key, load
        live.follow(self.store, self)
        if live.generation(self.store) != self._generation:
            self.reload()

    def reload(self) -> None:
        """Show ``key``'s answer as the store has it now (see :meth:`follow`)."""
        if self._key is None or self._load is None:
            return
        with self._reload_lock:
            if self.store is not None:
                self._generation = live.generation(self.store)
                if save_queue(self.store).pending():
                    # What the learner typed is on its way to the store: the controls keep it, and its save
                    # is checked against the store's answer when it lands (and says so if that changed).
                    return
            before = self._seen.get(self._key)
            value = self.restore(self._key)
            if value is None or self._seen.get(self._key) == before:
                return  # nothing new for this answer: the controls, and an answer on offer, stay
            self._keep(None)
            self._fill(value)

    def _fill(self, value: Any) -> None:
        """Put ``value`` into the followed answer's controls; what they then change is not saved."""
        if self._load is None:
            return
        self._loading_thread = threading.get_ident()
        try:
            self._load(value)
        finally:
            self._loading_thread = None

    def restore(self, key: str) -> Any:
        """The saved answer for ``key`` as far as it fits the activity (``None`` if none), and say so.

        A saved value of another shape (from an older casekit, or an import) is not shown where it does not
        fit, and a note says so; it is never deleted from the store.
        """
        if self.store is None:
            self.status.value = status_html(t("widgets.no_store_short", self.lang), error=True)
            return None
        try:
            revision = self.store.latest(key)
        except CasekitError as exc:
            self.status.value = status_html(t("widgets.save_failed", self.lang, reason=exc), error=True)
            self._seen.setdefault(key, "")  # the controls show nothing: a save over an answer is told
            return None
        self._seen[key] = revision.saved_at if revision is not None else ""
        if key == self._key or self._key is None:
            self._shown = revision
        if revision is None:
            return None
        value = registry.clean(key, revision.value, self.case)
        line = t("widgets.restored", self.lang, time=local_clock(revision.saved_at))
        if value != revision.value:
            line += " " + t("widgets.stale_value", self.lang)
        self.status.value = status_html(line)
        return value

    def save(self, key: str, value: Any) -> bool:
        """Save, or queue the save if another program holds the store: the kernel never waits long.

        Returns whether the answer is saved or safely queued (the status line says which).
        """
        if self.loading:
            return True  # the controls show what the store holds: it is saved already
        return self._submit(key, value, chosen=False)

    def _submit(self, key: str, value: Any, *, chosen: bool) -> bool:
        """Save ``value`` (``chosen``: the button put it into the controls) and say so."""
        if self.store is None:
            self.status.value = status_html(t("widgets.no_store_short", self.lang), error=True)
            return False
        try:
            revision = save_queue(self.store).submit(
                key, value, self._when_saved(value, chosen), based_on=lambda: self._seen.get(key)
            )
        except CasekitError as exc:
            self.status.value = status_html(t("widgets.save_failed", self.lang, reason=exc), error=True)
            return False
        except Exception:  # a learner never sees a traceback; the log keeps it
            log.exception("saving %s failed", key)
            self.status.value = status_html(t("widgets.unexpected", self.lang), error=True)
            return False
        if revision is None:
            self.status.value = status_html(t("widgets.waiting", self.lang))
        else:
            self._show_saved(revision, value, chosen)
        return True

    def _when_saved(
        self, value: Any, chosen: bool
    ) -> Callable[[Revision | None, BaseException | None], None]:
        """What the save queue calls when a queued save is stored, or a try failed (it keeps trying)."""

        def done(revision: Revision | None, error: BaseException | None) -> None:
            if revision is not None:
                self._show_saved(revision, value, chosen)
            else:
                reason = error if isinstance(error, CasekitError) else type(error).__name__
                self.status.value = status_html(t("widgets.retrying", self.lang, reason=reason), error=True)

        return done

    def _show_saved(self, revision: Revision, value: Any, chosen: bool = False) -> None:
        with self._reload_lock:
            self._saved(revision, value, chosen)

    def _saved(self, revision: Revision, value: Any, chosen: bool) -> None:
        self._seen[revision.key] = revision.saved_at  # a save queued behind this one is based on it
        followed = revision.key == self._key
        if followed:
            self._shown = revision
        saved = local_clock(revision.saved_at)
        superseded = revision.superseded
        alert = superseded is not None
        if superseded is not None:  # another notebook or tab saved this answer after the controls showed it
            line = t("widgets.conflict", self.lang, when=self._when(superseded), saved=saved)
            if followed:
                self._keep(superseded)
                line += " " + t("widgets.conflict.button_hint", self.lang)
        elif chosen and self._kept is not None:
            line = t("widgets.conflict.chosen", self.lang, saved=saved, when=self._when(self._kept))
        else:
            line = t("widgets.saved", self.lang, time=saved)
            if followed and self._kept is not None:
                if self._chosen:  # the learner changed the answer they chose: that settles it
                    self._keep(None)
                else:
                    line += " " + t("widgets.conflict.kept", self.lang, when=self._when(self._kept))
        self._chosen = chosen and not alert
        if isinstance(value, str) and not value.strip():
            line += " " + t("widgets.empty_answer", self.lang)
        if revision.replaced:
            line += " " + t("store.replaced", self.lang, count=revision.replaced, key=revision.key)
        store = self.store
        if store is not None and store.restored > self._restores_seen:
            self._restores_seen = store.restored
            line += " " + (store.restore_message(self.lang) or "")
        self.status.value = status_html(line, error=alert)
        if store is not None:
            live.saved(store)  # the browser's copy, the share preview

    def _keep(self, revision: Revision | None) -> None:
        """The answer the button under the status line brings back (``None``: no button)."""
        self._kept = revision
        if revision is None or self._load is None:
            self._chosen = False
            if self.other is not None:
                self.other.layout.display = "none"
            return
        if self.other is None:
            self.other = W.Button(layout=W.Layout(width="auto", max_width="100%", align_self="flex-start"))
            self.other.on_click(guarded(self.lang, self.status)(self._clicked))
            self.bar.children = (self.status, self.other)
        when = self._when(revision)
        start = excerpt(revision.value, 40) if isinstance(revision.value, str) else ""
        if start:  # two answers of the same second are told apart by their words
            self.other.description = t("widgets.conflict.button_text", self.lang, when=when, start=start)
        else:
            self.other.description = t("widgets.conflict.button", self.lang, when=when)
        self.other.tooltip = ""
        self.other.layout.display = None

    def _clicked(self, _button: W.Button) -> None:
        self.bring_back()

    def _when(self, revision: Revision) -> str:
        """When ``revision`` was saved, for the learner: the clock time, and the day if not today."""
        day = local_day(revision.saved_at)
        time = local_clock(revision.saved_at)
        return (
            t("widgets.when.day", self.lang, day=day, time=time)
            if day
            else t("widgets.when", self.lang, time=time)
        )

    def bring_back(self) -> bool:
        """Make the answer the button offers (:attr:`other`) the answer again: into the controls, and saved
        as the newest revision; the one the controls showed is what the button then offers. Whether there
        was one to bring back (``False`` also while what the learner typed last is still being saved: the
        status line says to try again)."""
        if self.store is not None and not save_queue(self.store).flush(timeout=2.0):
            self.status.value = status_html(t("widgets.conflict.busy", self.lang), error=True)
            return False  # the controls' own newest words are not stored yet: they must be on offer next
        with self._reload_lock:
            kept, shown, key = self._kept, self._shown, self._key
            if kept is None or key is None or self._load is None:
                return False
            value = registry.clean(key, kept.value, self.case)
            self._fill(value)
            self._keep(shown)
            self._submit(key, value, chosen=True)
        return True


def guarded(lang: str, status: W.HTML) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run a widget callback so that no exception reaches the learner (the log keeps the details); the
    status line ``status`` says that something went wrong, in ``lang``."""

    def wrap(callback: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(callback)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                callback(*args, **kwargs)
            except Exception:
                log.exception("activity callback %s failed", callback.__name__)
                status.value = status_html(t("widgets.unexpected", lang), error=True)

        return run

    return wrap


# -- the small pieces ----------------------------------------------------------------------------------------
def piece(macro: str, /, **arguments: Any) -> str:
    """One small HTML piece: the macro ``macro`` of ``templates/widgets.html.j2``."""
    return _templates.piece("widgets.html.j2", macro, **arguments)


def status_html(text: str, *, error: bool = False) -> str:
    """A status line: ``role="status"``, or ``role="alert"`` for an ``error``."""
    return piece("status", message=text, error=error)


def message(text: str) -> HTML:
    """A message in place of an activity that cannot be shown (no store, an unknown part)."""
    return HTML(piece("message", text=text))


def heading(text: str, level: int = 2) -> W.HTML:
    """Activity titles are <h2> under the notebook's <h1>; their parts are <h3>."""
    return W.HTML(piece("heading", text=text, level=level))


def paragraph(text: str) -> W.HTML:
    """A paragraph as wide as the column."""
    return W.HTML(piece("paragraph", text=text), layout=WIDE)


def field(control: W.Widget, *, above: bool = False) -> W.Widget:
    """``control`` with its label readable in full: the label wraps (ipywidgets cuts it with "…"), and with
    ``above`` it stands above the control, which then fills the column (``templates/fields.css``; the page
    gets the stylesheet from :func:`stylesheet`). Also gives a described control an empty tooltip where it
    has none: ipywidgets 8 writes ``title="null"`` on the label otherwise."""
    control.add_class("casekit-field")
    if above:
        control.add_class("casekit-above")
        control.layout = FILL
    if "tooltip" in control.trait_names() and control.tooltip is None:
        control.tooltip = ""
    return control


def stylesheet() -> W.HTML:
    """casekit's stylesheet for its form controls (see :func:`field`), as a widget to show with them."""
    return W.HTML(piece("field_style"), layout=W.Layout(display="none"))


class Checklist(W.VBox):
    """Several choices as a visible label and a checkbox per option: Tab and Space on a keyboard, a tap on a
    touch screen (a multi-select list needs Ctrl-click, and shows only some of its options).

    ``value`` is the tuple of the ticked options' values in the options' order, a trait like a
    ``SelectMultiple``'s: setting it ticks the boxes, ticking a box changes it. ``boxes`` are the
    checkboxes by value.
    """

    value = traitlets.Tuple()

    def __init__(self, options: Iterable[tuple[str, str]], value: Iterable[str], description: str) -> None:
        self._options = [(str(label), str(key)) for label, key in options]
        chosen = set(value)
        self.boxes = {
            key: field(W.Checkbox(value=key in chosen, description=label, indent=False))
            for label, key in self._options
        }
        self._syncing = False
        super().__init__([W.HTML(piece("choices_label", text=description)), *self.boxes.values()])
        self.add_class("casekit-choices")
        self.value = tuple(key for _label, key in self._options if key in chosen)
        for box in self.boxes.values():
            box.observe(self._ticked, names="value")
        self.observe(self._set, names="value")

    @traitlets.validate("value")
    def _tidy(self, proposal: Any) -> tuple[str, ...]:
        """Only the options, each once, in the options' order (a value from code may be in any order)."""
        chosen = set(proposal["value"])
        return tuple(key for _label, key in self._options if key in chosen)

    def _ticked(self, _change: Any) -> None:
        if not self._syncing:
            self.value = tuple(key for key, box in self.boxes.items() if box.value)

    def _set(self, change: Any) -> None:
        chosen = set(change["new"])
        self._syncing = True
        try:
            for key, box in self.boxes.items():
                box.value = key in chosen
        finally:
            self._syncing = False


def textarea(description: str, value: str, rows: int = 5) -> W.Textarea:
    """A text box for an answer, its label above it; every keystroke is a change (and a save)."""
    box = W.Textarea(value=value, description=description, rows=rows, continuous_update=True)
    return field(box, above=True)


def load_text(box: W.Textarea, value: Any) -> None:
    """A text answer back into its box (after an import; see :meth:`Saver.follow`)."""
    if isinstance(value, str):
        box.value = value


def on_scale(value: Any) -> int:
    """``value`` if it is a point of the 1–5 scale, else :data:`UNSET` (what the dropdowns show)."""
    return value if value in SCALE else UNSET


def scale_labels(lang: str) -> dict[int, str]:
    """The names of the scale's points (1 "Meget lav" … 5 "Meget høj")."""
    return {n: t(f"widgets.scale.{n}", lang) for n in SCALE}


def scale_dropdown(
    description: str,
    labels: Mapping[int, str],
    value: Any,
    lang: str,
    *,
    layout: W.Layout | None = None,
    style: DescriptionStyle | None = None,
) -> W.Dropdown:
    """A 1–5 dropdown; ``layout`` and ``style`` may be shared by many (one model each, not one per control:
    every model is a message to the browser)."""
    options = [(t("widgets.unset", lang), UNSET)] + [(labels[n], n) for n in SCALE]
    return W.Dropdown(
        options=options,
        value=on_scale(value),
        description=description,
        style=style if style is not None else {"description_width": "6em"},
        layout=layout if layout is not None else W.Layout(),
    )


def evidence_html(case: Case, block_ids: Iterable[str]) -> str:
    """The case passages an activity builds on, with speaker and paragraph, as a quote list."""
    quotes = []
    for block_id in block_ids:
        block = case.block(block_id)
        speaker = t("speaker_said", case.lang, name=block.speaker_name) if block.speaker_name else ""
        quotes.append(
            {"speaker": speaker, "text": _html.display_narration(block.quoted), "ref": case.cite(block.ref)}
        )
    return piece("evidence", heading=t("widgets.evidence_heading", case.lang), quotes=quotes)


def intro(case: Case, key: str) -> list[W.Widget]:
    """An activity's title, introduction and evidence, as the case's ``activities`` configure them."""
    config = case.activity(key)
    parts: list[W.Widget] = []
    if config.get("title"):
        parts.append(heading(str(config["title"])))
    if config.get("intro"):
        parts.append(paragraph(str(config["intro"])))
    if config.get("evidence"):
        parts.append(W.HTML(evidence_html(case, config["evidence"]), layout=WIDE))
    return parts
