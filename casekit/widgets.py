"""The learner's activities as ipywidgets: read, map, place, take a position, answer, propose, hand in.

Each public function takes a :class:`~casekit.case.Case` and an :class:`~casekit.answers.AnswerStore` and
returns something a notebook cell displays. Every activity restores the learner's saved answer when it is
built, saves on every change, and shows a small "saved" line. Nothing here raises at a learner: a problem
becomes a friendly message in the case's language, and the details go to the log.

Controls are chosen for keyboard use and screen readers: dropdowns, radio buttons and text boxes with
visible labels, no sliders (their handle has no accessible name in ipywidgets 8) and nothing drag-only.
Charts are shown as vector images (``<img alt=…>`` carrying the SVG) with the numbers behind them.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from IPython.display import HTML
from ipywidgets.widgets.widget_description import DescriptionStyle

from casekit import _html, _live, _templates, loader, registry
from casekit.answers import AnswerStore, Revision, SaveQueue
from casekit.case import Actor, Case
from casekit.clock import local_clock
from casekit.errors import CasekitError, CaseNotFoundError
from casekit.i18n import DEFAULT_LANG, LANGUAGES, default_lang, reason, t, ui_lang
from casekit.naming import answer_title
from casekit.registry import SCALE

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SCALE",
    "Activity",
    "browser_copy",
    "class_view",
    "decision_point",
    "dilemma",
    "goal_divergence",
    "handin",
    "journey",
    "language",
    "navigation",
    "progress",
    "projection",
    "proposal",
    "questions",
    "read",
    "share_control",
    "stakeholder_map",
    "start",
    "who_is_who",
]

log = logging.getLogger(__name__)

UNSET = 0  # the dropdown value meaning "not chosen yet"; never stored

# Answer keys, as the answer registry (casekit.registry) defines them.
MAP_KEY = registry.STAKEHOLDER_MAP
DECISION_KEY = registry.DECISION_POINT
GOALS_KEY = registry.GOAL_DIVERGENCE
PLAN_KEY = registry.PARTICIPATION_PLAN
PROPOSAL_FIELDS = tuple(key.partition(".")[2] for key in registry.PROPOSAL_TEXTS)

_WIDE = W.Layout(width="100%")
_LABEL_WIDTH = {"description_width": "9em"}


# -- the pieces every activity shares ------------------------------------------------------------------------
class Activity(W.VBox):
    """What an activity function returns: a box of controls with a status line.

    Attributes
    ----------
    key : str
        The answer key (or key prefix) the activity saves under.
    inputs : dict
        The controls by name, e.g. ``inputs["kim.power"]``; tests and instructors can set ``.value``.
    status : ipywidgets.HTML
        The "saved" line (``role="status"``).
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
    ) -> None:
        super().__init__(list(children))
        self.key = key
        self.inputs = inputs
        self.status = status
        self.chart = chart


class _Saver:
    """Saves to the store and keeps the status line honest about what happened."""

    def __init__(self, store: AnswerStore | None, case: Case) -> None:
        self.store = store
        self.case = case
        self.lang = case.lang
        self.status = W.HTML(_status_html(t("widgets.not_saved_yet", self.lang)))
        self._restores_seen = store.restored if store is not None else 0
        self._loading_thread: int | None = None  # the thread filling the controls from the store
        self._reload_lock = threading.Lock()
        self._generation = _live.generation(store) if store is not None else 0
        self._key: str | None = None
        self._load: Callable[[Any], None] | None = None

    @property
    def loading(self) -> bool:
        """Whether this thread is filling the controls from the store: what they then change is saved
        already. (A learner's change handled on another thread meanwhile is saved as usual.)"""
        return self._loading_thread == threading.get_ident()

    @property
    def answer_keys(self) -> tuple[str, ...]:
        """The answer this saver shows (for :func:`casekit._live.reload`)."""
        return (self._key,) if self._key is not None else ()

    def follow(self, key: str, load: Callable[[Any], None]) -> None:
        """After an import into the store (:func:`casekit._live.imported`), ``load`` puts ``key``'s answer,
        as :meth:`restore` gives it, into the activity's controls; what they then change is not saved again.

        An import that came in after the activity read the store (:meth:`restore`) and before this call is
        caught up with at once.
        """
        if self.store is None:
            return
        self._key, self._load = key, load
        _live.follow(self.store, self)
        if _live.generation(self.store) != self._generation:
            self.reload()

    def reload(self) -> None:
        """Show ``key``'s answer as the store has it now (see :meth:`follow`)."""
        if self._key is None or self._load is None:
            return
        with self._reload_lock:
            if self.store is not None:
                self._generation = _live.generation(self.store)
            value = self.restore(self._key)
            if value is None:  # an import never removes an answer: nothing new for this one
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
            self.status.value = _status_html(t("widgets.no_store_short", self.lang), error=True)
            return None
        try:
            revision = self.store.latest(key)
        except CasekitError as exc:
            self.status.value = _status_html(t("widgets.save_failed", self.lang, reason=exc), error=True)
            return None
        if revision is None:
            return None
        value = registry.clean(key, revision.value, self.case)
        message = t("widgets.restored", self.lang, time=_clock(revision))
        if value != revision.value:
            message += " " + t("widgets.stale_value", self.lang)
        self.status.value = _status_html(message)
        return value

    def save(self, key: str, value: Any) -> bool:
        """Save, or queue the save if another program holds the store: the kernel never waits long.

        Returns whether the answer is saved or safely queued (the status line says which).
        """
        if self.loading:
            return True  # the controls show what the store holds: it is saved already
        if self.store is None:
            self.status.value = _status_html(t("widgets.no_store_short", self.lang), error=True)
            return False
        try:
            revision = _queue(self.store).submit(key, value, self._when_saved(value))
        except CasekitError as exc:
            self.status.value = _status_html(t("widgets.save_failed", self.lang, reason=exc), error=True)
            return False
        except Exception:  # a learner never sees a traceback; the log keeps it
            log.exception("saving %s failed", key)
            self.status.value = _status_html(t("widgets.unexpected", self.lang), error=True)
            return False
        if revision is None:
            self.status.value = _status_html(t("widgets.waiting", self.lang))
        else:
            self._show_saved(revision, value)
        return True

    def _when_saved(self, value: Any) -> Callable[[Revision | None, BaseException | None], None]:
        """What the save queue calls when a queued save is stored, or a try failed (it keeps trying)."""

        def done(revision: Revision | None, error: BaseException | None) -> None:
            if revision is not None:
                self._show_saved(revision, value)
            else:
                reason = error if isinstance(error, CasekitError) else type(error).__name__
                self.status.value = _status_html(t("widgets.retrying", self.lang, reason=reason), error=True)

        return done

    def _show_saved(self, revision: Revision, value: Any) -> None:
        message = t("widgets.saved", self.lang, time=_clock(revision))
        if isinstance(value, str) and not value.strip():
            message += " " + t("widgets.empty_answer", self.lang)
        if revision.replaced:
            message += " " + t("store.replaced", self.lang, count=revision.replaced, key=revision.key)
        store = self.store
        if store is not None and store.restored > self._restores_seen:
            self._restores_seen = store.restored
            message += " " + (store.restore_message(self.lang) or "")
        self.status.value = _status_html(message)
        if store is not None:
            _live.copy_saved(store)


