"""The learner's own charts: the stakeholder map (the power–interest grid), where the speakers stand
between one common goal and room for different goals, and the learner's positions on the dilemmas.

Each is a pure function from the case and one learner's answers to a :class:`~casekit.charts.Chart`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from casekit import registry
from casekit.charts._figure import (
    AXIS_PT,
    LINE_H,
    OKABE_ITO,
    Chart,
    Sketch,
    build,
    case_actor,
    fig_text,
    goal_placements,
    join_names,
    own_actor,
    scale_point,
    speaking,
    table_frame,
    truncate,
    width_in,
    wrap,
)
from casekit.charts._rows import COUNT_X, Rows, goal_poles, goal_rows
from casekit.charts.grid import ABSENT, AT_TABLE, BAND, COL_W, ORIGIN, QUADRANTS, Grid, quadrant_of
from casekit.errors import ChartDataError
from casekit.i18n import t
from casekit.naming import dilemma_label, dilemma_number
from casekit.registry import SCALE

if TYPE_CHECKING:
    from casekit.case import Actor, Case

__all__ = ["dilemma_positions", "goal_divergence", "stakeholder_map"]

# -- stakeholder map: the power–interest grid ---------------------------------------------------------------

_CELL_PAD = 0.08  # inches: a cell's padding
_PLACEMENT = OKABE_ITO["blue"]


def _name_lines(actor: Actor) -> tuple[str, ...]:
    """An actor's name wrapped to the room beside its marker in a cell."""
    return wrap(fig_text(actor.name), COL_W - 2 * _CELL_PAD - 0.3)


def stakeholder_map(case: Case, placements: Mapping[str, Mapping[str, int]]) -> Chart:
    """The learner's power–interest grid (Bryson 2004; Mendelow).

    Interest runs across and power up, both on :data:`SCALE`. The grid splits at 3 (3 and above counts as
    high) into four quadrants labelled in the learner's language: manage closely, keep satisfied, keep
    informed and monitor. Each placed actor is a marker with its name; several actors in one cell are
    stacked, and a power row grows to fit its fullest cell, so no name covers another. Actors not at the
    table are diamonds, the others circles, with a key above the grid.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language of every word.
    placements : Mapping[str, Mapping[str, int]]
        Actor id -> ``{"power": 1..5, "interest": 1..5}``. An actor left out (or with a ``None`` value)
        is "not placed yet": counted under the grid, named in the alt text and the table, not drawn.

    Returns
    -------
    Chart
        Table columns: name, power, interest, quadrant, at the table; one row per actor in case order.

    Raises
    ------
    ChartDataError
        (a ValueError) For an unknown actor id, a value outside 1–5, or an entry that is not a
        power/interest mapping.
    """
    func = "stakeholder_map"
    if not isinstance(placements, Mapping):
        raise ChartDataError(f"{func}: placements must be a mapping of actor id to power and interest")
    placed: dict[str, tuple[int, int]] = {}
    own: list[Actor] = []
    known = {a.id for a in case.actors}
    for actor_id, entry in placements.items():
        if not isinstance(entry, Mapping):
            raise ChartDataError(
                f"{func}: the placement of {actor_id!r} must be a mapping with power and interest"
            )
        fields: tuple[str, ...] = ("power", "interest")
        if actor_id not in known and registry.is_own_stakeholder(actor_id) and "name" in entry:
            own.append(own_actor(actor_id, entry, func))
            fields += ("name", "at_table")
        else:
            case_actor(case, actor_id, func)
        extra = sorted(str(k) for k in entry if k not in fields)
        if extra:
            raise ChartDataError(f"{func}: the placement of {actor_id!r} has unknown keys {extra}")
        power = scale_point(entry.get("power"), f"{func}: the power of {actor_id!r}")
        interest = scale_point(entry.get("interest"), f"{func}: the interest of {actor_id!r}")
        if power is not None and interest is not None:
            placed[actor_id] = (power, interest)
    return build(_draw_stakeholder_map, case, placed, tuple(own))


