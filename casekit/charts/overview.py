"""The class's overview on one power–interest grid: for every stakeholder the class placed, a marker at the
class's median and lines over the middle half of its placements, named in large type that nothing covers.

Made for the classroom screen: a 16:8.4 figure, so it fills a 16:9 projector with the report's heading
above it, its names at 18 pt (about 29 px on a 1920×1080 screen and 20 px at 1366×768), and every name put
where no other name, marker or quadrant label is (:mod:`casekit.charts._place`), with a line to its
marker when it had to move away. The detail of each stakeholder is :func:`casekit.charts.stakeholder_spread`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.patches import Rectangle

from casekit.charts._figure import (
    WHITE,
    Chart,
    Sketch,
    build,
    fig_text,
    table_frame,
    width_in,
    wrap,
)
from casekit.charts._place import Box, Layout
from casekit.charts.grid import ABSENT, AT_TABLE, QUADRANTS, Grid, class_points, quadrant_of
from casekit.i18n import format_number, t
from casekit.registry import SCALE

if TYPE_CHECKING:
    from casekit.case import Actor, Case

__all__ = ["stakeholder_overview"]

WIDTH, HEIGHT = 16.0, 8.4  # inches: the proportions of a 16:9 screen less the report's heading
NAME_PT = (18.0, 16.0, 14.0)  # the names' size, and the smaller sizes tried if a crowded grid needs them
_ZOOM = 1.3  # the grid's own words (quadrants, scale, axes), this much larger than on a learner's map
_TITLE_PT, _KEY_PT = 24.0, 16.0
_LEFT, _RIGHT, _BOTTOM, _TOP = 1.5, WIDTH - 0.25, 1.35, HEIGHT - 0.85  # the grid's edges
_BAND = 0.5  # room above and below the cells for the quadrant labels
_NAME_W = 2.6  # inches: a name wraps to this width
_PAD = 0.04  # inches around a name inside its white box
_DOT = 0.13  # inches: half the room a marker takes
_GAP, _LEADER = _DOT + 0.03, 0.2  # inches from a marker: its name's nearest; farther, a line joins them
_DODGE_X, _DODGE_Y = 0.3, 0.27  # inches between the markers of stakeholders with the same median
_AT_TABLE = (AT_TABLE[0], AT_TABLE[1], 14.0)  # the grid's markers, larger: seen from the back of a room
_ABSENT = (ABSENT[0], ABSENT[1], 12.5)


@dataclass(frozen=True)
class _Mark:
    """One stakeholder on the overview: the class's median and middle half on each axis, and how many."""

    actor: Actor
    own: bool
    power: float
    interest: float
    power_range: tuple[float, float]
    interest_range: tuple[float, float]
    n: int


def _middle_half(values: Sequence[int]) -> tuple[float, float]:
    """The lower and upper hinge (Tukey): the medians of the lower and the upper half, each with the
    median when the count is odd. On the 1–5 scale they are whole or halves, like the median."""
    ordered = sorted(values)
    half = (len(ordered) + 1) // 2
    return statistics.median(ordered[:half]), statistics.median(ordered[-half:])


def stakeholder_overview(case: Case, placements: Sequence[Mapping[str, Mapping[str, Any]]]) -> Chart:
    """Every stakeholder a class placed, on one power–interest grid: the class's median and spread.

    Interest runs across and power up, both 1–5, split at 3 into the four quadrants of
    :func:`stakeholder_map`. Each stakeholder anyone placed is one marker at the class's median on both
    axes (a circle at the table, a diamond not), with lines across and up over the middle half of the
    class's placements (lower to upper hinge), and its name in a white box where no other name, marker
    or quadrant label is, joined to its marker by a line when it had to move away from it.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    placements : Sequence[Mapping[str, Mapping[str, int]]]
        One stakeholder map per learner, as for :func:`stakeholder_spread`: actor id ->
        ``{"power", "interest"}``; a stakeholder learners added ``own-1``… -> ``{"name", "at_table",
        "power", "interest"}``, grouped by the name trimmed and case-folded. The caller picks which added
        stakeholders to show (the class report: those several learners placed).

    Returns
    -------
    Chart
        Table: one row per stakeholder shown, in case order then the learners' own: name, how many
        placed it, the median and the middle half of power and of interest, the median's quadrant.

    Raises
    ------
    ChartDataError
        (a ValueError) For an unknown actor id, a value outside 1–5, or answers that are not a sequence
        of mappings of placements.
    """
    found = class_points(case, placements, "stakeholder_overview")
    order = {a.id: n for n, a in enumerate(case.actors)}
    keys = sorted(found, key=lambda k: (k[0], order.get(k[1], 0) if not k[0] else 0))
    marks = []
    for key in keys:
        actor, points = found[key]
        if points:
            powers, interests = [p for p, _ in points], [i for _, i in points]
            marks.append(
                _Mark(
                    actor,
                    key[0],
                    statistics.median(powers),
                    statistics.median(interests),
                    _middle_half(powers),
                    _middle_half(interests),
                    len(points),
                )
            )
    return build(_draw, case, marks, len(placements))


