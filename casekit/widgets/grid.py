"""The stakeholder map's control: the power–interest grid, drawn and worked in the browser.

The learner drags each stakeholder from a tray onto the 5 × 5 grid (or picks one up with Enter, moves it
with the arrow keys and sets it with Enter again; Escape cancels), and adds stakeholders of their own in the
same place. The front end is the ES module ``casekit/static/grid.js`` with ``casekit/static/grid.css``: it
draws the grid from the synced traits, moves a stakeholder at once (a move is local), and sends the kernel
one small message per move (:mod:`casekit.widgets.grid_messages`). The kernel only checks and saves:

- :meth:`StakeholderGrid.receive` reads the message, builds the map it would make, checks that map against
  the answer registry (:func:`casekit.registry.problems`, then :func:`casekit.registry.clean` must leave it
  as it is), saves it through the activity's :class:`~casekit.widgets.base.Saver` (the store's save queue,
  the status line, the browser copy), and answers ``done`` or ``refused`` with the reason in words;
- the value saved is the answer registry's ``stakeholder-placements``: ``{actor id: {"power", "interest"}}``
  for the case's stakeholders that are placed, ``own-1`` … ``own-99`` with also ``"name"`` and
  ``"at_table"`` for the learner's own (placed or not), case actors first in the case's order.

Everything a learner reads comes from the string catalog (the trait ``words``); no id is ever shown.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import anywidget
import traitlets
from matplotlib.colors import to_hex

from casekit import registry
from casekit.answers.record import clean_surrogates
from casekit.case import Actor, Case
from casekit.charts import OKABE_ITO
from casekit.charts.grid import QUADRANTS, quadrant_of, quadrant_tint
from casekit.i18n import t
from casekit.registry import SCALE
from casekit.widgets.base import STATIC, Saver
from casekit.widgets.grid_messages import (
    AddMessage,
    DoneReply,
    Message,
    PlaceMessage,
    RefusedReply,
    RemoveMessage,
    Reply,
    StatusMessage,
    Unreadable,
    read_message,
)

__all__ = ["MAP_KEY", "StakeholderGrid", "map_groups", "own_name_problem"]

log = logging.getLogger(__name__)

MAP_KEY = registry.STAKEHOLDER_MAP
AXES = ("power", "interest")
_OWN_FIELDS = ("name", "at_table")


# -- what the grid shows -------------------------------------------------------------------------------------
def map_groups(case: Case) -> list[tuple[str, list[Actor]]]:
    """The case's stakeholders in the tray's groups (catalog key, actors): persons, roles and organisations
    at the table, then those who are not; an empty group is left out."""
    at_table = [a for a in case.actors if a.at_table]
    groups = [
        ("widgets.map.group.person", [a for a in at_table if a.kind == "person"]),
        ("widgets.map.group.role", [a for a in at_table if a.kind == "role"]),
        ("widgets.map.group.organisation", [a for a in at_table if a.kind in ("organisation", "group")]),
        ("widgets.map.group.absent", [a for a in case.actors if not a.at_table]),
    ]
    return [(key, actors) for key, actors in groups if actors]


def own_name_problem(typed: str, taken: Iterable[str], count: int, lang: str) -> str | None:
    """Why a learner's own stakeholder cannot be added under ``typed`` (trimmed), or ``None``: empty, too
    long, a name already on the map (any case), or ``count`` already at the limit."""
    if not typed:
        return t("map.own.empty", lang)
    if len(typed) > registry.OWN_NAME_MAX:
        return t("map.own.too_long", lang, length=len(typed), limit=registry.OWN_NAME_MAX)
    if typed.casefold() in {name.casefold() for name in taken}:
        return t("map.own.duplicate", lang, name=typed)
    if count >= registry.OWN_STAKEHOLDERS_MAX:
        return t("map.own.too_many", lang, limit=registry.OWN_STAKEHOLDERS_MAX)
    return None


def _actors(case: Case) -> list[dict[str, Any]]:
    """The case's stakeholders as the front end draws them, in the tray's order: id, name, group, at_table."""
    return [
        {"id": a.id, "name": a.name, "group": t(key, case.lang), "at_table": a.at_table}
        for key, actors in map_groups(case)
        for a in actors
    ]


def _cells() -> list[list[Any]]:
    """The grid's cells from the top row (power 5) down, each ``[power, interest, quadrant key]``."""
    return [[p, i, quadrant_of(p, i)] for p in reversed(SCALE) for i in SCALE]


