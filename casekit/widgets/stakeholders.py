"""The stakeholder map: place the case's stakeholders, and one's own, on a power × interest grid.

Three parts a reader can take one at a time:

- :class:`MapGroup` and :func:`map_row`: the case's stakeholders, one row each (name, "Magt", "Interesse"),
  in groups under headings that fold away;
- :class:`OwnStakeholders`: the stakeholders a learner adds (the form, the name checks, a row each with a
  remove button);
- :class:`StakeholderMap`: both with the chart, the saver, and the loading of an imported map.

Saved under ``stakeholder-map`` as ``{actor id: {"power": 1–5, "interest": 1–5}}``; the learner's own as
``own-1``, ``own-2``… with also ``"name"`` (as typed, trimmed) and ``"at_table"`` (see
:mod:`casekit.registry`). The controls are in :attr:`Activity.inputs` under ``"<id>.power"``,
``"<id>.interest"``, ``"own-<n>.remove"``, ``"own.name"``, ``"own.at_table"``, ``"own.power"``,
``"own.interest"``, ``"own.add"`` and ``"fold.<group>"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget_description import DescriptionStyle

from casekit import registry
from casekit.answers import AnswerStore
from casekit.case import Actor, Case
from casekit.i18n import t
from casekit.widgets.base import (
    UNSET,
    WIDE,
    Activity,
    Saver,
    guarded,
    heading,
    intro,
    on_scale,
    paragraph,
    piece,
    scale_dropdown,
    scale_labels,
    status_html,
)

__all__ = [
    "MAP_KEY",
    "MapGroup",
    "MapLook",
    "OwnStakeholders",
    "StakeholderMap",
    "map_groups",
    "map_row",
    "own_name_problem",
    "stakeholder_map",
]

MAP_KEY = registry.STAKEHOLDER_MAP
AXES = ("power", "interest")


# -- the case's stakeholders ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapLook:
    """The layouts and the style every row of one map shares: compact, so that the name and both scales
    fit one row of the form column (11em + 2 × 15em)."""

    scale: W.Layout = field(default_factory=lambda: W.Layout(width="15em"))
    style: DescriptionStyle = field(default_factory=lambda: DescriptionStyle(description_width="5em"))
    label: W.Layout = field(default_factory=lambda: W.Layout(width="11em"))
    row: W.Layout = field(default_factory=lambda: W.Layout(flex_flow="row wrap", align_items="center"))


def map_groups(case: Case) -> list[tuple[str, list[Actor]]]:
    """The case's stakeholders in the map's groups (catalog key, actors): persons, roles and organisations
    at the table, then those who are not; an empty group is left out."""
    at_table = [a for a in case.actors if a.at_table]
    groups = [
        ("widgets.map.group.person", [a for a in at_table if a.kind == "person"]),
        ("widgets.map.group.role", [a for a in at_table if a.kind == "role"]),
        ("widgets.map.group.organisation", [a for a in at_table if a.kind in ("organisation", "group")]),
        ("widgets.map.group.absent", [a for a in case.actors if not a.at_table]),
    ]
    return [(key, actors) for key, actors in groups if actors]


def map_row(
    case: Case,
    look: MapLook,
    name: str,
    note: str,
    place: Mapping[str, Any],
    extra: Iterable[W.Widget] = (),
) -> tuple[W.HBox, W.Dropdown, W.Dropdown]:
    """A stakeholder's row: its bold name, then "Magt" and "Interesse" side by side (and ``extra``)."""
    lang, labels = case.lang, scale_labels(case.lang)
    shared = {"layout": look.scale, "style": look.style}
    power = scale_dropdown(t("widgets.map.power", lang), labels, place.get("power"), lang, **shared)
    interest = scale_dropdown(t("widgets.map.interest", lang), labels, place.get("interest"), lang, **shared)
    label = W.HTML(piece("actor_name", name=name, role=note), layout=look.label)
    row = W.HBox([label, power, interest, *extra], layout=look.row)
    row.add_class("casekit-map-row")
    return row, power, interest