_QUEUES: weakref.WeakKeyDictionary[AnswerStore, SaveQueue] = weakref.WeakKeyDictionary()
_QUEUES_LOCK = threading.Lock()


def _queue(store: AnswerStore) -> SaveQueue:
    """The store's one save queue: every activity's saves go through it, so their order is kept."""
    with _QUEUES_LOCK:
        queue = _QUEUES.get(store)
        if queue is None:
            queue = _QUEUES[store] = SaveQueue(store)
        return queue


def _guarded(lang: str, status: W.HTML) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run a widget callback so that no exception reaches the learner (the log keeps the details)."""

    def wrap(callback: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(callback)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                callback(*args, **kwargs)
            except Exception:
                log.exception("activity callback %s failed", callback.__name__)
                status.value = _status_html(t("widgets.unexpected", lang), error=True)

        return run

    return wrap


def _piece(macro: str, /, **arguments: Any) -> str:
    """One small HTML piece from ``templates/widgets.html.j2``."""
    return _templates.piece("widgets.html.j2", macro, **arguments)


def _status_html(message: str, *, error: bool = False) -> str:
    return _piece("status", message=message, error=error)


def _clock(revision: Revision) -> str:
    return local_clock(revision.saved_at)


def _message(text: str) -> HTML:
    return HTML(_piece("message", text=text))


def _heading(text: str, level: int = 2) -> W.HTML:
    """Activity titles are <h2> under the notebook's <h1>; their parts are <h3>."""
    return W.HTML(_piece("heading", text=text, level=level))


def _paragraph(text: str) -> W.HTML:
    return W.HTML(_piece("paragraph", text=text), layout=_WIDE)


def _textarea(description: str, value: str, rows: int = 5) -> W.Textarea:
    return W.Textarea(
        value=value,
        description=description,
        rows=rows,
        layout=_WIDE,
        style=_LABEL_WIDTH,
        continuous_update=True,
    )


def _load_text(box: W.Textarea, value: Any) -> None:
    """A text answer back into its box (after an import; see :meth:`_Saver.follow`)."""
    if isinstance(value, str):
        box.value = value


def _on_scale(value: Any) -> int:
    """``value`` if it is a point of the 1–5 scale, else :data:`UNSET` (what the dropdowns show)."""
    return value if value in SCALE else UNSET


def _scale_dropdown(
    description: str,
    labels: Mapping[int, str],
    value: Any,
    lang: str,
    *,
    layout: W.Layout | None = None,
    style: DescriptionStyle | None = None,
) -> W.Dropdown:
    """A 1–5 dropdown; ``layout`` and ``style`` may be shared by many (one model each, not one per control:
    the map has 72 of them, and every model is a message to the browser)."""
    options = [(t("widgets.unset", lang), UNSET)] + [(labels[n], n) for n in SCALE]
    return W.Dropdown(
        options=options,
        value=_on_scale(value),
        description=description,
        style=style if style is not None else {"description_width": "6em"},
        layout=layout if layout is not None else W.Layout(),
    )


def _scale_labels(lang: str) -> dict[int, str]:
    return {n: t(f"widgets.scale.{n}", lang) for n in SCALE}


def _evidence_html(case: Case, block_ids: Iterable[str]) -> str:
    """The case passages an activity builds on, with speaker and paragraph, as a quote list."""
    quotes = []
    for block_id in block_ids:
        block = case.block(block_id)
        speaker = t("speaker_said", case.lang, name=block.speaker_name) if block.speaker_name else ""
        quotes.append({"speaker": speaker, "text": _html.display_narration(block.quoted), "ref": block.ref})
    return _piece("evidence", heading=t("widgets.evidence_heading", case.lang), quotes=quotes)


def _intro(case: Case, key: str) -> list[W.Widget]:
    config = case.activity(key)
    parts: list[W.Widget] = []
    if config.get("title"):
        parts.append(_heading(str(config["title"])))
    if config.get("intro"):
        parts.append(_paragraph(str(config["intro"])))
    if config.get("evidence"):
        parts.append(W.HTML(_evidence_html(case, config["evidence"]), layout=_WIDE))
    return parts