def _colours() -> dict[str, str]:
    """The colours the front end draws with, as the charts do: each quadrant's tint ("monitor": white) and
    the markers of those at the table (blue) and not (vermillion)."""
    colours = {f"quadrant-{key}": to_hex(quadrant_tint(key) or "white") for key in QUADRANTS}
    return {**colours, "at-table": OKABE_ITO["blue"], "absent": OKABE_ITO["vermillion"]}


# The catalog's words the front end needs (its own names for them → catalog keys); ``scale.<n>`` and
# ``quadrant.<key>`` are added in :func:`_words`.
_WORDS = {
    "title": "chart.stakeholder.title",
    "help": "map.grid.help",
    "token_help": "map.grid.token_help",
    "tray": "map.grid.tray",
    "tray_empty": "map.grid.tray_empty",
    "x_label": "chart.stakeholder.x_label",
    "y_label": "chart.stakeholder.y_label",
    "cell": "map.grid.cell",
    "where": "map.grid.where",
    "unset": "map.grid.unset",
    "not_placed": "chart.not_placed",
    "named": "map.grid.named",
    "own_marker": "map.own.marker",
    "absent_marker": "map.grid.absent_marker",
    "legend_at_table": "chart.stakeholder.legend_at_table",
    "legend_absent": "chart.stakeholder.legend_absent",
    "legend_own": "map.grid.legend_own",
    "picked": "map.grid.picked",
    "picked_pointer": "map.grid.picked_pointer",
    "edge": "map.grid.edge",
    "dropped": "map.grid.dropped",
    "returned": "map.grid.returned",
    "cancelled": "map.grid.cancelled",
    "saving": "map.grid.saving",
    "own_heading": "map.own.heading",
    "own_intro": "map.own.intro",
    "own_name": "map.own.name",
    "own_placeholder": "map.own.placeholder",
    "own_at_table": "map.own.at_table",
    "own_add": "map.own.add",
    "own_remove": "map.own.remove",
    "own_none": "map.own.none",
    "own_list": "map.own.list",
}


def _words(lang: str) -> dict[str, str]:
    words = {name: t(key, lang) for name, key in _WORDS.items()}
    words.update({f"scale.{n}": t(f"widgets.scale.{n}", lang) for n in SCALE})
    words.update({f"quadrant.{key}": t(f"chart.quadrant.{key}", lang) for key in QUADRANTS})
    return words


def _plain(markup: str) -> str:
    """A status line's text without its markup."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup)).strip()


def _axis(value: Any) -> Any:
    """An axis as the front end sent it, a whole float (``4.0``) as the integer it equals; else as sent
    (the registry judges it)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# -- the widget ----------------------------------------------------------------------------------------------