_ROW_H = (_TOP - _BOTTOM - 2 * _BAND) / len(SCALE)


def _grid() -> Grid:
    row = {p: _BOTTOM + _BAND + _ROW_H * (p - SCALE[0]) for p in SCALE}
    return Grid(row, dict.fromkeys(SCALE, _ROW_H), _TOP, _LEFT, _BOTTOM, (_RIGHT - _LEFT) / len(SCALE))


def _at(grid: Grid, power: float, interest: float) -> tuple[float, float]:
    """Where a point of the scale is on the figure: the middle of its cell, or between two cells."""
    return grid.col(interest) + grid.col_w / 2, _BOTTOM + _BAND + _ROW_H * (power - SCALE[0] + 0.5)


def _dodged(grid: Grid, marks: Sequence[_Mark]) -> list[tuple[float, float]]:
    """Each marker's place: its median, with markers of the same median side by side around it (up to
    five in a row, rows above one another), so every stakeholder's marker is seen."""
    groups: dict[tuple[float, float], list[int]] = {}
    for n, m in enumerate(marks):
        groups.setdefault((m.power, m.interest), []).append(n)
    dots: list[tuple[float, float]] = [(0.0, 0.0)] * len(marks)
    for (power, interest), members in groups.items():
        x, y = _at(grid, power, interest)
        per_row = min(len(members), 5)
        rows = -(-len(members) // per_row)
        for k, n in enumerate(members):
            row, col = divmod(k, per_row)
            in_row = min(per_row, len(members) - row * per_row)
            dots[n] = (x + (col - (in_row - 1) / 2) * _DODGE_X, y + ((rows - 1) / 2 - row) * _DODGE_Y)
    return dots


def _names(marks: Sequence[_Mark], dots: Sequence[tuple[float, float]], quadrant_boxes: list[Box]) -> Any:
    """Each name's lines, size and box: placed crowded markers first, at the largest size that fits all."""
    area = Box(_LEFT + 0.04, _BOTTOM + 0.04, _RIGHT - 0.04, _TOP - 0.04)
    dot_boxes = [Box.around(x, y, 2 * _DOT, 2 * _DOT) for x, y in dots]

    def crowd(n: int) -> int:
        x, y = dots[n]
        return sum(abs(x - a) < 1.5 and abs(y - b) < 0.8 for a, b in dots)

    order = sorted(range(len(marks)), key=lambda n: (-crowd(n), n))
    for size in NAME_PT:
        layout = Layout(area, [*quadrant_boxes, *dot_boxes])
        line_h = size * 1.2 * 1.16 / 72
        placed: dict[int, tuple[tuple[str, ...], float, Box]] = {}
        for n in order:
            lines = wrap(fig_text(marks[n].actor.name), _NAME_W, size)
            w = max(width_in(line, size) for line in lines) + 2 * _PAD
            h = len(lines) * line_h + 2 * _PAD
            box = layout.place(*dots[n], w, h, _GAP, _LEADER)
            if box is None:
                break
            placed[n] = (lines, size, box)
        else:
            return [placed[n] for n in range(len(marks))]
    # Never expected (the grid holds far more names than a case has): the smallest size, beside the marker.
    return [
        placed.get(n)
        or (
            wrap(fig_text(m.actor.name), _NAME_W, NAME_PT[-1]),
            NAME_PT[-1],
            Box(dots[n][0] + _DOT, dots[n][1] - 0.2, dots[n][0] + _DOT + _NAME_W, dots[n][1] + 0.2),
        )
        for n, m in enumerate(marks)
    ]


def _draw(case: Case, marks: Sequence[_Mark], answers: int) -> Chart:
    """The grid, the spread lines, the markers, the placed names and the key; the alt text and the table."""
    lang = case.lang
    title = t("class.chart.overview.title", lang)
    sketch = Sketch(WIDTH, HEIGHT, title, _TITLE_PT)
    grid = _grid()
    quadrants = [Box(*e) for e in grid.draw(sketch, lang, "casekit-scale", _ZOOM)]
    dots = _dodged(grid, marks)
    spread, caps = [], []
    for m, (x, y) in zip(marks, dots, strict=True):
        (x0, _), (x1, _) = _at(grid, 1, m.interest_range[0]), _at(grid, 1, m.interest_range[1])
        (_, y0), (_, y1) = _at(grid, m.power_range[0], 1), _at(grid, m.power_range[1], 1)
        if x1 > x0:
            spread.append([(x0, y), (x1, y)])
            caps += [[(x0, y - 0.07), (x0, y + 0.07)], [(x1, y - 0.07), (x1, y + 0.07)]]
        if y1 > y0:
            spread.append([(x, y0), (x, y1)])
            caps += [[(x - 0.07, y0), (x + 0.07, y0)], [(x - 0.07, y1), (x + 0.07, y1)]]
    if spread:
        sketch.lines(spread + caps, "casekit-overview-spread", 2.0, alpha=0.5, zorder=3)
    names = _names(marks, dots, quadrants) if marks else []
    leaders, chips = [], []
    for m, (x, y), (lines, size, box) in zip(marks, dots, names, strict=True):
        chips.append(Rectangle((box.x0, box.y0), box.x1 - box.x0, box.y1 - box.y0))
        sketch.text(
            box.x0 + _PAD,
            box.y1 - _PAD,
            "\n".join(lines),
            size,
            va="top",
            gid="casekit-overview-label",
            label=m.actor.id,
        )
        near = box.nearest(x, y)
        if math.hypot(near[0] - x, near[1] - y) > _LEADER:
            leaders.append([(x, y), near])
    if chips:
        patches = PatchCollection(chips, facecolor=WHITE, edgecolor="none", alpha=0.88, zorder=4)
        sketch.add(patches, "casekit-overview-boxes")
    if leaders:
        sketch.lines(
            leaders, "casekit-overview-leader", 1.2, alpha=0.7, zorder=4.5
        )  # over boxes, under words
    for at_table, gid, style in ((True, "at-table", _AT_TABLE), (False, "absent", _ABSENT)):
        points = [d for m, d in zip(marks, dots, strict=True) if m.actor.at_table == at_table]
        if points:
            sketch.markers(points, f"casekit-overview-{gid}", style)
    _key(sketch, lang, answers, len(marks))
    return Chart(sketch.figure, title, _alt(case, marks, answers), _table(case, marks), lang)


def _key(sketch: Sketch, lang: str, answers: int, shown: int) -> None:
    """Under the grid: the markers and the spread line explained, and how many answered."""
    y, x = 0.28, 0.35
    for style, key in ((_AT_TABLE, "legend_at_table"), (_ABSENT, "legend_absent")):
        sketch.markers([(x + 0.1, y)], "casekit-key", style)
        label = fig_text(t(f"chart.stakeholder.{key}", lang))
        sketch.text(x + 0.3, y, label, _KEY_PT, va="center", gid="casekit-legend")
        x += 0.3 + width_in(label, _KEY_PT) + 0.45
    sample = [[(x, y), (x + 0.6, y)], *([(e, y - 0.07), (e, y + 0.07)] for e in (x, x + 0.6))]
    sketch.lines(sample, "casekit-key", 2.0, alpha=0.5)
    label = fig_text(t("class.chart.overview.legend_spread", lang))
    sketch.text(x + 0.75, y, label, _KEY_PT, va="center", gid="casekit-legend")
    key = "class.chart.overview.note" if shown else "class.chart.overview.empty"
    note = fig_text(t(key, lang, answers=answers, count=shown))
    sketch.text(WIDTH - 0.3, y, note, _KEY_PT, ha="right", va="center", gid="casekit-note")


def _range(low: float, high: float, lang: str) -> str:
    if low == high:
        return format_number(low, lang)
    return t("class.chart.range", lang, low=format_number(low, lang), high=format_number(high, lang))


def _name(case: Case, m: _Mark) -> str:
    return t("class.chart.overview.own", case.lang, name=m.actor.name) if m.own else m.actor.name


def _alt(case: Case, marks: Sequence[_Mark], answers: int) -> str:
    lang = case.lang
    parts = [t("class.chart.overview.alt", lang, count=len(marks), answers=answers)]
    for quadrant in QUADRANTS:
        items = [
            t(
                "class.chart.overview.alt_item",
                lang,
                name=_name(case, m),
                power=format_number(m.power, lang),
                power_range=_range(*m.power_range, lang),
                interest=format_number(m.interest, lang),
                interest_range=_range(*m.interest_range, lang),
                n=m.n,
            )
            for m in marks
            if quadrant_of(m.power, m.interest) == quadrant
        ]
        if items:
            label = t(f"chart.quadrant.{quadrant}", lang)
            listed = t("class.chart.overview.alt_sep", lang).join(items)
            parts.append(t("class.chart.overview.alt_quadrant", lang, quadrant=label, items=listed))
    return " ".join(parts)


def _table(case: Case, marks: Sequence[_Mark]) -> pd.DataFrame:
    lang = case.lang
    rows = [
        (
            _name(case, m),
            m.n,
            format_number(m.power, lang),
            _range(*m.power_range, lang),
            format_number(m.interest, lang),
            _range(*m.interest_range, lang),
            t(f"chart.quadrant.{quadrant_of(m.power, m.interest)}", lang),
        )
        for m in marks
    ]
    keys = ("name", "placed_by", "power_median", "power_middle", "interest_median", "interest_middle")
    return table_frame(lang, (*keys, "quadrant"), rows, ints=(1,))
