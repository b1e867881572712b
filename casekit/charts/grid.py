"""The power–interest grid of the stakeholder charts (Bryson 2004; Mendelow): where it splits, its four
quadrants and their tints, and the drawing of the grid with its quadrants, scale numbers and axis labels.

The learner's map (:func:`casekit.charts.stakeholder_map`) and the class's spread
(:func:`casekit.charts.stakeholder_spread`) draw the same grid; both take it from here, and fill its
cells in their own way (names, or a count).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from casekit.charts._figure import AXIS_PT, BLACK, OKABE_ITO, QUADRANT_PT, Sketch, fig_text, tint
from casekit.i18n import t
from casekit.registry import SCALE

__all__ = [
    "BAND",
    "COL_W",
    "HIGH_FROM",
    "ORIGIN",
    "QUADRANTS",
    "TINTS",
    "TINT_AMOUNT",
    "Grid",
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

COL_W, BAND = 2.2, 0.42  # inches: a column, room for a quadrant label above or below the cells
ORIGIN = 1.05  # inches from the figure's left and bottom edges to the grid: room for the axis labels


def quadrant_of(power: int, interest: int) -> str:
    """The quadrant key of a cell: high power and/or high interest from :data:`HIGH_FROM` up.

    Parameters
    ----------
    power, interest : int
        The cell's point on each axis of the 1–5 scale.

    Returns
    -------
    str
        One of :data:`QUADRANTS`.
    """
    return QUADRANTS[2 * (power < HIGH_FROM) + (interest < HIGH_FROM)]


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
    """

    row: Mapping[int, float]
    height: Mapping[int, float]
    top: float
    left: float = ORIGIN
    bottom: float = ORIGIN

    @property
    def right(self) -> float:
        """The right edge of the grid."""
        return self.left + COL_W * len(SCALE)

    def col(self, interest: int) -> float:
        """The left edge of the column of an interest point."""
        return self.left + COL_W * (interest - SCALE[0])

    def draw(self, sketch: Sketch, lang: str, scale_gid: str | None = None) -> None:
        """The tinted quadrants with their labels, the cell lines, the split, the frame, the scale numbers
        (with the SVG id ``scale_gid``) and the axis labels, in ``lang``."""
        left, bottom, right, top = self.left, self.bottom, self.right, self.top
        split_x, split_y = self.col(HIGH_FROM), self.row[HIGH_FROM]
        boxes = [(split_x, split_y, right, top), (left, split_y, split_x, top)]
        boxes += [(split_x, bottom, right, split_y), (left, bottom, split_x, split_y)]
        for key, (x0, y0, x1, y1) in zip(QUADRANTS, boxes, strict=True):
            face = quadrant_tint(key)
            if face is not None:
                sketch.rect(x0, y0, x1 - x0, y1 - y0, f"casekit-{key}", facecolor=face)
            y, va = (y1 - 0.12, "top") if y1 == top else (y0 + 0.12, "bottom")
            label = fig_text(t(f"chart.quadrant.{key}", lang))
            sketch.text(x0 + 0.12, y, label, QUADRANT_PT, True, va=va, gid="casekit-quadrant")
        inner = [p for p in SCALE[1:] if p != HIGH_FROM]
        lines = [[(self.col(i), bottom), (self.col(i), top)] for i in inner]
        lines += [[(left, self.row[p]), (right, self.row[p])] for p in inner]
        sketch.lines(lines, None, 1.0, alpha=0.2)
        splits = [[(split_x, bottom), (split_x, top)], [(left, split_y), (right, split_y)]]
        sketch.lines(splits, None, 2.4, alpha=0.8, zorder=2)
        sketch.rect(left, bottom, right - left, top - bottom, edgecolor=BLACK, linewidth=1.4, zorder=2)
        for p in SCALE:
            x, y = self.col(p) + COL_W / 2, self.row[p] + self.height[p] / 2
            sketch.text(x, bottom - 0.1, str(p), ha="center", va="top", gid=scale_gid)
            sketch.text(left - 0.14, y, str(p), ha="right", va="center", gid=scale_gid)
        x_label, y_label = (fig_text(t(f"chart.stakeholder.{k}", lang)) for k in ("x_label", "y_label"))
        sketch.text((left + right) / 2, bottom - 0.45, x_label, AXIS_PT, ha="center", va="top")
        sketch.text(left - 0.62, (bottom + top) / 2, y_label, AXIS_PT, ha="center", va="center", rotation=90)
