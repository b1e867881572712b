"""The power–interest grid of the stakeholder charts (Bryson 2004; Mendelow): where it splits, its four
quadrants and their tints, and the drawing of the grid with its quadrants, scale numbers and axis labels.

The learner's map (:func:`casekit.charts.stakeholder_map`) and the class's spread
(:func:`casekit.charts.stakeholder_spread`) draw the same grid; both take it from here, and fill its
cells in their own way (names, or a count).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casekit import registry
from casekit.charts._figure import (
    AXIS_PT,
    BLACK,
    LABEL_PT,
    OKABE_ITO,
    QUADRANT_PT,
    Sketch,
    case_actor,
    fig_text,
    own_actor,
    scale_point,
    tint,
    width_in,
)
from casekit.errors import ChartDataError
from casekit.i18n import t
from casekit.registry import SCALE

if TYPE_CHECKING:
    from casekit.case import Actor, Case

__all__ = [
    "ABSENT",
    "AT_TABLE",
    "BAND",
    "COL_W",
    "HIGH_FROM",
    "ORIGIN",
    "QUADRANTS",
    "TINTS",
    "TINT_AMOUNT",
    "Grid",
    "class_points",
    "quadrant_of",
    "quadrant_tint",
]

HIGH_FROM = 3
"""A point on the 1–5 scale counts as "high" from 3 up: the grid splits at 3."""

QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
"""The quadrants' keys (``chart.quadrant.<key>`` in the catalog): high power first, then high interest."""

TINTS = {"manage_closely": "orange", "keep_satisfied": "sky_blue", "keep_informed": "bluish_green"}
"""The Okabe–Ito colour each quadrant but "monitor" is tinted with."""
TINT_AMOUNT = 0.14
"""How much of its colour a quadrant's tint keeps (the rest is white)."""

AT_TABLE, ABSENT = ("o", OKABE_ITO["blue"], 11.0), ("D", OKABE_ITO["vermillion"], 9.5)
"""The markers (shape, fill, size) of a stakeholder at the table and of one who is not, on every grid."""

COL_W, BAND = 2.2, 0.42  # inches: a column, room for a quadrant label above or below the cells
ORIGIN = 1.05  # inches from the figure's left and bottom edges to the grid: room for the axis labels


def quadrant_of(power: float, interest: float) -> str:
    """The quadrant key of a cell: high power and/or high interest from :data:`HIGH_FROM` up.

    Parameters
    ----------
    power, interest : float
        The cell's point on each axis of the 1–5 scale (a class's median may be halfway between two).

    Returns
    -------
    str
        One of :data:`QUADRANTS`.
    """
    return QUADRANTS[2 * (power < HIGH_FROM) + (interest < HIGH_FROM)]


_ON_SCALE = frozenset(SCALE)
"""The points of the scale, for the quick check of a placement's value in :func:`class_points`."""


def class_points(
    case: Case, placements: Sequence[Mapping[str, Mapping[str, Any]]], func: str
) -> dict[tuple[bool, str], tuple[Actor, list[tuple[int, int]]]]:
    """Every stakeholder a class placed, with its (power, interest) points, from one map per learner.

    A case actor is keyed ``(False, id)``; a stakeholder learners added themselves (``own-1``… with a name)
    ``(True, name)``, the name trimmed and case-folded so that learners who typed the same name are one,
    shown as the first of them typed it. A stakeholder placed on one axis only is known but has no point.
    Keys come in the order first met.

    Raises
    ------
    ChartDataError
        (a ValueError) ``func`` and the answer's index in the message: ``placements`` is not a sequence of
        mappings, a placement is not a mapping, an actor id is unknown, a value is outside 1–5.
    """
    if isinstance(placements, Mapping) or not isinstance(placements, Sequence):
        raise ChartDataError(f"{func}: placements must be a sequence of mappings, one per answer")
    by_id = {a.id: a for a in case.actors}
    found: dict[tuple[bool, str], tuple[Actor, list[tuple[int, int]]]] = {}
    for i, one in enumerate(placements):
        if not isinstance(one, Mapping):
            raise ChartDataError(f"{func} (answer {i}): an answer must be a mapping of actor id to placement")
        for other, entry in one.items():
            if not isinstance(entry, Mapping):
                raise ChartDataError(f"{func} (answer {i}): the placement of {other!r} must be a mapping")
            actor = by_id.get(other)
            if actor is not None:
                key = (False, actor.id)
            elif registry.is_own_stakeholder(other) and "name" in entry:
                actor = own_actor(other, entry, f"{func} (answer {i})")
                key = (True, actor.name.casefold())
            else:
                actor = case_actor(case, other, f"{func} (answer {i})")  # raises: the ids there are
                key = (False, actor.id)
            # A whole number on the scale as it is (most of a class's points); anything else is checked, and
            # refused in words, by scale_point (a class's charts read every learner's map 37 times).
            power, interest = entry.get("power"), entry.get("interest")
            if type(power) is not int or power not in _ON_SCALE:
                power = scale_point(power, f"{func} (answer {i}): the power of {other!r}")
            if type(interest) is not int or interest not in _ON_SCALE:
                interest = scale_point(interest, f"{func} (answer {i}): the interest of {other!r}")
            points = found.setdefault(key, (actor, []))[1]
            if power is not None and interest is not None:
                points.append((power, interest))
    return found