class MapGroup(W.VBox):
    """One group of the map's stakeholders under its heading, one row per stakeholder, open; a button
    beside the heading folds it ("Skjul: Personer") and opens it again ("Vis: Personer (8)").

    The button says what it will do, so its name carries the state (an ipywidgets button has no
    ``aria-expanded``); folded rows are ``display: none``: out of the tab order and the accessibility tree.

    Attributes
    ----------
    fold : ipywidgets.Button
        Folds and opens the group.
    body : ipywidgets.VBox
        The rows.
    """

    def __init__(self, title: str, rows: list[W.Widget], lang: str) -> None:
        self.body = W.VBox(rows, layout=W.Layout(width="100%"))
        self._hide = t("widgets.map.fold.hide", lang, group=title)
        self._show = t("widgets.map.fold.show", lang, group=title, count=len(rows))
        self.fold = W.Button(description=self._hide, tooltip=self._hide, layout=W.Layout(width="auto"))
        self.fold.on_click(self._toggled)
        head = W.HBox(
            [heading(title, 3), self.fold], layout=W.Layout(align_items="center", flex_flow="row wrap")
        )
        head.add_class("casekit-map-group-head")
        super().__init__([head, self.body], layout=W.Layout(width="100%"))

    def _toggled(self, _button: Any) -> None:
        folding = self.body.layout.display != "none"
        self.body.layout.display = "none" if folding else None
        self.fold.description = self.fold.tooltip = self._show if folding else self._hide


# -- the learner's own stakeholders --------------------------------------------------------------------------
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


class OwnStakeholders:
    """The stakeholders a learner adds to the map: a form (name, at the table?, power, interest, "Tilføj"),
    a line that says what the form did, and a row per stakeholder with its remove button.

    Parameters
    ----------
    case : Case
    look : MapLook
        The rows' shared layouts.
    inputs : dict
        The map's controls: this part adds and removes its own (``"own-1.power"``, ``"own.add"``…).
    changed : callable
        Called after every change of a placement, an addition or a removal (the map saves and redraws).
    guard : callable
        Wraps the buttons' callbacks (see :func:`casekit.widgets.base.guarded`).

    Attributes
    ----------
    entries : dict
        ``{"own-1": {"name": …, "at_table": …}, …}``: the learner's own, in the order they were added.
    section : ipywidgets.VBox
        The heading, the form, the line and the rows.
    """

    def __init__(
        self,
        case: Case,
        look: MapLook,
        inputs: dict[str, W.Widget],
        changed: Callable[..., None],
        guard: Callable[[Callable[..., None]], Callable[..., None]],
    ) -> None:
        self.case, self.lang, self.look = case, case.lang, look
        self.inputs, self.changed = inputs, changed
        self._actor_ids = {a.id for a in case.actors}
        self.entries: dict[str, dict[str, Any]] = {}
        self._rows: dict[str, W.HBox] = {}
        self.rows = W.VBox(layout=W.Layout(width="100%"))
        self.message = W.HTML()
        lang = self.lang
        self.name_box = W.Text(
            description=t("map.own.name", lang),
            placeholder=t("map.own.placeholder", lang),
            style={"description_width": "6em"},
            layout=W.Layout(width="24em"),
        )
        self.at_table = W.Dropdown(
            options=[(t("map.own.yes", lang), True), (t("map.own.no", lang), False)],
            value=True,
            description=t("map.own.at_table", lang),
            style={"description_width": "7em"},
        )
        labels = scale_labels(lang)
        self.power = scale_dropdown(t("widgets.map.power", lang), labels, None, lang)
        self.interest = scale_dropdown(t("widgets.map.interest", lang), labels, None, lang)
        self.add = W.Button(description=t("map.own.add", lang), layout=W.Layout(width="auto"))
        self.add.on_click(guard(self.added))
        self._remove = guard(self.removed)
        form = W.HBox(
            [self.name_box, self.at_table, self.power, self.interest, self.add],
            layout=W.Layout(flex_flow="row wrap", width="100%"),
        )
        self.section = W.VBox(
            [
                heading(t("map.own.heading", lang), 3),
                paragraph(t("map.own.intro", lang)),
                form,
                self.message,
                self.rows,
            ],
            layout=WIDE,
        )
        self.section.add_class("casekit-map-own")

    def show_saved(self, saved: Mapping[str, Mapping[str, Any]]) -> None:
        """The rows of the learner's own stakeholders in a saved map; then the form's controls in
        :attr:`inputs` (after the rows, as they always were)."""
        for key, place in saved.items():
            if key not in self._actor_ids:
                self._put(key, place)
        self._show()
        form = (self.name_box, self.at_table, self.power, self.interest, self.add)
        names = ("name", "at_table", "power", "interest", "add")
        self.inputs.update({f"own.{name}": control for name, control in zip(names, form, strict=True)})

    def value(self) -> dict[str, dict[str, Any]]:
        """The learner's own as saved: every one named, placed or not."""
        value = {}
        for key, entry in self.entries.items():
            p, i = self.inputs[f"{key}.power"].value, self.inputs[f"{key}.interest"].value
            value[key] = {**entry, "power": p or None, "interest": i or None}
        return value

    def added(self, _button: Any = None) -> None:
        """ "Tilføj": a new row under the first free key, if the name passes the checks; else say why."""
        lang = self.lang
        typed = self.name_box.value.strip()
        taken = [e["name"] for e in self.entries.values()] + [a.name for a in self.case.actors]
        problem = own_name_problem(typed, taken, len(self.entries), lang)
        free = (registry.own_stakeholder_key(n) for n in range(1, registry.OWN_STAKEHOLDERS_MAX + 1))
        key = next((k for k in free if k not in self.entries and k not in self._actor_ids), None)
        if problem is None and key is None:
            problem = t("map.own.too_many", lang, limit=registry.OWN_STAKEHOLDERS_MAX)
        if problem is not None or key is None:
            self.message.value = status_html(problem or "", error=True)
            return
        place = {"power": self.power.value or None, "interest": self.interest.value or None}
        self._put(key, {"name": typed, "at_table": bool(self.at_table.value), **place})
        self._show()
        self.name_box.value, self.power.value, self.interest.value = "", UNSET, UNSET
        self.message.value = status_html(t("map.own.added", lang, name=typed))
        self.changed()
        self.name_box.focus()  # ready for the next one; the status line says this one was added

    def removed(self, key: str) -> None:
        """A row's remove button: the stakeholder leaves the map."""
        entry = self._drop(key)
        if entry is None:
            return
        self._show()
        self.message.value = status_html(t("map.own.removed", self.lang, name=entry["name"]))
        self.changed()
        self.name_box.focus()  # the removed row's button took the focus with it: keep it in the form

    def load(self, placements: Mapping[str, Mapping[str, Any]]) -> None:
        """The learner's own as an imported map has them: rows gone, new or renamed, placements set."""
        for key in [k for k in self.entries if k not in placements]:
            self._drop(key)
        for key, place in placements.items():
            if key in self._actor_ids:
                continue
            if self.entries.get(key) != {"name": place["name"], "at_table": place["at_table"]}:
                self._drop(key)  # new, or renamed: a new row
                self._put(key, place)
                continue
            for axis in AXES:
                self.inputs[f"{key}.{axis}"].value = on_scale(place.get(axis))
        self._show()

    def _put(self, key: str, place: Mapping[str, Any]) -> None:
        """A row for ``key`` with the name, the table and the placement in ``place``; its controls in
        :attr:`inputs`."""
        entry = self.entries[key] = {"name": place["name"], "at_table": place["at_table"]}
        lang = self.lang
        remove = W.Button(
            description=t("map.own.remove", lang, name=entry["name"]), layout=W.Layout(width="auto")
        )
        where = t("map.own.yes" if entry["at_table"] else "map.own.no", lang)
        row, power, interest = map_row(self.case, self.look, entry["name"], where, place, [remove])
        self.inputs.update({f"{key}.power": power, f"{key}.interest": interest, f"{key}.remove": remove})
        power.observe(self.changed, names="value")
        interest.observe(self.changed, names="value")
        remove.on_click(lambda _button: self._remove(key))
        self._rows[key] = row

    def _drop(self, key: str) -> dict[str, Any] | None:
        entry = self.entries.pop(key, None)
        self._rows.pop(key, None)
        for part in ("power", "interest", "remove"):
            self.inputs.pop(f"{key}.{part}", None)
        return entry

    def _show(self) -> None:
        rows = [row for key, row in self._rows.items() if key in self.entries]
        self.rows.children = rows or [W.HTML(piece("hint", text=t("map.own.none", self.lang)))]


