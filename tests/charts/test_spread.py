"""The class's charts (casekit.charts.spread): a whole class's answers, without names."""

from __future__ import annotations

from typing import ClassVar

import pytest

from casekit import charts
from casekit.charts import grid
from casekit.i18n import t

from .support import HOSTILE, by_gid, with_actor_name


class TestGoalSpread:
    """How many placements fell on each point, per speaking actor, for one learner or a class."""

    def test_counts_per_point(self, case):
        """The table counts placements per point, with n; each non-empty point has a circle."""
        answers = [{"kim": 1, "sanne": 5}, {"kim": 1, "sanne": 4}, {"kim": 2}]
        chart = charts.goal_spread(case, answers)
        table = chart.table.set_index("Navn")
        assert list(chart.table.columns) == ["Navn", "1", "2", "3", "4", "5", "n"]
        assert list(table.loc["Kim"]) == [2, 1, 0, 0, 0, 3]
        assert list(table.loc["Sanne"]) == [0, 0, 0, 1, 1, 2]
        assert table.loc["Jorun", "n"] == 0
        (bubbles,) = by_gid(chart, "casekit-bubbles")
        assert len(bubbles.get_paths()) == 4
        assert sorted(a.get_text() for a in by_gid(chart, "casekit-count")) == ["1", "1", "1", "2"]

    def test_one_learner_and_nobody(self, case):
        """One answer works (trivially); no answers gives an empty spread, not an error."""
        assert charts.goal_spread(case, [{"kim": 3}]).table.set_index("Navn").loc["Kim", "3"] == 1
        empty = charts.goal_spread(case, [])
        assert empty.table["n"].sum() == 0
        assert "Besvarelser: 0." in empty.alt

    def test_alt_text(self, case):
        """The alt text gives the counts per point for each speaker."""
        alt = charts.goal_spread(case, [{"kim": 1}, {"kim": 1}, {"kim": 4}]).alt
        assert "Kim: 2 på 1, 1 på 4 (n = 3)." in alt
        assert "Sanne: ingen (n = 0)." in alt

    def test_bad_answer_names_its_index(self, case):
        """A bad value in the third answer raises ValueError naming that answer."""
        with pytest.raises(ValueError, match=r"answer 2.*'kim' must be .* got 0"):
            charts.goal_spread(case, [{"kim": 1}, {}, {"kim": 0}])
        with pytest.raises(ValueError, match="sequence of mappings"):
            charts.goal_spread(case, {"kim": 1})


# -- the class charts -------------------------------------------------------------------------------------


class TestStakeholderSpread:
    """One stakeholder on the class's power–interest grid: a count in each cell, quadrants labelled."""

    def test_counts_per_cell(self, case):
        """The table counts per power row and interest column; a circle and a number per chosen cell."""
        answers = [{"kim": {"power": 4, "interest": 5}}] * 3 + [{"kim": {"power": 1, "interest": 2}}, {}]
        chart = charts.stakeholder_spread(case, answers, "kim")
        table = chart.table.set_index("Magt")
        assert table.loc[4, "Interesse 5"] == 3 and table.loc[1, "Interesse 2"] == 1
        assert int(table.to_numpy().sum()) == 4
        (bubbles,) = by_gid(chart, "casekit-bubbles")
        assert len(bubbles.get_paths()) == 2
        assert sorted(a.get_text() for a in by_gid(chart, "casekit-count")) == ["1", "3"]
        quadrants = {a.get_text() for a in by_gid(chart, "casekit-quadrant")}
        assert quadrants == {t(f"chart.quadrant.{k}", "da") for k in grid.QUADRANTS}

    def test_alt_text_states_the_numbers(self, case):
        """The alt text gives how many placed the stakeholder, and the count per cell by quadrant."""
        alt = charts.stakeholder_spread(case, [{"kim": {"power": 4, "interest": 5}}, {}], "kim").alt
        assert "Kim: 1 af 2 studerende" in alt and "Håndtér tæt: 1 (1 på magt 4, interesse 5)." in alt

    def test_hostile_name_stays_text(self, case):
        """A stakeholder name with markup is escaped in the HTML and the SVG."""
        named = with_actor_name(case, "kim", HOSTILE)
        chart = charts.stakeholder_spread(named, [{"kim": {"power": 3, "interest": 3}}], "kim")
        assert "<script" not in chart.to_svg().lower() and "<script" not in chart.to_html()

    def test_bad_input_raises(self, case):
        """An unknown actor, a value off the scale or a non-sequence is a ValueError."""
        with pytest.raises(ValueError, match="unknown actor id 'nobody'"):
            charts.stakeholder_spread(case, [], "nobody")
        with pytest.raises(ValueError, match=r"answer 1.*must be"):
            charts.stakeholder_spread(case, [{}, {"kim": {"power": 9, "interest": 1}}], "kim")
        with pytest.raises(ValueError, match="sequence"):
            charts.stakeholder_spread(case, {"kim": {}}, "kim")