def _draw_stakeholder_map(
    case: Case, placed: Mapping[str, tuple[int, int]], own: tuple[Actor, ...] = ()
) -> Chart:
    """The grid, the stacked names, the marker key and the not-placed note; the alt text and the table.

    ``own`` are the learner's own stakeholders: drawn like the others, marked as theirs in the alt text
    and the table.
    """
    lang, actors = case.lang, (*case.actors, *own)
    own_ids = {a.id for a in own}

    def marked(actor: Actor) -> str:
        return t("map.own.marker", lang, name=actor.name) if actor.id in own_ids else actor.name

    cells: dict[tuple[int, int], list[Actor]] = {}
    for actor in actors:
        if actor.id in placed:
            cells.setdefault(placed[actor.id], []).append(actor)
    heights = {}  # each power row as tall as its fullest cell, with bands for the quadrant labels
    for power in SCALE:
        stacks = [s for s in (cells.get((power, i)) for i in SCALE) if s]
        need = [sum(len(_name_lines(a)) for a in s) * LINE_H + 0.05 * (len(s) - 1) + 0.22 for s in stacks]
        heights[power] = max([0.8, *need]) + (BAND if power in (SCALE[0], SCALE[-1]) else 0.0)
    bottom = ORIGIN
    row = {p: bottom + sum(heights[q] for q in SCALE if q < p) for p in SCALE}
    grid = Grid(row, heights, bottom + sum(heights.values()))
    title = t("chart.stakeholder.title", lang)
    sketch = Sketch(grid.right + 0.3, grid.top + 1.0, title)
    grid.draw(sketch, lang)
    points: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for (power, interest), stack in cells.items():
        x = grid.col(interest) + _CELL_PAD
        y = row[power] + heights[power] - _CELL_PAD - 0.03 - (BAND if power == SCALE[-1] else 0)
        for actor in stack:
            lines = _name_lines(actor)
            points[actor.at_table].append((x + 0.13, y - 0.105))
            sketch.text(x + 0.3, y, "\n".join(lines), va="top", gid="casekit-actor-label", label=actor.id)
            y -= len(lines) * LINE_H + 0.05
    for at_table, gid, style in ((True, "at-table", AT_TABLE), (False, "absent", ABSENT)):
        if points[at_table]:
            sketch.markers(points[at_table], f"casekit-actors-{gid}", style)
    x, y = grid.right, grid.top + 0.25
    for style, key in ((ABSENT, "legend_absent"), (AT_TABLE, "legend_at_table")):  # the key, right to left
        label = fig_text(t(f"chart.stakeholder.{key}", lang))
        sketch.text(x, y, label, ha="right", va="center", gid="casekit-legend")
        x -= width_in(label) + 0.22
        sketch.markers([(x, y)], "casekit-key", style)
        x -= 0.45
    missing = [a.name for a in actors if a.id not in placed]
    if missing:
        note = t("chart.stakeholder.note_not_placed", lang, count=len(missing), total=len(actors))
        sketch.text(0.3, 0.15, fig_text(note), va="bottom", gid="casekit-note")
    parts = [t("chart.stakeholder.alt", lang, placed=len(placed), total=len(actors))]
    for key in QUADRANTS:
        names = join_names(
            [marked(a) for a in actors if a.id in placed and quadrant_of(*placed[a.id]) == key], lang
        )
        if key in {quadrant_of(*p) for p in placed.values()}:
            parts.append(
                t(
                    "chart.stakeholder.alt_quadrant",
                    lang,
                    quadrant=t(f"chart.quadrant.{key}", lang),
                    names=names,
                )
            )
    absent = [marked(a) for a in actors if a.id in placed and not a.at_table]
    if absent:
        parts.append(t("chart.stakeholder.alt_absent", lang, names=join_names(absent, lang)))
    if missing:
        missing = [marked(a) for a in actors if a.id not in placed]
        parts.append(
            t("chart.stakeholder.alt_not_placed", lang, count=len(missing), names=join_names(missing, lang))
        )
    if own:
        parts.append(t("map.own.alt", lang, names=join_names([a.name for a in own], lang)))
    rows: list[tuple[object, ...]] = []
    for actor in actors:
        cell = placed.get(actor.id)
        quadrant = t(f"chart.quadrant.{quadrant_of(*cell)}" if cell else "chart.not_placed", lang)
        yes_no = t("chart.yes" if actor.at_table else "chart.no", lang)
        rows.append((marked(actor), *(cell or (None, None)), quadrant, yes_no))
    table = table_frame(lang, ("name", "power", "interest", "quadrant", "at_table"), rows, ints=(1, 2))
    return Chart(sketch.figure, title, " ".join(parts), table, lang)


