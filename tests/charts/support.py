"""Helpers the chart tests share: hostile text, finding a figure's artists, one chart of each kind."""

from __future__ import annotations

import dataclasses

from casekit import charts

HOSTILE = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'


def figure_texts(chart: charts.Chart) -> list[str]:
    """Every text drawn in the chart's figure."""
    return [a.get_text() for a in chart.figure.findobj() if hasattr(a, "get_text")]


def by_gid(chart: charts.Chart, gid: str) -> list:
    """The artists with that SVG id."""
    return chart.figure.findobj(lambda a: a.get_gid() == gid)


def marker_count(chart: charts.Chart, gid: str) -> int:
    """How many markers the lines with that SVG id draw."""
    return sum(len(line.get_xdata()) for line in by_gid(chart, gid))


_DRAWN: dict[int, tuple[object, dict[str, charts.Chart]]] = {}


def everywhere(case) -> dict[str, charts.Chart]:
    """One of each chart, with data in every part; drawn once per case object (the charts are only read)."""
    held = _DRAWN.get(id(case))
    if held is None or held[0] is not case:
        held = _DRAWN[id(case)] = (case, _draw_everything(case))
    return held[1]


def _draw_everything(case) -> dict[str, charts.Chart]:
    placements = {a.id: {"power": i % 5 + 1, "interest": (i * 2) % 5 + 1} for i, a in enumerate(case.actors)}
    goals = {a.id: i % 5 + 1 for i, a in enumerate(case.actors) if a.speaks}
    return {
        "stakeholder_map": charts.stakeholder_map(case, placements),
        "relations_diagram": charts.relations_diagram(case),
        "goal_divergence": charts.goal_divergence(case, goals),
        "goal_spread": charts.goal_spread(case, [goals, goals]),
        "dilemma_positions": charts.dilemma_positions(
            case, {"dilemma-1": 2}, {"dilemma-1": ("styring", "frihed")}
        ),
        "stakeholder_spread": charts.stakeholder_spread(case, [placements, placements], "kim"),
        "dilemma_spread": charts.dilemma_spread(case, [{"dilemma-1": 2, "dilemma-3": 5}, {"dilemma-1": 2}]),
        "decision_split": charts.decision_split(case, ["interesser", None, "maal-foerst"]),
        "answer_counts": charts.answer_counts(case, {"organisering-1": 2, "stakeholder-map": 3}, 3),
        "stakeholder_overview": charts.stakeholder_overview(case, [placements, placements]),
        "goal_moves": charts.goal_moves(
            case, [(goals, {**goals, "kim": 5}), (goals, goals)], "Runde 1", "Runde 2"
        ),
        "dilemma_moves": charts.dilemma_moves(
            case, [({"dilemma-1": 2}, {"dilemma-1": 4}), ({"dilemma-3": 5}, {"dilemma-3": 5})], "Før", "Efter"
        ),
    }


def with_actor_name(case, actor_id: str, name: str):
    """The case with one actor renamed."""
    actors = tuple(dataclasses.replace(a, name=name) if a.id == actor_id else a for a in case.actors)
    return dataclasses.replace(case, actors=actors)
