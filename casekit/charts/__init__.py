"""Charts: pure functions from a case and a learner's answers to a figure, its alt text and its numbers.

Every function returns a :class:`Chart`: a matplotlib :class:`~matplotlib.figure.Figure` (built without
``pyplot``, so no global figure registry and no GUI backend), a title, an alt text that states the data,
and the numbers behind the figure as a :class:`pandas.DataFrame` with columns named in the learner's
language. Nothing here reads or writes files, and nothing is scored: a chart shows what a learner placed,
never a "right" placement.

Readability for every learner, on a screen and on a projector: the Okabe–Ito palette; meaning never
carried by colour alone (markers, line styles and words as well); labels of at least 13 pt and titles of
18 pt at the figure's natural size. Every word comes from ``casekit/locales/<lang>/charts.yaml`` (the
class's charts: ``class.yaml``). A chart is shown as SVG with its text kept as text
(``svg.fonttype: none``), so it stays sharp on a projector and can be selected, searched and zoomed (WCAG
2.2 SC 1.4.5); the browser draws it in DejaVu Sans or its own sans-serif.

Only matplotlib's public API is used: texts, patches, collections and lines on a bare Figure, placed in
inches. This package imports matplotlib and pandas; ``import casekit`` does not import it.

Modules: :mod:`~casekit.charts.learner` (the learner's own charts), :mod:`~casekit.charts.relations`
(the relations diagram), :mod:`~casekit.charts.spread` (the class's charts),
:mod:`~casekit.charts.overview` (the class's overview on one grid), :mod:`~casekit.charts.moves` (how the
class moved between two rounds), :mod:`~casekit.charts.grid` (the
power–interest grid); what they are all made of is in ``_figure``, ``_rows`` and ``_place`` (labels
placed where nothing else is). Which charts go into a learner's hand-in is the hand-in's choice
(:func:`casekit.export.hand_in_figures`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casekit.charts._figure import HTML_DPI, OKABE_ITO, Chart
from casekit.charts.learner import dilemma_positions, goal_divergence, stakeholder_map
from casekit.charts.moves import dilemma_moves, goal_moves
from casekit.charts.overview import stakeholder_overview
from casekit.charts.relations import relations_diagram
from casekit.charts.spread import (
    answer_counts,
    decision_split,
    dilemma_spread,
    goal_spread,
    stakeholder_spread,
)
from casekit.registry import SCALE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from casekit.case import Case
    from casekit.figure import ExportFigure

__all__ = [
    "HTML_DPI",
    "OKABE_ITO",
    "SCALE",
    "Chart",
    "answer_counts",
    "decision_split",
    "dilemma_moves",
    "dilemma_positions",
    "dilemma_spread",
    "export_figures",
    "goal_divergence",
    "goal_moves",
    "goal_spread",
    "relations_diagram",
    "stakeholder_map",
    "stakeholder_overview",
    "stakeholder_spread",
]


def export_figures(case: Case, answers: Mapping[str, Any]) -> list[ExportFigure]:
    """The hand-in's charts: kept here for code written before the hand-in chose its own figures; see
    :func:`casekit.export.hand_in_figures`."""
    from casekit.export import hand_in_figures

    return hand_in_figures(case, answers)