# -- rows of items on the 1–5 scale: goal divergence, dilemma positions ---------------------------------


def goal_divergence(case: Case, placements: Mapping[str, int]) -> Chart:
    """Where the learner places each speaker between one common goal (1) and room for different goals (5).

    One row per speaking actor (``actor.speaks``), in case order, with the learner's placement as a
    marker; an actor not placed yet says so in its row. The count of the actor's quotes in the text
    stands at the right, and the table names the paragraphs they are in, as evidence to reread.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    placements : Mapping[str, int]
        Speaking actor id -> 1..5; an actor left out (or ``None``) is not placed.

    Returns
    -------
    Chart
        Table columns: name, position, number of quotes, the paragraphs of the quotes (``del-2 ¶2``).

    Raises
    ------
    ChartDataError
        (a ValueError) For an unknown actor id, an actor who does not speak, or a value outside 1–5.
    """
    placed = goal_placements(case, placements, "goal_divergence")
    return build(_draw_goal_divergence, case, placed)


def _draw_goal_divergence(case: Case, placed: Mapping[str, int]) -> Chart:
    """The rows with a marker per placement and the quote counts, with the alt text and the table."""
    lang, speakers = case.lang, speaking(case)
    quotes: dict[str, list[str]] = {}
    for block in case.utterances:
        quotes.setdefault(block.speaker or "", []).append(case.cite(block.ref))
    title = t("chart.goals.title", lang)
    rows, sketch = goal_rows(case, title, t("chart.goals.quotes_header", lang))
    points = []
    for row, actor in enumerate(speakers):
        if actor.id in placed:
            points.append((rows.x(placed[actor.id]), rows.y(row)))
        else:
            text = fig_text(t("chart.not_placed", lang))
            sketch.text(
                rows.x(3), rows.y(row) + 0.07, text, ha="center", va="bottom", gid="casekit-not-placed"
            )
        count = str(len(quotes.get(actor.id, [])))
        sketch.text(COUNT_X, rows.y(row), count, ha="center", va="center", gid="casekit-count")
    if points:
        sketch.markers(points, "casekit-placements", ("o", _PLACEMENT, 15))
    table_rows = [
        (
            a.name,
            placed.get(a.id),
            len(quotes.get(a.id, [])),
            join_names(list(dict.fromkeys(quotes.get(a.id, []))), lang),
        )
        for a in speakers
    ]
    table = table_frame(lang, ("name", "position", "quotes", "refs"), table_rows, ints=(1, 2))
    left, right = goal_poles(case)
    parts = [t("chart.goals.alt", lang, placed=len(placed), total=len(speakers), left=left, right=right)]
    for actor in speakers:
        position = str(placed[actor.id]) if actor.id in placed else t("chart.not_placed", lang)
        parts.append(t("chart.goals.alt_item", lang, name=actor.name, position=position))
    return Chart(sketch.figure, title, " ".join(parts), table, lang)


