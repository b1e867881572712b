"""The hand-in's figures: casekit.export.hand_in_figures (casekit.charts.export_figures: the old name)."""

from __future__ import annotations

from typing import ClassVar

import pytest

from casekit import charts
from casekit.export import hand_in_figures
from casekit.i18n import t

# -- export -----------------------------------------------------------------------------------------------


class TestExportFigures:
    """The hand-in's charts: built from answers that have data, malformed values skipped."""

    def test_builds_each_chart_with_data(self, case):
        """Stakeholder map, goal divergence and dilemmas, as SVG (no PNG) with title and alt text."""
        from casekit.export import ExportFigure

        answers = {
            "stakeholder-map": {"kim": {"power": 4, "interest": 5}},
            "goal-divergence": {"kim": 2},
            "dilemma-1": {
                "position": 2,
                "left": "A",
                "right": "B",
                "justification": "x",
                "missing_voices": "y",
            },
        }
        figures = hand_in_figures(case, answers)
        assert [f.title for f in figures] == [
            t("chart.stakeholder.title", "da"),
            t("chart.goals.title", "da"),
            t("chart.dilemma.title", "da"),
        ]
        assert all(isinstance(f, ExportFigure) and f.svg.startswith("<svg") and f.alt for f in figures)
        assert all(f.png == b"" and "</text>" in f.svg for f in figures)

    def test_skips_malformed_values(self, case):
        """Wrong types, unknown actors and values off the scale are dropped; the good ones are kept."""
        answers = {
            "stakeholder-map": {
                "kim": {"power": 4, "interest": 5},
                "nobody": {"power": 1, "interest": 1},
                "sanne": {"power": 9, "interest": 1},
                "lars": "high",
                "mette": {"power": True, "interest": 2},
            },
            "goal-divergence": ["kim", 2],
            "dilemma-1": "not a dict",
            "dilemma-2": {"position": "3", "left": 5, "right": None},
            "dilemma-3": {"position": 4, "left": "A", "right": ["B"]},
        }
        figures = hand_in_figures(case, answers)
        assert len(figures) == 2
        assert "med 1 af" in figures[0].alt
        assert "Dilemma 3: 4" in figures[1].alt
        assert "Dilemma 2" not in figures[1].alt

    @pytest.mark.parametrize(
        "answers", [{}, None, [], {"stakeholder-map": None, "goal-divergence": {"x": 1}}]
    )
    def test_nothing_usable_gives_no_figures(self, case, answers):
        """Empty or unusable answers give an empty list, never an error."""
        assert hand_in_figures(case, answers) == []


class TestOwnStakeholdersOnTheMap:
    """The learner's own stakeholders are drawn, described and tabled like the case's."""

    OWN: ClassVar[dict] = {"own-1": {"name": "Lærerne <b>", "at_table": False, "power": 4, "interest": 5}}

    def test_export_figures_include_it(self, case):
        """The hand-in's map includes a placed own stakeholder."""
        figures = hand_in_figures(case, {"stakeholder-map": self.OWN})
        assert t("map.own.marker", "da", name="Lærerne <b>") in figures[0].alt


def test_the_old_name_in_charts_gives_the_same_figures(case):
    """casekit.charts.export_figures, public before the hand-in chose its own figures, still works."""
    answers = {"goal-divergence": {"kim": 2}}
    assert charts.export_figures(case, answers) == hand_in_figures(case, answers)