def quadrant_tint(key: str) -> tuple[float, float, float] | None:
    """The colour a quadrant is tinted with, as RGB from 0 to 1 (``None`` for "monitor", which is not): the
    charts' grid and the map widget's (:func:`matplotlib.colors.to_hex` gives it as CSS)."""
    if key not in TINTS:
        return None
    return tint(OKABE_ITO[TINTS[key]], TINT_AMOUNT)


@dataclass(frozen=True)
class Grid:
    """Where the grid is on the figure, in inches from its lower-left corner: interest across, power up.

    Attributes
    ----------
    row : Mapping[int, float]
        The bottom of each power row.
    height : Mapping[int, float]
        Each power row's height; its scale number is written at the middle of it.
    top : float
        The top of the grid.
    col_w : float
        The width of a column (an interest point).
    """

    row: Mapping[int, float]
    height: Mapping[int, float]
    top: float
    left: float = ORIGIN
    bottom: float = ORIGIN
    col_w: float = COL_W

    @property
    def right(self) -> float:
        """The right edge of the grid."""
        return self.left + self.col_w * len(SCALE)

    def col(self, interest: float) -> float:
        """The left edge of the column of an interest point (a point between two: between their edges)."""
        return self.left + self.col_w * (interest - SCALE[0])

    def draw(
        self, sketch: Sketch, lang: str, scale_gid: str | None = None, zoom: float = 1.0
    ) -> list[tuple[float, float, float, float]]:
        """The tinted quadrants with their labels, the cell lines, the split, the frame, the scale numbers
        (with the SVG id ``scale_gid``) and the axis labels, in ``lang``; every word ``zoom`` times its usual
        size. Returns where the quadrant labels are (left, bottom, right, top), for labels to keep off."""
        left, bottom, right, top = self.left, self.bottom, self.right, self.top
        extents = []
        split_x, split_y = self.col(HIGH_FROM), self.row[HIGH_FROM]
        boxes = [(split_x, split_y, right, top), (left, split_y, split_x, top)]
        boxes += [(split_x, bottom, right, split_y), (left, bottom, split_x, split_y)]
        for key, (x0, y0, x1, y1) in zip(QUADRANTS, boxes, strict=True):
            face = quadrant_tint(key)
            if face is not None:
                sketch.rect(x0, y0, x1 - x0, y1 - y0, f"casekit-{key}", facecolor=face)
            y, va = (y1 - 0.12, "top") if y1 == top else (y0 + 0.12, "bottom")
            label = fig_text(t(f"chart.quadrant.{key}", lang))
            sketch.text(x0 + 0.12, y, label, QUADRANT_PT * zoom, True, va=va, gid="casekit-quadrant")
            high = QUADRANT_PT * zoom * 1.2 / 72
            low = y - high if va == "top" else y
            wide = width_in(label, QUADRANT_PT * zoom, True)
            extents.append((x0 + 0.12, low, x0 + 0.12 + wide, low + high))
        inner = [p for p in SCALE[1:] if p != HIGH_FROM]
        lines = [[(self.col(i), bottom), (self.col(i), top)] for i in inner]
        lines += [[(left, self.row[p]), (right, self.row[p])] for p in inner]
        sketch.lines(lines, None, 1.0, alpha=0.2)
        splits = [[(split_x, bottom), (split_x, top)], [(left, split_y), (right, split_y)]]
        sketch.lines(splits, None, 2.4, alpha=0.8, zorder=2)
        sketch.rect(left, bottom, right - left, top - bottom, edgecolor=BLACK, linewidth=1.4, zorder=2)
        for p in SCALE:
            x, y = self.col(p) + self.col_w / 2, self.row[p] + self.height[p] / 2
            sketch.text(x, bottom - 0.1, str(p), LABEL_PT * zoom, ha="center", va="top", gid=scale_gid)
            sketch.text(left - 0.14, y, str(p), LABEL_PT * zoom, ha="right", va="center", gid=scale_gid)
        x_label, y_label = (fig_text(t(f"chart.stakeholder.{k}", lang)) for k in ("x_label", "y_label"))
        size = AXIS_PT * zoom
        sketch.text((left + right) / 2, bottom - 0.45 * zoom, x_label, size, ha="center", va="top")
        y_mid = (bottom + top) / 2
        sketch.text(left - 0.62 * zoom, y_mid, y_label, size, ha="center", va="center", rotation=90)
        return extents