def dilemma_positions(
    case: Case, positions: Mapping[str, int | None], poles: Mapping[str, tuple[str, str]]
) -> Chart:
    """The learner's position on each ethical dilemma, between two poles the learner named.

    One row per dilemma key in ``positions`` or ``poles`` (``dilemma-1``…, in number order): a 1–5 line
    with the learner's left pole under 1 and right pole under 5, and a marker at the position. Pole text
    is the learner's own: in the figure it is cut to about 40 characters with "…", drawn as plain text
    ("$" and "<" are just characters, a character the font lacks shows as □); the alt text and the table
    keep it whole.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    positions : Mapping[str, int | None]
        Dilemma key -> 1..5, or ``None`` when not placed yet.
    poles : Mapping[str, tuple[str, str]]
        Dilemma key -> (left pole, right pole) as the learner wrote them.

    Returns
    -------
    Chart
        Table columns: dilemma, pole at 1, position, pole at 5.

    Raises
    ------
    ChartDataError
        (a ValueError) For a position outside 1–5, or poles that are not a pair of texts.
    """
    checked = {
        str(k): scale_point(v, f"dilemma_positions: the position of {k!r}") for k, v in positions.items()
    }
    pairs: dict[str, tuple[str, str]] = {}
    for key, pair in poles.items():
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ChartDataError(
                f"dilemma_positions: the poles of {key!r} must be a pair (left, right), got {pair!r}"
            )
        pairs[str(key)] = (str(pair[0] or ""), str(pair[1] or ""))
    keys = sorted(set(checked) | set(pairs), key=dilemma_number)
    return build(_draw_dilemmas, case, keys, checked, pairs)


def _draw_dilemmas(
    case: Case, keys: Sequence[str], positions: Mapping[str, int | None], poles: Mapping[str, tuple[str, str]]
) -> Chart:
    """A 1–5 line per dilemma with the poles under its ends, with the alt text and the table."""
    lang = case.lang
    title, no_pole, not_placed = (
        t(f"chart.{k}", lang) for k in ("dilemma.title", "dilemma.no_pole", "not_placed")
    )
    rows = Rows(max(len(keys), 1), 1.5, 2.3, 10.7, top=0.95, bottom=0.25)
    sketch = rows.sketch(title)
    pole_w = (rows.x1 - rows.x0) / 2 - 0.3
    points, ticks, guides = [], [], []
    for i, key in enumerate(keys):
        y = rows.y(i) + 0.2
        label = fig_text(dilemma_label(key, lang))
        sketch.text(0.35, y, label, bold=True, va="center", gid="casekit-row-label")
        guides.append([(rows.x0, y), (rows.x1, y)])
        for point in SCALE:
            ticks.append([(rows.x(point), y - 0.08), (rows.x(point), y + 0.08)])
            sketch.text(rows.x(point), y + 0.16, str(point), ha="center", va="bottom", gid="casekit-scale")
        position = positions.get(key)
        if position is None:
            sketch.text(0.35, y - 0.3, fig_text(not_placed), va="top", gid="casekit-not-placed")
        else:
            points.append((rows.x(position), y))
        for text, x, ha in zip(
            poles.get(key, ("", "")), (rows.x0 - 0.1, rows.x1 + 0.1), ("left", "right"), strict=True
        ):
            lines = wrap(fig_text(truncate(text) if text.strip() else no_pole), pole_w, AXIS_PT)[:2]
            sketch.text(x, y - 0.3, "\n".join(lines), size=AXIS_PT, ha=ha, va="top", gid="casekit-pole")
    sketch.lines(guides, alpha=0.6, width=2.0)
    sketch.lines(ticks, alpha=0.6, width=1.5)
    if points:
        sketch.markers(points, "casekit-placements", ("o", _PLACEMENT, 16))
    table_rows, parts = [], [t("chart.dilemma.alt", lang, count=len(keys))]
    for key in keys:
        (left, right), position, dilemma = (
            poles.get(key, ("", "")),
            positions.get(key),
            dilemma_label(key, lang),
        )
        table_rows.append((dilemma, left, position, right))
        parts.append(
            t(
                "chart.dilemma.alt_item",
                lang,
                dilemma=dilemma,
                position=not_placed if position is None else str(position),
                left=" ".join(left.split()) or no_pole,
                right=" ".join(right.split()) or no_pole,
            )
        )
    table = table_frame(lang, ("dilemma", "left_pole", "position", "right_pole"), table_rows, ints=(2,))
    return Chart(sketch.figure, title, " ".join(parts), table, lang)
