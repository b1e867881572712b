"""Rows of items over the 1–5 scale, shared by the learner's and the class's charts: the layout in inches,
the goal charts' rows of speakers with the scale's two poles (a dilemma's names are in
:mod:`casekit.naming`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from casekit import registry
from casekit.charts._figure import AXIS_PT, BLACK, Sketch, fig_text, speaking, tint, wrap
from casekit.i18n import t
from casekit.registry import SCALE

if TYPE_CHECKING:
    from casekit.case import Case

_ROWS_WIDTH = 11.5
COUNT_X = _ROWS_WIDTH - 0.75  # the middle of the count column at the right of the goal charts
_ZEBRA = tint(BLACK, 0.05)


@dataclass(frozen=True)
class Rows:
    """Rows of items over the 1–5 scale, in inches: ``x(point)``, and ``y(row)`` the middle of a row."""

    count: int
    row_h: float
    x0: float  # where SCALE[0] is
    x1: float  # where SCALE[-1] is
    top: float
    bottom: float

    def x(self, point: float) -> float:
        """The x of a point on the scale."""
        return self.x0 + (point - SCALE[0]) * (self.x1 - self.x0) / (SCALE[-1] - SCALE[0])

    def y(self, row: int) -> float:
        """The middle of a row (row 0 at the top)."""
        return self.bottom + (self.count - row - 0.5) * self.row_h

    def sketch(self, title: str) -> Sketch:
        """A figure of these rows with the title and every other row shaded."""
        sketch = Sketch(_ROWS_WIDTH, self.top + self.count * self.row_h + self.bottom, title)
        for row in range(0, self.count, 2):
            y = self.y(row) - self.row_h / 2
            sketch.rect(0.25, y, _ROWS_WIDTH - 0.5, self.row_h, "casekit-zebra", facecolor=_ZEBRA)
        return sketch


def goal_rows(case: Case, title: str, header: str) -> tuple[Rows, Sketch]:
    """One row per speaker: names at the left, the scale numbers above and below, the poles, the header."""
    lang, speakers = case.lang, speaking(case)
    rows = Rows(max(len(speakers), 1), 0.64, 3.15, 9.55, top=1.3, bottom=1.35)
    sketch = rows.sketch(title)
    bottom, top = rows.bottom, rows.bottom + rows.count * rows.row_h
    sketch.lines([[(rows.x(p), bottom), (rows.x(p), top)] for p in SCALE], alpha=0.25, width=1.0)
    sketch.lines([[(rows.x0, rows.y(r)), (rows.x1, rows.y(r))] for r in range(rows.count)], alpha=0.45)
    for row, actor in enumerate(speakers):
        name = "\n".join(wrap(fig_text(actor.name), 2.2)[:2])
        sketch.text(2.5, rows.y(row), name, ha="right", va="center", gid="casekit-row-label")
    for point in SCALE:
        sketch.text(rows.x(point), bottom - 0.1, str(point), ha="center", va="top", gid="casekit-scale")
        sketch.text(rows.x(point), top + 0.1, str(point), ha="center", va="bottom", gid="casekit-scale")
    left, right = goal_poles(case)
    left, right = t("chart.scale_left_arrow", lang, text=left), t("chart.scale_right_arrow", lang, text=right)
    for x, text, ha in ((rows.x0 - 0.3, left, "left"), (rows.x1 + 0.3, right, "right")):
        sketch.text(
            x, bottom - 0.5, fig_text(text), size=AXIS_PT, bold=True, ha=ha, va="top", gid="casekit-pole"
        )
    sketch.text(
        COUNT_X,
        top + 0.1,
        fig_text(header),
        bold=True,
        ha="center",
        va="bottom",
        gid="casekit-count-header",
    )
    return rows, sketch


def goal_poles(case: Case) -> tuple[str, str]:
    """The two ends of the goal scale: the case's own wording (activities data), else the catalog's."""
    config = case.activity(registry.GOAL_DIVERGENCE)
    return (
        str(config.get("left") or t("chart.goals.pole_left", case.lang)),
        str(config.get("right") or t("chart.goals.pole_right", case.lang)),
    )