class TestDilemmaSpread:
    """Counts per scale point for each dilemma, with the case's poles."""

    def test_counts_and_poles(self, case):
        """One row per dilemma of the case; the poles from the activity data; n per row."""
        chart = charts.dilemma_spread(case, [{"dilemma-1": 2}, {"dilemma-1": 2, "dilemma-2": 5}, {}])
        table = chart.table.set_index("Dilemma")
        assert list(table.index) == ["Dilemma 1", "Dilemma 2", "Dilemma 3"]
        assert table.loc["Dilemma 1", "2"] == 2 and table.loc["Dilemma 2", "5"] == 1
        assert list(table["n"]) == [2, 1, 0]
        poles = case.activity("dilemmas")["dilemma-1"]
        assert table.loc["Dilemma 1", "Pol ved 1"] == poles["left"]
        assert poles["right"] in " ".join(a.get_text() for a in by_gid(chart, "casekit-pole"))
        assert "Dilemma 1 (1 = »" in chart.alt and "2 på 2 (n = 2)" in chart.alt

    def test_bad_input_raises(self, case):
        """An unknown dilemma or a position off the scale is a ValueError naming the answer."""
        with pytest.raises(ValueError, match="unknown dilemma"):
            charts.dilemma_spread(case, [{"dilemma-9": 1}])
        with pytest.raises(ValueError, match=r"answer 0.*got 0"):
            charts.dilemma_spread(case, [{"dilemma-1": 0}])


class TestDecisionSplit:
    """A count per option of the decision point, and the learners who chose nothing."""

    def test_counts_options_and_not_answered(self, case):
        """Every option of the case, then "Ikke svaret", with counts and shares; not answered is hatched."""
        chart = charts.decision_split(case, ["interesser", "interesser", "maal-foerst", None])
        options = case.activity("decision-point")["options"]
        assert list(chart.table["Valgmulighed"]) == [*options.values(), "Ikke svaret"]
        assert list(chart.table["Antal"]) == [2, 1, 1]
        assert list(chart.table["Andel"]) == ["50 %", "25 %", "25 %"]
        assert len(by_gid(chart, "casekit-bar-hatched")) == 1
        assert "Ikke svaret: 1 (25 %)." in chart.alt

    def test_bad_option_raises(self, case):
        """An option the case does not have is a ValueError."""
        with pytest.raises(ValueError, match="unknown option 'x'"):
            charts.decision_split(case, ["x"])
        with pytest.raises(ValueError, match="sequence"):
            charts.decision_split(case, "interesser")


class TestAnswerCounts:
    """How many answered each question and activity, 0 to n."""

    def test_a_bar_per_answer_key(self, case):
        """One row per answer key in the journey's order, with "k af n" beside each bar."""
        from casekit import registry

        chart = charts.answer_counts(case, {"organisering-1": 4, "stakeholder-map": 5}, 5)
        assert len(chart.table) == len(registry.answer_keys(case))
        assert chart.table["Antal"].sum() == 9
        texts = [a.get_text() for a in by_gid(chart, "casekit-count")]
        assert texts.count("0 af 5") == len(registry.answer_keys(case)) - 2 and "4 af 5" in texts
        assert "Spørgsmål 1: Hvilke forskellige aktørgrupper" in chart.alt

    def test_fits_a_projector_screen(self, case):
        """The figure is at most 9.75 in tall, so 13 pt labels are ≥ 20 px on a 1080 px high screen."""
        height = charts.answer_counts(case, {}, 0).figure.get_size_inches()[1]
        assert 13 / 72 * 1080 / height >= 20

    def test_bad_input_raises(self, case):
        """An unknown key or a count outside 0..n is a ValueError."""
        with pytest.raises(ValueError, match="unknown answer key"):
            charts.answer_counts(case, {"nope": 1}, 2)
        with pytest.raises(ValueError, match="from 0 to 2"):
            charts.answer_counts(case, {"organisering-1": 3}, 2)
        with pytest.raises(ValueError, match="whole number"):
            charts.answer_counts(case, {}, -1)


class TestOwnStakeholdersOnTheMap:
    """The learner's own stakeholders are drawn, described and tabled like the case's."""

    OWN: ClassVar[dict] = {"own-1": {"name": "Lærerne <b>", "at_table": False, "power": 4, "interest": 5}}

    def test_spread_by_name(self, case):
        """The class spread of an own stakeholder counts the answers that named it, in any case."""
        answers = [
            {"own-1": {"name": "lærerne ", "at_table": True, "power": 3, "interest": 3}},
            {"own-4": {"name": "LÆRERNE", "at_table": True, "power": 3, "interest": 3}},
            {"kim": {"power": 3, "interest": 3}},
        ]
        chart = charts.stakeholder_spread(case, answers, name="Lærerne")
        assert "Lærerne" in chart.title and "2 af 3" in chart.alt
        with pytest.raises(ValueError):
            charts.stakeholder_spread(case, answers)
