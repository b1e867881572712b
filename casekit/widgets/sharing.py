"""The class's views in the notebooks: "Del med holdet" for a learner, the live spread for the instructor,
and a projection mode for the room.

A learner sees exactly what will be shared before sharing it: their placements, positions and choices, and
a text answer only if they tick it (:func:`casekit.classroom.snapshot`). The snapshot is anonymous and goes
to the class's transport named by ``CASEKIT_CLASS``: the class's JupyterHub service (``hub``) or a shared
class folder (a path); without one, the control says how to hand in through the LMS instead. The
instructor's view reads the class on every refresh, round by round; files being written or that are not
casekit's are skipped by :func:`casekit.classroom.summarize`, never a crash, and a service that refuses
(a learner who opens the instructor's notebook) or does not answer is a sentence, never a traceback.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from time import monotonic  # the view's clock (a test gives it its own)
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from casekit import classroom, registry
from casekit.classroom.hub import HubTransport, ServiceRefusal
from casekit.clock import local_clock, now
from casekit.errors import CasekitError
from casekit.i18n import t
from casekit.naming import answer_text, answer_title
from casekit.widgets import live
from casekit.widgets.base import WIDE, field, heading, paragraph, piece, status_html, stylesheet

if TYPE_CHECKING:
    from casekit import charts
    from casekit.answers import AnswerStore
    from casekit.case import Case

__all__ = ["ClassView", "ShareControl", "class_view", "projection", "projection_control", "share_control"]

log = logging.getLogger(__name__)

PREVIEW_DELAY = 0.3
"""Seconds after the last save on the page before the share preview shows the store again."""


def _target(folder: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    """The class a control talks to: ``folder`` if given, else ``$CASEKIT_CLASS`` as it is (a folder's path
    or a transport such as ``hub``: :func:`casekit.classroom.class_transport` tells them apart), else
    ``None``."""
    if folder is not None and str(folder).strip():
        return folder
    value = os.environ.get(classroom.CLASS_ENV, "").strip()
    return value or None


# -- sharing -------------------------------------------------------------------------------------------------
def _text_keys(case: Case) -> list[str]:
    """The answers whose text a learner may choose to share: questions, justifications, the proposal."""
    keys = [registry.DECISION_POINT, *registry.DILEMMAS]
    keys += [k for k in registry.answer_keys(case) if (s := registry.spec(k, case)) and s.shape == "text"]
    return keys


class ShareControl:
    """ "Del med holdet": what will be shared, a box to tick for each text answer, and the button.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What displaying the control shows.
    ticks : dict
        Answer key → checkbox: tick to share that answer's text.
    button : ipywidgets.Button or None
        Shares; ``None`` when there is no class folder.
    status : ipywidgets.HTML
        What the last share did (``role="status"``, or ``"alert"`` on failure).
    last_path : Path or None
        The snapshot file written by the last share.
    later : casekit.widgets.live.Debounced or None
        The preview shown again :data:`PREVIEW_DELAY` seconds after the last save on the page.

    The preview and the ticks follow the page: a save in any activity (:func:`casekit.widgets.live.saved`)
    shows them again a moment later, and the button shares the very snapshot it has just shown.
    """

    def __init__(
        self, case: Case, store: AnswerStore | None, folder: str | os.PathLike[str] | None = None
    ) -> None:
        self.case = case
        self.store = store
        self.folder = _target(folder)
        self.lang = case.lang
        self.last_path: Path | None = None
        self.ticks: dict[str, W.Checkbox] = {}
        self.button: W.Button | None = None
        self.status = W.HTML()
        self.preview = W.HTML(layout=WIDE)
        self.later: live.Debounced | None = None
        self._lock = threading.RLock()  # the timer's refresh and a click never interleave
        title = heading(t("share.heading", self.lang), 3)
        if store is None:
            self.widget = W.VBox(
                [title, W.HTML(piece("message", text=t("widgets.no_store_short", self.lang)))]
            )
            return
        if self.folder is None:  # what the learner can do instead, and, folded away, how it is set up
            self.widget = W.VBox(
                [
                    title,
                    paragraph(t("share.no_folder", self.lang)),
                    W.HTML(
                        piece(
                            "details",
                            summary=t("share.setup_summary", self.lang),
                            text=t("share.setup", self.lang),
                        ),
                        layout=WIDE,
                    ),
                ]
            )
            return
        self.button = W.Button(
            description=t("share.button", self.lang),
            tooltip=t("share.tooltip", self.lang),
            layout=W.Layout(width="auto"),
        )
        self.button.on_click(lambda _button: self.share())
        self._top = [title, paragraph(t("share.intro", self.lang))]
        self._ticks_intro = W.HTML(piece("paragraph", text=t("share.ticks", self.lang)))
        self._style = stylesheet()
        self.widget = W.VBox()
        self._show_ticks()
        self.refresh()
        live.follow(store, self)  # answers uploaded or restored here can be ticked and are previewed
        self.later = live.Debounced(self.reload, PREVIEW_DELAY)
        live.follow_saves(store, self)  # and so can those answered on the page after this cell ran

    def saved(self) -> None:
        """A save on the page (:func:`casekit.widgets.live.saved`): show the preview again in a moment."""
        if self.later is not None:
            self.later()

    def _show_ticks(self) -> None:
        """A tick box for every text answer in the store (those already shown keep their state)."""
        assert self.store is not None and self.button is not None
        answers = self.store.as_dict()
        for key in _text_keys(self.case):
            if key not in self.ticks and _has_text(answers.get(key)):
                box = field(
                    W.Checkbox(
                        value=False,
                        description=t("share.tick", self.lang, title=answer_title(self.case, key)),
                        indent=False,
                    )
                )
                box.observe(lambda _change: self.refresh(), names="value")
                self.ticks[key] = box
        order = {key: n for n, key in enumerate(_text_keys(self.case))}
        ticks = sorted(self.ticks.items(), key=lambda item: order.get(item[0], len(order)))
        intro = [self._ticks_intro] if ticks else []
        children = (
            *self._top,
            self.preview,
            *intro,
            *(box for _key, box in ticks),
            self.button,
            self.status,
            self._style,
        )
        if tuple(self.widget.children) != children:
            self.widget.children = children

    def reload(self) -> None:
        """After an import (see :mod:`casekit.widgets.live`) or a save on the page: ticks for the text
        answers that came in, and the preview of what a share would send now."""
        if self.store is None or self.folder is None:
            return
        with self._lock:
            self._show_ticks()
            self.refresh()

    @property
    def text_keys(self) -> tuple[str, ...]:
        """The answers whose text the learner has ticked."""
        return tuple(key for key, box in self.ticks.items() if box.value)

    def refresh(self) -> None:
        """Show again exactly what a share would send now."""
        self._preview()

    def _preview(self) -> dict[str, Any] | None:
        """Make the snapshot a share would send now, show it, and give it (``None`` if it cannot be made).
        With nothing to share the button is off, and the preview says so."""
        if self.store is None or self.folder is None or self.button is None:
            return None
        with self._lock:
            try:
                doc = classroom.snapshot(self.store, self.text_keys, case=self.case)
            except CasekitError as exc:
                self.preview.value = status_html(str(exc), error=True)
                return None
            answers = self.store.as_dict()  # the learner's own stakeholders are named in their map
            rows = [
                (answer_title(self.case, key), answer_text(self.case, key, value, answers))
                for key, value in doc["answers"].items()
            ]
            self.preview.value = piece(
                "share_preview",
                caption=t("share.preview", self.lang),
                empty=t("share.nothing", self.lang),
                headers=(t("share.item", self.lang), t("share.value", self.lang)),
                rows=rows,
            )
            self.button.disabled = not doc["answers"]
            return doc

    def share(self) -> None:
        """Write the learner's anonymous snapshot into the class folder and say so: the snapshot the
        preview shows now, made afresh (a save a moment ago is in it); with nothing to share, nothing is
        written and the status says why."""
        if self.store is None or self.folder is None:
            return
        if self.later is not None:
            self.later.cancel()
        with self._lock:
            self._show_ticks()
            doc = self._preview()
            if doc is None:
                return
            try:
                transport = classroom.class_transport(self.folder, lang=self.lang)
                self.last_path = classroom.share_snapshot(doc, transport, lang=self.lang)
            except CasekitError as exc:
                self.status.value = status_html(str(exc), error=True)
                return
            except Exception as exc:  # never a traceback in front of a learner; the log keeps it
                log.exception("sharing failed")
                self.status.value = status_html(
                    t("widgets.unexpected", self.lang) + f" ({type(exc).__name__})", error=True
                )
                return
        self.status.value = status_html(
            t(
                "share.done",
                self.lang,
                # as the instructor named it ("før"), not by its id ("foer")
                round=transport.round_name(self.last_path.parent.name, lang=self.lang),
                time=local_clock(now()),
            )
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _has_text(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping):
        return any(isinstance(v, str) and v.strip() for v in value.values())
    return False


# -- the instructor's live view ------------------------------------------------------------------------------
class ClassView:
    """The class's spread from the shared folder or the class's service, round by round, no names; read
    again every :attr:`LIVE_SECONDS` while its page is in view and "Opdatér automatisk" is ticked (the
    default), and whenever "Opdatér" is pressed.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What displaying the view shows.
    refresh_button, live, round, new_round, open_button, close_button, stakeholder : ipywidgets widgets
        The controls (tests and scripts may press or set them).
    ticker : Ticker
        The page's clock behind "Opdatér automatisk" (``ticker.receive({"type": "tick"})`` is a tick).
    summary : ClassSummary or None
        The last summary read.
    """

    LIVE_SECONDS = 5
    """How often the view reads the class by itself. A read that finds nothing new changes nothing on the
    page (the class's service answers it with 304 Not Modified)."""

    def __init__(self, case: Case, folder: str | os.PathLike[str] | None = None) -> None:
        self.case = case
        self.lang = case.lang
        self.folder = _target(folder)
        self.summary: classroom.ClassSummary | None = None
        self.status = W.HTML()
        self.overview = W.HTML(layout=WIDE)
        self.charts = W.HTML(layout=WIDE)
        title = heading(t("classview.heading", self.lang))
        if self.folder is None:
            self.widget = W.VBox([title, paragraph(t("classview.no_folder", self.lang))])
            return
        style = {"description_width": "10em"}
        self.refresh_button = W.Button(
            description=t("classview.refresh", self.lang), layout=W.Layout(width="auto")
        )
        self.live = W.Checkbox(
            value=True,
            description=t("classview.live", self.lang, seconds=self.LIVE_SECONDS),
            indent=False,
            layout=W.Layout(width="auto"),
        )
        from casekit.widgets.ticker import Ticker  # anywidget when the instructor's view is shown, not before

        tick = self._guard(lambda _none: self._tick())
        self.ticker = Ticker(lambda: tick(None), self.LIVE_SECONDS, active=True)
        W.dlink((self.live, "value"), (self.ticker, "active"))
        self._read_at = 0.0  # monotonic() at the end of the last read, and how long it took
        self._read_took = 0.0
        self._read_clock = ""  # the last read's time as the status line says it
        self._hub = False
        self._closed_note = ""
        self._alerting = False  # the status line says what went wrong; only the next read replaces it
        self._current_seen: str | None = None
        self.round = field(W.Dropdown(description=t("classview.round", self.lang), style=style))
        self.compare = field(W.Dropdown(description=t("classview.compare", self.lang), style=style))
        self.new_round = field(W.Text(description=t("classview.new_round", self.lang), style=style))
        self.open_button = W.Button(
            description=t("classview.open_round", self.lang), layout=W.Layout(width="auto")
        )
        # Shown where the class's transport can close a round (the class service), named after the state the
        # view last read: pressing it does what it says, whatever another instructor did meanwhile.
        self.close_button = W.Button(layout=W.Layout(width="auto", display="none"))
        self._round_shown_open = True
        placed = [(a.name, a.id) for a in case.actors]
        self.stakeholder = field(
            W.Dropdown(
                options=placed,
                value=placed[0][1] if placed else None,
                description=t("classview.stakeholder", self.lang),
                style=style,
            )
        )
        self.refresh_button.on_click(self._guard(lambda _b: self.refresh()))
        self.live.observe(self._guard(lambda _c: self._live_toggled()), names="value")
        self.open_button.on_click(self._guard(lambda _b: self.open_round()))
        self.close_button.on_click(self._guard(lambda _b: self.toggle_round()))
        self._labels: list[tuple[str, str]] = []
        self._settling = False
        self.round.observe(self._guard(lambda _c: self._comparable()), names="value")
        for control in (self.round, self.compare, self.stakeholder):
            control.observe(self._guard(lambda _c: self.draw()), names="value")
        self._title = title
        self.widget = W.VBox(
            [
                title,
                W.HBox(
                    [self.refresh_button, self.live, self.round, self.compare],
                    layout=W.Layout(flex_flow="row wrap"),
                ),
                W.HBox(
                    [self.new_round, self.open_button, self.close_button],
                    layout=W.Layout(flex_flow="row wrap"),
                ),
                self.status,
                self.overview,
                self.stakeholder,
                self.charts,
                stylesheet(),
                self.ticker,
            ]
        )
        self._guard(lambda _none: self.refresh())(None)  # a surprise in the folder is a sentence, too

    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def run(arg: Any) -> None:
            try:
                callback(arg)
            except CasekitError as exc:
                self._alert(str(exc))
            except Exception:  # the instructor's screen shows a sentence, the log the details
                log.exception("class view failed")
                self._alert(t("widgets.unexpected", self.lang))

        return run

    def _alert(self, message: str) -> None:
        """Say on the status line what went wrong; it stays until a read succeeds or the instructor acts."""
        self.status.value = status_html(message, error=True)
        self._alerting = True

    def _live_toggled(self) -> None:
        """ "Opdatér automatisk" was ticked or unticked: the status line says how the class is read now,
        unless it says what went wrong (that stays until the next read, by the clock or the button)."""
        if not self._alerting:
            self._show_status()

    def transport(self) -> classroom.Transport:
        """The class's transport (:func:`casekit.classroom.class_transport` of the view's target)."""
        return classroom.class_transport(self.folder, lang=self.lang)

    def _tick(self) -> None:
        """A tick of the page's clock: read the class again, unless the last read ended less than half an
        interval ago, or less than twice its own length ago (ticks that waited behind a slow read, or from
        the view shown twice): however big the class, the kernel stays free at least two thirds of the time
        for the instructor's clicks."""
        rest = max(self.LIVE_SECONDS / 2, 2 * self._read_took)
        if self.live.value and monotonic() - self._read_at >= rest:
            self.refresh()

    def refresh(self) -> None:
        """Read the class again (learners may be sharing right now). The round and the round to compare
        with that the instructor chose stay chosen, unless the class's current round changed meanwhile."""
        if self.folder is None:
            return
        started = monotonic()
        transport = self.transport()
        try:
            # The folder's: the round's folder made by the instructor (on a sticky folder no learner can
            # clear it); the service's: only the course's instructors may read the class.
            transport.prepare(lang=self.lang)
        except ServiceRefusal as exc:
            if exc.code == "not_instructor":  # a learner opened the instructor's notebook: only the sentence
                self._alert(str(exc))
                self.widget.children = (self._title, self.status)
                return
            raise
        try:
            self.summary = classroom.summarize(transport, case=self.case, lang=self.lang)
        except classroom.ClassFolderError:
            self.summary = None  # nobody has shared yet (or nothing readable): the class so far is empty
        opened = transport.rounds()
        current = transport.current_round()
        found = self.summary.rounds if self.summary is not None else []
        ids = list(dict.fromkeys([*(r["id"] for r in opened), *found])) or [current]
        names = dict(self.summary.round_names) if self.summary is not None else {}
        names.update({r["id"]: str(r["name"]) for r in opened if r.get("name")})
        # A round no one has named (the first, "1") is named as the summary names it once answers are in.
        labels = [(names.get(i) or t("class.round_default", self.lang, id=i), i) for i in ids]
        self._stakeholders()
        chosen = self.round.value if self._current_seen == current else None
        self._current_seen = current
        # Options are set only when they changed: a read every few seconds must not close a list the
        # instructor has open.
        self._labels = labels
        if _pairs(self.round.options) != labels:
            self.round.options = labels
        self.round.value = chosen if chosen in ids else (current if current in ids else ids[-1])
        self._comparable()
        self._hub = isinstance(transport, HubTransport)
        self._closed_note = ""
        if transport.closes_rounds:
            name = {i: label for label, i in labels}.get(current) or t(
                "class.round_default", self.lang, id=current
            )
            self._round_shown_open = transport.round_open(lang=self.lang)
            action = "classview.close_round" if self._round_shown_open else "classview.reopen_round"
            self.close_button.description = t(action, self.lang, round=name)
            self.close_button.layout.display = None
            if not self._round_shown_open:
                self._closed_note = t("classview.round_closed", self.lang, round=name)
        self._read_at = monotonic()
        self._read_took = self._read_at - started
        self._read_clock = local_clock(now())
        self._show_status()
        self.draw()

    def _show_status(self) -> None:
        """The status line: while the view reads the class by itself, how often (the same words each time, so
        that a screen reader does not announce every read); otherwise the time of the last read."""
        if self.folder is None or not self._read_at:
            return
        if self.live.value:
            key = "classview.live_at_hub" if self._hub else "classview.live_at"
            status = t(key, self.lang, seconds=self.LIVE_SECONDS)
        else:
            key = "classview.read_at_hub" if self._hub else "classview.read_at"
            status = t(key, self.lang, time=self._read_clock)
        if self._closed_note:
            status += " " + self._closed_note
        self.status.value = status_html(status)
        self._alerting = False

    def open_round(self) -> None:
        """Open a new round with the typed name: the next shares land in it."""
        if self.folder is None:
            return
        name = self.new_round.value.strip()
        if not name:
            self._alert(t("classview.round_name_missing", self.lang))
            return
        self.transport().open_round(name, lang=self.lang)
        self.new_round.value = ""
        self.refresh()

    def toggle_round(self) -> None:
        """Close the current round, or open it again, as the button said (where the transport can)."""
        if self.folder is None:
            return
        transport = self.transport()
        if not transport.closes_rounds:
            return
        if self._round_shown_open:
            transport.close_round(lang=self.lang)
        else:
            transport.reopen_round(lang=self.lang)
        self.refresh()

    def _comparable(self) -> None:
        """The rounds to compare the chosen one with: every other round (the chosen round itself is no
        comparison); a choice that is no longer among them goes back to none."""
        self._settling = True  # the round's own change draws once, after this
        try:
            others = [(label, i) for label, i in self._labels if i != self.round.value]
            comparable = [(t("classview.no_compare", self.lang), ""), *others]
            if _pairs(self.compare.options) != comparable:
                self.compare.options = comparable
            if self.compare.value not in ["", *(i for _label, i in others)]:
                self.compare.value = ""
        finally:
            self._settling = False

    def draw(self) -> None:
        """The overview and the charts of the chosen round; with a round to compare with, how the class
        moved since then, in sentences and drawn (:meth:`~casekit.classroom.ClassSummary.move_charts`)."""
        summary = self.summary
        if not self.round.options or self._settling:
            return
        round_id = self.round.value
        if summary is None:
            label = self.round.label or round_id
            self.overview.value = piece(
                "paragraph", text=t("classview.count", self.lang, count=0, round=label)
            )
            self.charts.value = ""
            return
        learners = summary.learners_in(round_id)
        lines = [t("classview.count", self.lang, count=len(learners), round=self.round.label or round_id)]
        compare = self.compare.value if self.compare.value != round_id else ""
        if compare:
            lines += summary.move_sentences(compare, round_id)
        if summary.skipped:
            lines.append(t("classview.skipped", self.lang, count=len(summary.skipped)))
        self.overview.value = "".join(piece("paragraph", text=line) for line in lines)
        found = self._charts(summary, round_id, learners)
        if compare:  # how the class moved since the compared round, drawn, before the round's own charts
            found[:0] = summary.move_charts(compare, round_id)
        self.charts.value = "".join(chart.to_html() for chart in found)

    def _stakeholders(self) -> None:
        """The stakeholders to choose from: the case's, then those the learners added that several placed
        (:meth:`~casekit.classroom.ClassSummary.placed`); the choice stays where it can."""
        options = [(a.name, a.id) for a in self.case.actors]
        if self.summary is not None:
            options += [(p.name, p.actor) for p in self.summary.placed() if p.own]
        if list(self.stakeholder.options) != options:
            chosen = self.stakeholder.value
            with self.stakeholder.hold_trait_notifications():
                self.stakeholder.options = options
                ids = [key for _name, key in options]
                self.stakeholder.value = chosen if chosen in ids else (ids[0] if ids else None)

    def _charts(
        self, summary: classroom.ClassSummary, round_id: str, learners: list[str]
    ) -> list[charts.Chart]:
        from casekit import charts  # matplotlib when the view draws, not when casekit.widgets is imported

        case = self.case
        goals = _per_learner(summary.goals, round_id, "actor", "position")
        dilemmas = _per_learner(summary.dilemmas, round_id, "dilemma", "position")
        chosen = _in_round(summary.decisions, round_id)
        decided = dict(zip(chosen["learner"], chosen["choice"], strict=True))
        found = [charts.goal_spread(case, goals)]
        if self.stakeholder.value:
            rows = _in_round(summary.stakeholders, round_id)
            found.append(summary.placements(rows, self.stakeholder.value).chart(case))
        found.append(charts.dilemma_spread(case, dilemmas))
        found.append(charts.decision_split(case, [decided.get(who) for who in learners]))
        return found

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _pairs(options: Any) -> list[tuple[str, str]]:
    """A selection widget's options as (label, value) pairs, to compare with new ones."""
    return [tuple(option) if isinstance(option, (list, tuple)) else (option, option) for option in options]


def _in_round(frame: Any, round_id: str) -> Any:
    return frame[frame["round"] == round_id]


def _per_learner(frame: Any, round_id: str, item: str, value: str) -> list[dict[str, int]]:
    """One mapping per learner of ``item`` → ``value`` in the round (the frame holds no missing values)."""
    sets: dict[str, dict[str, int]] = {}
    for who, key, point in _in_round(frame, round_id)[["learner", item, value]].itertuples(
        index=False, name=None
    ):
        sets.setdefault(who, {})[key] = int(point)
    return [sets[who] for who in sorted(sets)]


# -- projection ----------------------------------------------------------------------------------------------
def projection_control(case: Case) -> W.VBox:
    """A toggle that sets the page for a projector: large type, charts across the screen, high contrast."""
    style = W.HTML()
    toggle = W.ToggleButton(
        value=False,
        description=t("projection.toggle", case.lang),
        tooltip=t("projection.tooltip", case.lang),
        layout=W.Layout(width="auto"),
    )

    def switched(change: Any) -> None:
        style.value = piece("projection_style") if change["new"] else ""

    toggle.observe(switched, names="value")
    return W.VBox([toggle, style])


# -- what the notebooks call ---------------------------------------------------------------------------------
def share_control(
    case: Case, store: AnswerStore | None, folder: str | os.PathLike[str] | None = None
) -> ShareControl:
    """The "Del med holdet" control: shows exactly what will be shared (text answers only if ticked), then
    writes an anonymous snapshot into the class folder (``CASEKIT_CLASS``); without one, says how to hand
    in."""
    return ShareControl(case, store, folder)


def class_view(case: Case, folder: str | os.PathLike[str] | None = None) -> ClassView:
    """The instructor's live view: the class's spread from the shared folder, refreshed on demand, round by
    round (open a new round, compare two), with no names."""
    return ClassView(case, folder)


def projection(case: Case) -> W.VBox:
    """A toggle for the projector: large type and charts across the screen."""
    return projection_control(case)