# -- start and read ------------------------------------------------------------------------------------------
def start(
    case_id: str = loader.DEFAULT_CASE,
    lang: str | None = None,
    learner: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> tuple[Case, AnswerStore | None]:
    """Load the case and open the learner's answer store; show where the answers are kept.

    The language is ``lang`` if given (the English notebooks give ``"en"``), else the one the learner chose
    in ``00_start`` (:func:`language`), else ``$CASEKIT_LANG``, else Danish.

    Returns ``(case, store)``. If the store cannot be opened, ``store`` is ``None``, a message says so,
    and the activities still show (and say that they cannot save).
    """
    from IPython.display import display

    from casekit import preferences

    chosen = lang or preferences.chosen_lang(_preferences_folder(path)) or default_lang()
    try:
        case = loader.load_case(case_id, chosen)
    except CaseNotFoundError:  # no edition in that language: the case as it is, and say so
        case = loader.load_case(case_id, DEFAULT_LANG)
        display(_message(t("widgets.no_edition", ui_lang(chosen), lang=chosen)))
    try:
        store = AnswerStore.open(path, case=case, learner=learner)
    except CasekitError as exc:
        display(_message(t("widgets.no_store", case.lang, reason=exc)))
        return case, None
    recovered = store.recovery_message(case.lang)
    if recovered:
        display(_message(recovered))
    where = os.path.relpath(store.path) if store.path.is_relative_to(os.getcwd()) else str(store.path)
    display(
        HTML(_piece("small", text=t("widgets.store_location", case.lang, path=where, learner=store.learner)))
    )
    from casekit._mirror import BrowserCopy

    display(BrowserCopy(store, case).box)
    return case, store


def _preferences_folder(path: str | os.PathLike[str] | None) -> Path | None:
    """The folder of a store path given to :func:`start` (preferences sit beside the store), else ``None``."""
    if path is None:
        return None
    target = Path(path)
    return target if target.is_dir() or not target.suffix else target.parent


def language(path: str | os.PathLike[str] | None = None, *, lang: str | None = None) -> W.VBox:
    """The language choice at the top of ``00_start``: Danish or English, remembered for every notebook.

    Shows the learner's choice if they made one, else ``lang`` (the English ``00_start`` gives ``"en"``),
    else ``$CASEKIT_LANG``, else Danish; and where to go on in the chosen language (the English notebooks
    are in ``en/``).
    """
    from casekit import preferences

    folder = _preferences_folder(path)
    current = preferences.chosen_lang(folder) or (lang if lang in LANGUAGES else None) or default_lang()
    choice = W.RadioButtons(
        options=[(t("widgets.language.name", code), code) for code in LANGUAGES],
        value=current,
        description=t("widgets.language.label", current),
        style=_LABEL_WIDTH,
    )
    note = W.HTML(_piece("paragraph", text=t("widgets.language.next", current)), layout=_WIDE)

    def chosen(change: Any) -> None:
        code = change["new"]
        try:
            preferences.choose_lang(code, folder)
        except OSError as exc:
            note.value = _status_html(
                t("widgets.language.failed", code, reason=reason(exc, code)), error=True
            )
            return
        choice.description = t("widgets.language.label", code)
        note.value = _piece("paragraph", text=t("widgets.language.next", code))

    choice.observe(chosen, names="value")
    return W.VBox([choice, note])


def read(case: Case, part: int = 1) -> HTML:
    """Part ``part`` of the case, the dialogue set apart with each speaker's name."""
    try:
        section = case.part(part)
    except KeyError:
        return _message(t("widgets.read.unknown_part", case.lang, part=part))
    names = list(dict.fromkeys(b.speaker_name for b in section.utterances if b.speaker_name))
    speakers = _piece("speakers", text=t("widgets.speakers_in_part", case.lang, names=", ".join(names)))
    # A translated edition explains its Danish terms where they first appear: in the part that uses them.
    speakers += _html.glossary_html(case, level=3, within=section.text)
    return HTML(_html.section_html(section, case.lang, top_level=1, after_heading=speakers))


def who_is_who(case: Case) -> pd.DataFrame:
    """Everyone in the case, also those only talked about, as a table in the learner's language.

    What the text leaves open reads "Ikke oplyst"; nothing is guessed.
    """
    import pandas as pd

    lang = case.lang

    def answer(value: bool | None) -> str:
        return t("not_stated", lang) if value is None else t("widgets.yes" if value else "widgets.no", lang)

    columns = ("name", "kind", "sector", "role", "speaks", "project_group", "workshop", "at_table")
    rows = [
        (
            a.name,
            case.label("kind", a.kind),
            case.label("sector", a.sector),
            a.role,
            answer(a.speaks),
            answer(a.project_group),
            answer(a.workshop),
            answer(a.at_table),
        )
        for a in case.actors
    ]
    frame = pd.DataFrame(rows, columns=[t(f"widgets.who.{c}", lang) for c in columns])
    return frame.set_index(t("widgets.who.name", lang))


# -- stakeholder map -----------------------------------------------------------------------------------------
def _map_groups(case: Case) -> list[tuple[str, list[Actor]]]:
    at_table = [a for a in case.actors if a.at_table]
    groups = [
        ("widgets.map.group.person", [a for a in at_table if a.kind == "person"]),
        ("widgets.map.group.role", [a for a in at_table if a.kind == "role"]),
        ("widgets.map.group.organisation", [a for a in at_table if a.kind in ("organisation", "group")]),
        ("widgets.map.group.absent", [a for a in case.actors if not a.at_table]),
    ]
    return [(key, actors) for key, actors in groups if actors]


def _placements(saved: Any, case: Case) -> dict[str, dict[str, Any]]:
    """Saved placements (already cut to what fits the case by :meth:`_Saver.restore`)."""
    return dict(saved) if isinstance(saved, Mapping) else {}


def _map_section(title: str, rows: list[W.Widget], lang: str) -> W.VBox:
    """One group of the map's stakeholders under its heading, one row per stakeholder, open; a button
    beside the heading folds it ("Skjul: Personer") and opens it again ("Vis: Personer (8)").

    The button says what it will do, so its name carries the state (an ipywidgets button has no
    ``aria-expanded``); folded rows are ``display: none``: out of the tab order and the accessibility tree.
    """
    body = W.VBox(rows, layout=W.Layout(width="100%"))
    hide = t("widgets.map.fold.hide", lang, group=title)
    show = t("widgets.map.fold.show", lang, group=title, count=len(rows))
    fold = W.Button(description=hide, tooltip=hide, layout=W.Layout(width="auto"))

    def toggled(_button: Any) -> None:
        folding = body.layout.display != "none"
        body.layout.display = "none" if folding else None
        fold.description = fold.tooltip = show if folding else hide

    fold.on_click(toggled)
    head = W.HBox([_heading(title, 3), fold], layout=W.Layout(align_items="center", flex_flow="row wrap"))
    head.add_class("casekit-map-group-head")
    section = W.VBox([head, body], layout=W.Layout(width="100%"))
    section.fold, section.body = fold, body
    return section


@dataclass(frozen=True)
class _MapLook:
    """The layouts and the style every row of one map shares: compact, so that the name and both scales
    fit one row of the form column (11em + 2 × 15em)."""

    scale: W.Layout = field(default_factory=lambda: W.Layout(width="15em"))
    style: DescriptionStyle = field(default_factory=lambda: DescriptionStyle(description_width="5em"))
    label: W.Layout = field(default_factory=lambda: W.Layout(width="11em"))
    row: W.Layout = field(default_factory=lambda: W.Layout(flex_flow="row wrap", align_items="center"))


def _map_row(
    case: Case,
    look: _MapLook,
    name: str,
    note: str,
    place: Mapping[str, Any],
    extra: Iterable[W.Widget] = (),
) -> tuple[W.HBox, W.Dropdown, W.Dropdown]:
    """A stakeholder's row: its bold name, then "Magt" and "Interesse" side by side."""
    lang, labels = case.lang, _scale_labels(case.lang)
    shared = {"layout": look.scale, "style": look.style}
    power = _scale_dropdown(t("widgets.map.power", lang), labels, place.get("power"), lang, **shared)
    interest = _scale_dropdown(t("widgets.map.interest", lang), labels, place.get("interest"), lang, **shared)
    label = W.HTML(_piece("actor_name", name=name, role=note), layout=look.label)
    row = W.HBox([label, power, interest, *extra], layout=look.row)
    row.add_class("casekit-map-row")
    return row, power, interest


def _own_name_problem(typed: str, taken: Iterable[str], count: int, lang: str) -> str | None:
    """Why a learner's own stakeholder cannot be added under ``typed`` (trimmed), or ``None``."""
    if not typed:
        return t("map.own.empty", lang)
    if len(typed) > registry.OWN_NAME_MAX:
        return t("map.own.too_long", lang, length=len(typed), limit=registry.OWN_NAME_MAX)
    if typed.casefold() in {name.casefold() for name in taken}:
        return t("map.own.duplicate", lang, name=typed)
    if count >= registry.OWN_STAKEHOLDERS_MAX:
        return t("map.own.too_many", lang, limit=registry.OWN_STAKEHOLDERS_MAX)
    return None


def stakeholder_map(case: Case, store: AnswerStore | None) -> Activity:
    """Place the stakeholders on a power × interest grid; the chart redraws on each change.

    A learner leaves out those they find irrelevant (not placing them is enough) and can add stakeholders
    the case does not name. Saved under ``stakeholder-map`` as ``{actor id: {"power": 1–5, "interest":
    1–5}}``, the learner's own as ``own-1``, ``own-2``… with also ``"name"`` (as typed, trimmed) and
    ``"at_table"`` (see :mod:`casekit.registry`).
    """
    from casekit import charts

    lang = case.lang
    saver = _Saver(store, case)
    saved = _placements(saver.restore(MAP_KEY), case)
    look = _MapLook()
    inputs: dict[str, W.Widget] = {}
    sections: list[W.Widget] = []
    for group_key, actors in _map_groups(case):
        rows: list[W.Widget] = []
        for actor in actors:
            row, power, interest = _map_row(case, look, actor.name, actor.role, saved.get(actor.id, {}))
            inputs[f"{actor.id}.power"], inputs[f"{actor.id}.interest"] = power, interest
            rows.append(row)
        section = _map_section(t(group_key, lang), rows, lang)
        inputs[f"fold.{group_key.rpartition('.')[2]}"] = section.fold
        sections.append(section)

    # The learner's own stakeholders: key -> name and at_table; their controls are in ``inputs`` too.
    actor_ids = {a.id for a in case.actors}
    own: dict[str, dict[str, Any]] = {
        k: {"name": v["name"], "at_table": v["at_table"]} for k, v in saved.items() if k not in actor_ids
    }
    own_rows = W.VBox(layout=W.Layout(width="100%"))
    message = W.HTML()

    def current() -> dict[str, dict[str, Any]]:
        value: dict[str, dict[str, Any]] = {}
        for actor in case.actors:
            p, i = inputs[f"{actor.id}.power"].value, inputs[f"{actor.id}.interest"].value
            if p or i:
                value[actor.id] = {"power": p or None, "interest": i or None}
        for key, entry in own.items():  # kept even when not placed: the learner named them
            p, i = inputs[f"{key}.power"].value, inputs[f"{key}.interest"].value
            value[key] = {**entry, "power": p or None, "interest": i or None}
        return value

    chart = W.HTML(charts.stakeholder_map(case, saved).to_html(), layout=_WIDE)

    @_guarded(lang, saver.status)
    def changed(_change: Any = None) -> None:
        if saver.loading:  # :func:`load` draws once at the end
            return
        value = current()
        saver.save(MAP_KEY, value)
        chart.value = charts.stakeholder_map(case, value).to_html()

    def own_row(key: str, place: Mapping[str, Any]) -> W.HBox:
        entry = own[key]
        remove = W.Button(
            description=t("map.own.remove", lang, name=entry["name"]), layout=W.Layout(width="auto")
        )
        where = t("map.own.yes" if entry["at_table"] else "map.own.no", lang)
        row, power, interest = _map_row(case, look, entry["name"], where, place, [remove])
        inputs[f"{key}.power"], inputs[f"{key}.interest"], inputs[f"{key}.remove"] = power, interest, remove
        power.observe(changed, names="value")
        interest.observe(changed, names="value")
        remove.on_click(lambda _button: removed(key))
        return row

    def show_own() -> None:
        rows = [row for key, row in own_widgets.items() if key in own]
        own_rows.children = rows or [W.HTML(_piece("hint", text=t("map.own.none", lang)))]

    own_widgets = {key: own_row(key, saved[key]) for key in own}
    show_own()

    name_box = W.Text(
        description=t("map.own.name", lang),
        placeholder=t("map.own.placeholder", lang),
        style={"description_width": "6em"},
        layout=W.Layout(width="24em"),
    )
    at_table = W.Dropdown(
        options=[(t("map.own.yes", lang), True), (t("map.own.no", lang), False)],
        value=True,
        description=t("map.own.at_table", lang),
        style={"description_width": "7em"},
    )
    labels = _scale_labels(lang)
    new_power = _scale_dropdown(t("widgets.map.power", lang), labels, None, lang)
    new_interest = _scale_dropdown(t("widgets.map.interest", lang), labels, None, lang)
    add = W.Button(description=t("map.own.add", lang), layout=W.Layout(width="auto"))
    inputs.update(
        {"own.name": name_box, "own.at_table": at_table, "own.power": new_power, "own.interest": new_interest}
    )
    inputs["own.add"] = add

    @_guarded(lang, saver.status)
    def added(_button: Any = None) -> None:
        typed = name_box.value.strip()
        taken = [e["name"] for e in own.values()] + [a.name for a in case.actors]
        problem = _own_name_problem(typed, taken, len(own), lang)
        free = (registry.own_stakeholder_key(n) for n in range(1, registry.OWN_STAKEHOLDERS_MAX + 1))
        key = next((k for k in free if k not in own and k not in actor_ids), None)
        if problem is None and key is None:
            problem = t("map.own.too_many", lang, limit=registry.OWN_STAKEHOLDERS_MAX)
        if problem is not None or key is None:
            message.value = _status_html(problem or "", error=True)
            return
        own[key] = {"name": typed, "at_table": bool(at_table.value)}
        place = {"power": new_power.value or None, "interest": new_interest.value or None}
        own_widgets[key] = own_row(key, place)
        show_own()
        name_box.value, new_power.value, new_interest.value = "", UNSET, UNSET
        message.value = _status_html(t("map.own.added", lang, name=typed))
        changed()
        name_box.focus()  # ready for the next one; the status line says this one was added

    def drop(key: str) -> dict[str, Any] | None:
        entry = own.pop(key, None)
        own_widgets.pop(key, None)
        for part in ("power", "interest", "remove"):
            inputs.pop(f"{key}.{part}", None)
        return entry

    @_guarded(lang, saver.status)
    def removed(key: str) -> None:
        entry = drop(key)
        if entry is None:
            return
        show_own()
        message.value = _status_html(t("map.own.removed", lang, name=entry["name"]))
        changed()
        name_box.focus()  # the removed row's button took the focus with it: keep it in the form

    def load(value: Any) -> None:
        placements = _placements(value, case)
        for actor in case.actors:
            place = placements.get(actor.id, {})
            for axis in ("power", "interest"):
                inputs[f"{actor.id}.{axis}"].value = _on_scale(place.get(axis))
        for key in [k for k in own if k not in placements]:
            drop(key)
        for key, place in placements.items():
            if key in actor_ids:
                continue
            entry = {"name": place["name"], "at_table": place["at_table"]}
            if own.get(key) != entry:  # new, or renamed: a new row
                drop(key)
                own[key] = entry
                own_widgets[key] = own_row(key, place)
                continue
            for axis in ("power", "interest"):
                inputs[f"{key}.{axis}"].value = _on_scale(place.get(axis))
        show_own()
        chart.value = charts.stakeholder_map(case, current()).to_html()

    saver.follow(MAP_KEY, load)

    add.on_click(added)
    for actor in case.actors:
        for axis in ("power", "interest"):
            inputs[f"{actor.id}.{axis}"].observe(changed, names="value")
    heading = _piece("heading", text=t("widgets.map.relations_heading", lang), level=3)
    relations = W.HTML(heading + charts.relations_diagram(case).to_html(), layout=_WIDE)
    # 22em + 41em: side by side where the map has 63em, a row of the form (name, Magt, Interesse) whole.
    chart_column = W.VBox([chart, saver.status], layout=W.Layout(flex="1 1 22em", min_width="18em"))
    chart_column.add_class("casekit-map-chart")
    groups = W.VBox(sections, layout=_WIDE)
    groups.add_class("casekit-map-groups")
    add_form = W.HBox(
        [name_box, at_table, new_power, new_interest, add],
        layout=W.Layout(flex_flow="row wrap", width="100%"),
    )
    own_section = W.VBox(
        [
            _heading(t("map.own.heading", lang), 3),
            _paragraph(t("map.own.intro", lang)),
            add_form,
            message,
            own_rows,
        ],
        layout=_WIDE,
    )
    own_section.add_class("casekit-map-own")
    # The chart beside the controls on a wide screen (sticky: it stays in view), above them on a narrow
    # one; the learner's own stakeholders are in the same column as the case's, so the chart is in view
    # while they are added too.
    form = W.VBox([groups, own_section], layout=W.Layout(flex="1 1 41em", min_width="20em"))
    body = W.HBox(
        [chart_column, form], layout=W.Layout(flex_flow="row wrap", width="100%", align_items="flex-start")
    )
    body.add_class("casekit-map-body")
    hint = W.HTML(_piece("hint", text=t("map.hint", lang)), layout=_WIDE)
    box = W.VBox([*_intro(case, MAP_KEY), hint, body], layout=_WIDE)
    box.add_class("casekit-map-box")
    style = W.HTML(_piece("map_style"))
    activity = Activity(MAP_KEY, [style, box, relations], inputs, saver.status, chart)
    activity.add_class("casekit-map")
    return activity


# -- decision point ------------------------------------------------------------------------------------------
def decision_point(case: Case, store: AnswerStore | None) -> Activity:
    """Kim and Sanne's choice in part 1: the learner chooses and justifies.

    Saved under ``decision-point`` as ``{"choice": option id or None, "justification": text}``.
    """
    lang = case.lang
    saver = _Saver(store, case)
    saved = saver.restore(DECISION_KEY) or {}
    options = dict(case.activity(DECISION_KEY).get("options") or {})
    choice = W.RadioButtons(
        options=[(str(label), key) for key, label in options.items()],
        value=saved.get("choice") if saved.get("choice") in options else None,
        description=t("widgets.decision.choice", lang),
        style=_LABEL_WIDTH,
        layout=_WIDE,
    )
    justification = _textarea(
        t("widgets.decision.justification", lang), str(saved.get("justification") or "")
    )
    prompt = case.activity(DECISION_KEY).get("prompt")

    @_guarded(lang, saver.status)
    def changed(_change: Any = None) -> None:
        saver.save(DECISION_KEY, {"choice": choice.value, "justification": justification.value})

    def load(value: Mapping[str, Any]) -> None:
        choice.value = value.get("choice") if value.get("choice") in options else None
        justification.value = str(value.get("justification") or "")

    saver.follow(DECISION_KEY, load)
    choice.observe(changed, names="value")
    justification.observe(changed, names="value")
    children = [*_intro(case, DECISION_KEY), choice]
    if prompt:
        children.append(_paragraph(str(prompt)))
    children += [justification, saver.status]
    return Activity(DECISION_KEY, children, {"choice": choice, "justification": justification}, saver.status)


# -- goal divergence -----------------------------------------------------------------------------------------
def _quotes_html(case: Case, actor_id: str) -> str:
    quotes = [{"text": b.quoted, "ref": b.ref} for b in case.utterances if b.speaker == actor_id]
    return _piece("quotes", items=quotes)


def goal_divergence(case: Case, store: AnswerStore | None) -> Activity:
    """Place each speaking actor between "one common goal" and "room for different goals".

    The quotes that are the evidence stand beside each actor. Saved under ``goal-divergence`` as
    ``{actor id: 1–5}``.
    """
    from casekit import charts

    lang = case.lang
    config = case.activity(GOALS_KEY)
    saver = _Saver(store, case)
    saved = saver.restore(GOALS_KEY) or {}
    speakers = [a for a in case.actors if a.speaks]
    labels = {n: str(n) for n in SCALE}
    labels[1] = t("widgets.goals.point", lang, n=1, text=config.get("left", ""))
    labels[5] = t("widgets.goals.point", lang, n=5, text=config.get("right", ""))
    inputs: dict[str, W.Widget] = {}
    rows: list[W.Widget] = []
    for actor in speakers:
        control = _scale_dropdown(
            t("widgets.goals.position", lang),
            labels,
            saved.get(actor.id),
            lang,
            layout=W.Layout(width="26em"),
        )
        inputs[actor.id] = control
        rows.append(
            W.VBox(
                [
                    _heading(actor.name, 3),
                    W.HBox(
                        [control, W.HTML(_quotes_html(case, actor.id), layout=W.Layout(flex="1 1 24em"))],
                        layout=W.Layout(flex_flow="row wrap", width="100%"),
                    ),
                ]
            )
        )

    def draw(value: Mapping[str, int]) -> str:
        return charts.goal_divergence(case, value).to_html() + charts.goal_spread(case, [value]).to_html()

    chart = W.HTML(draw(saved), layout=_WIDE)

    @_guarded(lang, saver.status)
    def changed(_change: Any = None) -> None:
        if saver.loading:  # :func:`load` draws once at the end
            return
        value = {actor_id: control.value for actor_id, control in inputs.items() if control.value in SCALE}
        saver.save(GOALS_KEY, value)
        chart.value = draw(value)

    def load(value: Mapping[str, Any]) -> None:
        for actor_id, control in inputs.items():
            control.value = _on_scale(value.get(actor_id))
        chart.value = draw({k: v for k, v in value.items() if k in inputs})

    saver.follow(GOALS_KEY, load)
    for control in inputs.values():
        control.observe(changed, names="value")
    return Activity(
        GOALS_KEY, [*_intro(case, GOALS_KEY), *rows, saver.status, chart], inputs, saver.status, chart
    )


# -- dilemmas ------------------------------------------------------------------------------------------------
def _paragraph_options(case: Case) -> list[tuple[str, str]]:
    options = []
    for section in case.sections:
        if section.part is None:
            continue
        for paragraph in section.paragraphs:
            ref = paragraph[0].ref
            preview = " ".join(case.paragraph_text(ref).split()[:10])
            options.append((f"{ref}: {preview} …", ref))
    return options


def dilemma(case: Case, store: AnswerStore | None, n: int) -> Activity | HTML:
    """Ethical dilemma ``n`` (1–3): a position between two poles the learner can rename, a justification
    citing case paragraphs, and "whose voice is missing?".

    Saved under ``dilemma-<n>`` as ``{"position", "left", "right", "justification", "paragraphs",
    "missing_voices"}``.
    """
    lang = case.lang
    key = registry.DILEMMAS[n - 1] if 1 <= n <= len(registry.DILEMMAS) else f"dilemma-{n}"
    config = (case.activity("dilemmas") or {}).get(key)
    if not isinstance(config, Mapping):
        return _message(t("widgets.dilemma.unknown", lang, n=n))
    saver = _Saver(store, case)
    saved = saver.restore(key) or {}
    question = case.question(str(config["question"]))
    left = W.Text(
        value=str(saved.get("left") or config.get("left", "")),
        description=t("widgets.dilemma.left", lang),
        style=_LABEL_WIDTH,
        layout=_WIDE,
    )
    right = W.Text(
        value=str(saved.get("right") or config.get("right", "")),
        description=t("widgets.dilemma.right", lang),
        style=_LABEL_WIDTH,
        layout=_WIDE,
    )
    position = W.Dropdown(
        description=t("widgets.dilemma.position", lang), style=_LABEL_WIDTH, layout=W.Layout(width="40em")
    )
    refs = _paragraph_options(case)
    known_refs = {ref for _label, ref in refs}
    paragraphs = W.SelectMultiple(
        options=refs,
        value=[r for r in saved.get("paragraphs") or [] if r in known_refs],
        rows=min(len(refs), 8),
        description=t("widgets.dilemma.paragraphs", lang),
        style=_LABEL_WIDTH,
        layout=_WIDE,
    )
    justification = _textarea(t("widgets.dilemma.justification", lang), str(saved.get("justification") or ""))
    missing = _textarea(t("widgets.dilemma.missing", lang), str(saved.get("missing_voices") or ""), rows=3)

    def position_options() -> list[tuple[str, int]]:
        names = {
            1: t("widgets.dilemma.point_left", lang, pole=left.value),
            3: t("widgets.dilemma.point_middle", lang),
            5: t("widgets.dilemma.point_right", lang, pole=right.value),
        }
        return [(t("widgets.unset", lang), UNSET)] + [(names.get(v, str(v)), v) for v in SCALE]

    position.options = position_options()
    position.value = _on_scale(saved.get("position"))
    relabelling = False

    def value() -> dict[str, Any]:
        return {
            "position": position.value or None,
            "left": left.value,
            "right": right.value,
            "justification": justification.value,
            "paragraphs": list(paragraphs.value),
            "missing_voices": missing.value,
        }

    @_guarded(lang, saver.status)
    def changed(change: Any = None) -> None:
        nonlocal relabelling
        if relabelling:
            return
        if change is not None and change.get("owner") in (left, right):
            relabelling = True  # new pole names: relabel the scale without losing the chosen point
            try:
                chosen = position.value
                position.options = position_options()
                position.value = chosen
            finally:
                relabelling = False
        saver.save(key, value())

    def load(saved: Mapping[str, Any]) -> None:
        left.value = str(saved.get("left") or config.get("left", ""))
        right.value = str(saved.get("right") or config.get("right", ""))
        position.options = position_options()
        position.value = _on_scale(saved.get("position"))
        paragraphs.value = [r for r in saved.get("paragraphs") or [] if r in known_refs]
        justification.value = str(saved.get("justification") or "")
        missing.value = str(saved.get("missing_voices") or "")

    saver.follow(key, load)
    for control in (left, right, position, paragraphs, justification, missing):
        control.observe(changed, names="value")
    children = [
        _heading(t("widgets.dilemma.heading", lang, n=n)),
        W.HTML(_piece("quoted_question", text=question.text), layout=_WIDE),
        _paragraph(str(case.activity("dilemma").get("intro", ""))),
        left,
        right,
        position,
        justification,
        paragraphs,
        W.HTML(_piece("hint", text=t("widgets.dilemma.paragraphs_hint", lang))),
        missing,
        saver.status,
    ]
    inputs = {
        "left": left,
        "right": right,
        "position": position,
        "justification": justification,
        "paragraphs": paragraphs,
        "missing_voices": missing,
    }
    return Activity(key, children, inputs, saver.status)


# -- reflection questions ------------------------------------------------------------------------------------
def questions(case: Case, store: AnswerStore | None, group: str | None = None) -> Activity | HTML:
    """One text box per reflection question, under the three group headings (or one group).

    Each answer is saved under its question id, e.g. ``organisering-1``.
    """
    lang = case.lang
    groups = case.question_groups
    if group is not None:
        groups = tuple(g for g in groups if g.id == group)
        if not groups:
            return _message(
                t(
                    "widgets.questions.unknown_group",
                    lang,
                    group=group,
                    groups=", ".join(g.id for g in case.question_groups),
                )
            )
    children: list[W.Widget] = []
    intro = case.activity("questions").get("intro")
    if intro:
        children.append(_paragraph(str(intro)))
    inputs: dict[str, W.Widget] = {}
    statuses: list[W.HTML] = []
    for question_group in groups:
        children.append(_heading(question_group.heading))
        for question in question_group.questions:
            saver = _Saver(store, case)
            saved = saver.restore(question.id)
            box = _textarea(
                t("widgets.question_label", lang, n=question.number), saved if isinstance(saved, str) else ""
            )
            box.placeholder = t("widgets.your_answer", lang)

            def changed(change: Any, _key: str = question.id, _saver: _Saver = saver) -> None:
                _saver.save(_key, change["new"])

            box.observe(_guarded(lang, saver.status)(changed), names="value")
            saver.follow(question.id, functools.partial(_load_text, box))
            inputs[question.id] = box
            statuses.append(saver.status)
            children += [
                W.HTML(_piece("question", number=question.number, text=question.text), layout=_WIDE),
                box,
                saver.status,
            ]
    status = statuses[0] if statuses else W.HTML()
    return Activity("questions", children, inputs, status)


# -- capstone ------------------------------------------------------------------------------------------------
def proposal(case: Case, store: AnswerStore | None) -> Activity:
    """Kim and Sanne's task: minutes, where the goals overlap, a proposal for the process, and a
    participation plan (each stakeholder × inform / consult / involve / collaborate / empower).

    Saved under ``proposal.minutes``, ``proposal.overlap``, ``proposal.process`` (text) and
    ``proposal.participation`` (``{actor id: level}``).
    """
    lang = case.lang
    config = case.activity("proposal")
    fields = dict(config.get("fields") or {})
    levels = dict(config.get("levels") or {})
    inputs: dict[str, W.Widget] = {}
    children: list[W.Widget] = list(_intro(case, "proposal"))
    statuses = []
    for name in PROPOSAL_FIELDS:
        key = f"proposal.{name}"
        saver = _Saver(store, case)
        saved = saver.restore(key)
        children.append(_heading(str(fields.get(name, name)), 3))
        box = _textarea(str(fields.get(name, name)), saved if isinstance(saved, str) else "", rows=8)

        def changed(change: Any, _key: str = key, _saver: _Saver = saver) -> None:
            _saver.save(_key, change["new"])

        box.observe(_guarded(lang, saver.status)(changed), names="value")
        saver.follow(key, functools.partial(_load_text, box))
        inputs[key] = box
        statuses.append(saver.status)
        children += [box, saver.status]

    saver = _Saver(store, case)
    saved = saver.restore(PLAN_KEY) or {}
    options = [(t("widgets.unset", lang), "")] + [(str(label), level) for level, label in levels.items()]
    children += [
        _heading(t("widgets.proposal.plan_heading", lang), 3),
        _paragraph(t("widgets.proposal.plan_hint", lang)),
    ]
    plan: dict[str, W.Dropdown] = {}
    for actor in case.actors:
        control = W.Dropdown(
            options=options,
            value=saved.get(actor.id) if saved.get(actor.id) in levels else "",
            description=actor.name,
            style={"description_width": "16em"},
            layout=W.Layout(width="34em"),
        )
        plan[actor.id] = control
        inputs[f"{PLAN_KEY}.{actor.id}"] = control
        children.append(control)

    @_guarded(lang, saver.status)
    def plan_changed(_change: Any = None) -> None:
        saver.save(PLAN_KEY, {actor_id: c.value for actor_id, c in plan.items() if c.value})

    def load_plan(value: Mapping[str, Any]) -> None:
        for actor_id, control in plan.items():
            control.value = value.get(actor_id) if value.get(actor_id) in levels else ""

    saver.follow(PLAN_KEY, load_plan)
    for control in plan.values():
        control.observe(plan_changed, names="value")
    children.append(saver.status)
    return Activity("proposal", children, inputs, saver.status)


# -- hand-in -------------------------------------------------------------------------------------------------
def task_keys(case: Case) -> list[str]:
    """Every answer key a learner can fill in, in the order of the journey (see :mod:`casekit.registry`)."""
    return registry.answer_keys(case)


def _preview_html(case: Case, store: AnswerStore | None) -> str:
    answers = store.as_dict() if store is not None else {}
    keys = task_keys(case)
    answered = {k: registry.is_answered(k, answers.get(k), case) for k in keys}
    done = sum(answered.values())
    state = {True: t("widgets.handin.answered", case.lang), False: t("widgets.handin.unanswered", case.lang)}
    rows = [(answer_title(case, k), state[answered[k]]) for k in keys]
    count = t("widgets.handin.count", case.lang, answered=done, total=len(keys))
    return _piece("preview", count=count, rows=rows)


def handin(case: Case, store: AnswerStore | None) -> Activity | HTML:
    """Preview what has been answered, download the answers (HTML, JSON, Markdown), upload earlier ones."""
    from casekit._handin import DownloadControl, UploadControl

    lang = case.lang
    if store is None:
        return _message(t("widgets.no_store_short", lang))
    preview = W.HTML(_preview_html(case, store), layout=_WIDE)
    downloads = [DownloadControl(store, case, fmt) for fmt in ("html", "json", "markdown")]
    status = W.HTML()

    @_guarded(lang, status)
    def refresh(_arg: Any = None) -> None:
        preview.value = _preview_html(case, store)
        for control in downloads:
            control.refresh()

    upload = UploadControl(store, case)
    button = W.Button(description=t("widgets.handin.refresh", lang), layout=W.Layout(width="auto"))
    button.on_click(refresh)
    children = [
        *_intro(case, "handin"),
        _heading(t("widgets.handin.preview_heading", lang), 3),
        preview,
        button,
        _heading(t("widgets.handin.download_heading", lang), 3),
        *(d.box for d in downloads),
        _heading(t("widgets.handin.upload_heading", lang), 3),
        upload.widget,
        status,
    ]
    inputs: dict[str, W.Widget] = {"refresh": button, "upload": upload.upload}
    inputs.update({f"download.{d.format}": d.widget for d in downloads})
    activity = Activity("handin", children, inputs, upload.status)
    # After an upload here or a restore from the browser's copy, the preview and the links show it.
    activity.follower = _live.Callback(refresh)
    _live.follow(store, activity.follower)
    return activity


def browser_copy(case: Case, store: AnswerStore | None) -> W.VBox | HTML:
    """What is kept in this browser, and "Glem kopien i denne browser" for a shared computer
    (:mod:`casekit._mirror`; the copy itself is shown by :func:`start`)."""
    from casekit._mirror import forget_section

    if store is None:
        return _message(t("widgets.no_store_short", case.lang))
    return forget_section(case, store)


# -- the class -----------------------------------------------------------------------------------------------
def share_control(case: Case, store: AnswerStore | None, folder: str | os.PathLike[str] | None = None) -> Any:
    """The "Del med holdet" control: shows exactly what will be shared (text answers only if ticked), then
    writes an anonymous snapshot into the class folder (``CASEKIT_CLASS``); without one, says how to hand
    in."""
    from casekit._sharing import ShareControl

    return ShareControl(case, store, folder)


def class_view(case: Case, folder: str | os.PathLike[str] | None = None) -> Any:
    """The instructor's live view: the class's spread from the shared folder, refreshed on demand, round by
    round (open a new round, compare two), with no names."""
    from casekit._sharing import ClassView

    return ClassView(case, folder)


def projection(case: Case) -> W.VBox:
    """A toggle for the projector: large type and charts across the screen."""
    from casekit._sharing import projection_control

    return projection_control(case)


# -- progress and the way through ----------------------------------------------------------------------------
def progress(case: Case, store: AnswerStore | None, notebook: str) -> W.HBox:
    """The line at the top of a learner notebook: how many of its activities and questions are answered
    (as the hand-in preview counts them), as text and a progress bar, and a button that counts again.

    ``notebook`` is the notebook's file name without ``.ipynb`` (``"01_del1"``); one without answers of its
    own (``00_start``, ``06_aflevering``) shows the whole case's.
    """
    from casekit._progress import ProgressView

    return ProgressView(case, store, notebook)


def journey(case: Case, store: AnswerStore | None) -> HTML:
    """The whole way through the case, for ``00_start``: every learner notebook in order with its title as
    a link, and how many of its answers are done."""
    from casekit._progress import journey_html

    return HTML(journey_html(case, store))


def navigation(case: Case, notebook: str) -> HTML:
    """The last cell of a learner notebook: relative links to the previous and the next notebook (none
    before ``00_start``, none after ``06_aflevering``), in the case's language."""
    from casekit._progress import navigation_html

    return HTML(navigation_html(case, notebook))