class StakeholderGrid(anywidget.AnyWidget):
    """The power–interest grid a learner places the stakeholders on, in the browser.

    Parameters
    ----------
    case : Case
        The case: its stakeholders, its language.
    saver : Saver
        Saves the map (and keeps the status line under the grid honest).
    saved : mapping, optional
        The map as the store has it, cleaned (:meth:`Saver.restore`).

    Attributes
    ----------
    placements : dict
        The map as saved: the value of ``stakeholder-map`` (synced to the front end).
    actors, cells, words, colours : list, list, dict, dict
        What the front end draws: the case's stakeholders (id, name, group, at_table), the 25 cells with their
        quadrant, the catalog's words in the case's language, and the charts' colours.
    lang : str
        The case's language: the grid's ``lang`` (a screen reader speaks Danish as Danish on an English
        page; a browser that can hyphenates long names by its rules).
    """

    _esm = STATIC / "grid.js"
    _css = STATIC / "grid.css"
    actors: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    cells: traitlets.List[list[Any]] = traitlets.List().tag(sync=True)
    words = traitlets.Dict().tag(sync=True)
    colours = traitlets.Dict().tag(sync=True)
    lang = traitlets.Unicode("da").tag(sync=True)
    name_max = traitlets.Int(registry.OWN_NAME_MAX).tag(sync=True)
    # The front end that moved a stakeholder shows the move already, and the reply carries it to any other
    # page: a move updates this trait without sending it (see :meth:`_publish`); it is never echoed.
    placements = traitlets.Dict().tag(sync=True, echo_update=False)

    def __init__(self, case: Case, saver: Saver, saved: Mapping[str, Any] | None = None) -> None:
        self.case, self.saver, self.lang = case, saver, case.lang
        self._actor_ids = [a.id for a in case.actors]
        self._names = {a.id: a.name for a in case.actors}
        self._lock = threading.RLock()
        self._saving = False  # a move is being saved: its answer carries the status line
        super().__init__(
            actors=_actors(case),
            cells=_cells(),
            words=_words(case.lang),
            colours=_colours(),
            lang=case.lang,
            placements=self._ordered(saved or {}),
        )
        self.on_msg(lambda _widget, content, _buffers: self.receive(content))
        saver.status.observe(self._status_changed, names="value")

    @property
    def value(self) -> dict[str, dict[str, Any]]:
        """The map as saved (a copy)."""
        return {key: dict(place) for key, place in self.placements.items()}

    # -- messages from the front end ---------------------------------------------------------------------
    def receive(self, content: Any) -> Reply:
        """Act on one message from the front end (as the comm delivers it): save the map it makes, or
        refuse it; send the answer to every page that shows the grid, and return it.

        Never raises: a failure is logged and answered as a refusal, the map unchanged.
        """
        try:
            reply = self._handle(content)
        except Exception:  # a learner never sees a traceback; the log keeps it
            log.exception("the stakeholder grid could not handle a message")
            reply = self._refused(None, t("widgets.unexpected", self.lang), resend=True)
        self.send(reply)
        return reply

    def load(self, value: Any) -> None:
        """The map an import brought (see :meth:`Saver.follow`) into the grid; nothing is saved."""
        with self._lock:
            self._publish(self._ordered(value if isinstance(value, Mapping) else {}), quiet=False)

    def _handle(self, content: Any) -> Reply:
        message: Message | Unreadable = read_message(content)
        if isinstance(message, Unreadable):
            return self._refused(message.seq, t("map.grid.unreadable", self.lang), resend=True)
        with self._lock:
            if message["type"] == "place":
                return self._place(message)
            if message["type"] == "add":
                return self._add(message)
            return self._remove(message)

    def _place(self, message: PlaceMessage) -> Reply:
        """A stakeholder on a cell, or back in the tray (a case actor then leaves the value; one of the
        learner's own stays, unplaced)."""
        seq, key, current = message["seq"], message["id"], self.value
        own = key not in self._actor_ids
        if own and not (registry.is_own_stakeholder(key) and key in current):
            return self._refused(seq, t("map.grid.unknown", self.lang), resend=True)
        power, interest = _axis(message["power"]), _axis(message["interest"])
        candidate = dict(current)
        if power is None and interest is None and not own:
            candidate.pop(key, None)
        else:
            kept = {f: current[key][f] for f in _OWN_FIELDS} if own else {}
            candidate[key] = {**kept, "power": power, "interest": interest}
        return self._save(seq, key, candidate, "", quiet=True)

    def _add(self, message: AddMessage) -> Reply:
        """One of the learner's own, under the first free key ``own-<n>``, not placed yet (it waits in the
        tray)."""
        seq, current, lang = message["seq"], self.value, self.lang
        typed = message["name"].strip()
        own = [k for k in current if k not in self._actor_ids]
        taken = [*self._names.values(), *(str(current[k].get("name", "")) for k in own)]
        problem = own_name_problem(typed, taken, len(own), lang)
        free = (registry.own_stakeholder_key(n) for n in range(1, registry.OWN_STAKEHOLDERS_MAX + 1))
        key = next((k for k in free if k not in current and k not in self._actor_ids), None)
        if problem is None and key is None:
            problem = t("map.own.too_many", lang, limit=registry.OWN_STAKEHOLDERS_MAX)
        if problem is not None or key is None:
            return self._refused(seq, problem or "")
        entry = {"name": typed, "at_table": message["at_table"], "power": None, "interest": None}
        added = t("map.own.added", lang, name=typed)
        return self._save(seq, key, {**current, key: entry}, added, quiet=False)

    def _remove(self, message: RemoveMessage) -> Reply:
        seq, key, current = message["seq"], message["id"], self.value
        if key in self._actor_ids or not registry.is_own_stakeholder(key) or key not in current:
            return self._refused(seq, t("map.grid.unknown", self.lang))
        name = str(current[key].get("name", ""))
        candidate = {k: v for k, v in current.items() if k != key}
        return self._save(seq, key, candidate, t("map.own.removed", self.lang, name=name), quiet=False)

    # -- checking, saving, answering ---------------------------------------------------------------------
    def _save(self, seq: int | None, key: str, candidate: dict[str, Any], line: str, *, quiet: bool) -> Reply:
        """Check ``candidate`` against the answer registry, save it and show it; or refuse it, saying why."""
        candidate = self._ordered(clean_surrogates(candidate)[0], keep_all=True)  # as the store keeps it
        problems = registry.problems(MAP_KEY, candidate, self.case, self.lang)
        if problems:
            return self._refused(
                seq, t("map.grid.refused", self.lang, reason=problems[0].message), resend=quiet
            )
        if registry.clean(MAP_KEY, candidate, self.case) != candidate:  # fits the schema, not the case
            return self._refused(seq, t("map.grid.unknown", self.lang), resend=quiet)
        self._saving = True
        try:
            saved = candidate == self.placements or self.saver.save(MAP_KEY, candidate)
        finally:
            self._saving = False
        if not saved:
            return self._refused(seq, t("map.grid.not_saved", self.lang), resend=quiet)
        self._publish(candidate, quiet=quiet)
        shown = self.saver.status.value
        done: DoneReply = {
            "type": "done",
            "seq": seq,
            "id": key,
            "place": candidate.get(key),
            "message": line,
            "status": _plain(shown),
            "error": 'role="alert"' in shown,
        }
        return done

    def _status_changed(self, change: Mapping[str, Any]) -> None:
        """The status line changed between moves (a queued save stored, a retry, an import): the line
        beside the grid says it too. (A move's own answer carries the line as the save left it.)"""
        if self._saving:
            return
        try:
            line = str(change["new"])
            message: StatusMessage = {
                "type": "status",
                "status": _plain(line),
                "error": 'role="alert"' in line,
            }
            self.send(message)
        except Exception:  # the line under the grid says it anyway; the log keeps the details
            log.exception("the stakeholder grid could not show the status line")

    def _refused(self, seq: int | None, message: str, *, resend: bool = False) -> RefusedReply:
        """A refusal; with ``resend``, the front end gets the map again (it may show a move that was not
        saved)."""
        if resend:
            self.send_state("placements")
        return {"type": "refused", "seq": seq, "message": message[:600]}

    def _publish(self, value: dict[str, Any], *, quiet: bool) -> None:
        """``value`` as the grid's map. ``quiet``: every front end shows it already (the one that moved the
        stakeholder did so itself, the reply tells the others), so it is set as if it had come from the
        front end (:meth:`ipywidgets.Widget.set_state`): nothing is sent, and a page opened later still
        gets the map as it is."""
        if quiet:
            self.set_state({"placements": value})
        else:
            self.placements = value

    def _ordered(self, value: Mapping[str, Any], *, keep_all: bool = False) -> dict[str, Any]:
        """The map in a stable order: the case's stakeholders in the case's order, then the learner's own by
        number; anything else last (kept only with ``keep_all``: the registry then judges it)."""
        order = {key: n for n, key in enumerate(self._actor_ids)}

        def rank(key: str) -> tuple[int, int, str]:
            if key in order:
                return (0, order[key], "")
            if registry.is_own_stakeholder(key):
                return (1, int(key.rpartition("-")[2]), "")
            return (2, 0, key)

        known = {k: v for k, v in value.items() if keep_all or rank(k)[0] < 2}
        return {key: known[key] for key in sorted(known, key=rank)}
