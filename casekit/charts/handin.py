"""The hand-in's choice of figures: which of the learner's charts go into the exported hand-in, drawn
from the answers that have data for them. It uses only public names (the learner's charts, the registry), so
it can move to the hand-in's own module as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from casekit import registry
from casekit.charts.learner import dilemma_positions, goal_divergence, stakeholder_map

if TYPE_CHECKING:
    from casekit.case import Case
    from casekit.charts import Chart
    from casekit.figure import ExportFigure

__all__ = ["export_figures"]


def export_figures(case: Case, answers: Mapping[str, Any]) -> list[ExportFigure]:
    """The charts for a learner's hand-in, from the answers that have data for them.

    ``answers["stakeholder-map"]`` gives the power–interest grid (with the learner's own stakeholders, by
    the names they typed), ``answers["goal-divergence"]`` the goal
    chart, and the dilemma answers (``dilemma-1``…, each ``{"position", "left", "right", …}``) the
    dilemma chart. Values come from a learner's store and are cleaned with :func:`casekit.registry.clean`:
    what does not fit the case (a wrong type, an unknown actor, a value off the scale) is skipped, never
    raised; a stakeholder is placed only with both power and interest, a dilemma shown when it has a
    position or a pole; a chart with nothing left is left out.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    answers : Mapping[str, Any]
        Answer key -> latest value.

    Returns
    -------
    list[ExportFigure]
        Title, SVG (text kept as text) and alt text of each chart, in the order above.
    """
    from casekit.figure import ExportFigure

    if not isinstance(answers, Mapping):
        return []

    def cleaned(key: str) -> Any:
        return registry.clean(key, answers.get(key), case) or {}

    charts: list[Chart] = []
    placed = {k: v for k, v in cleaned(registry.STAKEHOLDER_MAP).items() if None not in v.values()}
    if placed:
        charts.append(stakeholder_map(case, placed))
    goals = cleaned(registry.GOAL_DIVERGENCE)
    if goals:
        charts.append(goal_divergence(case, goals))
    positions: dict[str, int | None] = {}
    poles: dict[str, tuple[str, str]] = {}
    for key in registry.DILEMMAS:
        value = cleaned(key)
        left, right = value.get("left", ""), value.get("right", "")
        if value.get("position") is not None or left.strip() or right.strip():
            positions[key], poles[key] = value.get("position"), (left, right)
    if positions:
        charts.append(dilemma_positions(case, positions, poles))
    return [ExportFigure(title=c.title, svg=c.to_svg(), alt=c.alt) for c in charts]
