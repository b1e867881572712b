"""The power–interest grid of the stakeholder charts (Bryson 2004; Mendelow): where it splits, its four
quadrants and their tints, and the width of a column.

The learner's map (:func:`casekit.charts.stakeholder_map`) and the class's spread
(:func:`casekit.charts.stakeholder_spread`) draw the same grid; both read it from here.
"""

from __future__ import annotations

HIGH_FROM = 3
"""A point on the 1–5 scale counts as "high" from 3 up: the grid splits at 3."""

QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
"""The quadrants' keys (``chart.quadrant.<key>`` in the catalog): high power first, then high interest."""

TINTS = {"manage_closely": "orange", "keep_satisfied": "sky_blue", "keep_informed": "bluish_green"}
"""The Okabe–Ito colour each quadrant but "monitor" is tinted with."""

COL_W, BAND = 2.2, 0.42  # inches: a column, room for a quadrant label above or below the cells


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