# -- the map -------------------------------------------------------------------------------------------------
class StakeholderMap:
    """The map's parts together: the case's groups, the learner's own, the chart, the saver.

    Attributes
    ----------
    activity : Activity
        What :func:`stakeholder_map` returns.
    """

    def __init__(self, case: Case, store: AnswerStore | None) -> None:
        from casekit import (
            charts,  # matplotlib only when a map is drawn, not when casekit.widgets is imported
        )

        self.case, self.lang, self._charts = case, case.lang, charts
        self.saver = saver = Saver(store, case)
        self.changed = guarded(self.lang, saver.status)(self._changed)
        saved = saver.restore(MAP_KEY)
        saved = dict(saved) if isinstance(saved, Mapping) else {}  # cut to what fits by Saver.restore
        look = MapLook()
        self.inputs: dict[str, W.Widget] = {}
        groups = [self._group(key, actors, look, saved) for key, actors in map_groups(case)]
        self.chart = W.HTML(charts.stakeholder_map(case, saved).to_html(), layout=WIDE)
        self.own = OwnStakeholders(case, look, self.inputs, self.changed, guarded(self.lang, saver.status))
        self.own.show_saved(saved)
        saver.follow(MAP_KEY, self.load)
        for actor in case.actors:
            for axis in AXES:
                self.inputs[f"{actor.id}.{axis}"].observe(self.changed, names="value")
        self.activity = self._layout(groups)

    def _group(self, key: str, actors: list[Actor], look: MapLook, saved: Mapping[str, Any]) -> MapGroup:
        rows: list[W.Widget] = []
        for actor in actors:
            row, power, interest = map_row(self.case, look, actor.name, actor.role, saved.get(actor.id, {}))
            self.inputs[f"{actor.id}.power"], self.inputs[f"{actor.id}.interest"] = power, interest
            rows.append(row)
        group = MapGroup(t(key, self.lang), rows, self.lang)
        self.inputs[f"fold.{key.rpartition('.')[2]}"] = group.fold
        return group

    def current(self) -> dict[str, dict[str, Any]]:
        """The map as the controls show it: the case's placed stakeholders, then the learner's own."""
        value: dict[str, dict[str, Any]] = {}
        for actor in self.case.actors:
            p, i = self.inputs[f"{actor.id}.power"].value, self.inputs[f"{actor.id}.interest"].value
            if p or i:
                value[actor.id] = {"power": p or None, "interest": i or None}
        value.update(self.own.value())  # kept even when not placed: the learner named them
        return value

    def _changed(self, _change: Any = None) -> None:
        """A placement, an addition or a removal: save the map and draw it again (as :attr:`changed`,
        guarded: a failure is a line, not a traceback)."""
        if self.saver.loading:  # :meth:`load` draws once at the end
            return
        value = self.current()
        self.saver.save(MAP_KEY, value)
        self.chart.value = self._charts.stakeholder_map(self.case, value).to_html()

    def load(self, value: Any) -> None:
        """An imported map into the controls (see :meth:`Saver.follow`); nothing is saved again."""
        placements = dict(value) if isinstance(value, Mapping) else {}
        for actor in self.case.actors:
            place = placements.get(actor.id, {})
            for axis in AXES:
                self.inputs[f"{actor.id}.{axis}"].value = on_scale(place.get(axis))
        self.own.load(placements)
        self.chart.value = self._charts.stakeholder_map(self.case, self.current()).to_html()

    def _layout(self, groups: list[MapGroup]) -> Activity:
        case, lang, saver = self.case, self.lang, self.saver
        title = piece("heading", text=t("widgets.map.relations_heading", lang), level=3)
        relations = W.HTML(title + self._charts.relations_diagram(case).to_html(), layout=WIDE)
        # 22em + 41em: side by side where the map has 63em, a row of the form (name, Magt, Interesse) whole.
        chart_column = W.VBox([self.chart, saver.status], layout=W.Layout(flex="1 1 22em", min_width="18em"))
        chart_column.add_class("casekit-map-chart")
        group_box = W.VBox(groups, layout=WIDE)
        group_box.add_class("casekit-map-groups")
        # The chart beside the controls on a wide screen (sticky: it stays in view), above them on a narrow
        # one; the learner's own stakeholders are in the same column as the case's, so the chart is in view
        # while they are added too.
        form = W.VBox([group_box, self.own.section], layout=W.Layout(flex="1 1 41em", min_width="20em"))
        body = W.HBox(
            [chart_column, form],
            layout=W.Layout(flex_flow="row wrap", width="100%", align_items="flex-start"),
        )
        body.add_class("casekit-map-body")
        hint = W.HTML(piece("hint", text=t("map.hint", lang)), layout=WIDE)
        box = W.VBox([*intro(case, MAP_KEY), hint, body], layout=WIDE)
        box.add_class("casekit-map-box")
        style = W.HTML(piece("map_style"))
        activity = Activity(MAP_KEY, [style, box, relations], self.inputs, saver.status, self.chart)
        activity.add_class("casekit-map")
        return activity


def stakeholder_map(case: Case, store: AnswerStore | None) -> Activity:
    """Place the stakeholders on a power × interest grid; the chart redraws on each change.

    A learner leaves out those they find irrelevant (not placing them is enough) and can add stakeholders
    the case does not name. Saved under ``stakeholder-map`` as ``{actor id: {"power": 1–5, "interest":
    1–5}}``, the learner's own as ``own-1``, ``own-2``… with also ``"name"`` (as typed, trimmed) and
    ``"at_table"`` (see :mod:`casekit.registry`).
    """
    return StakeholderMap(case, store).activity
