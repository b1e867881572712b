"""How the class moved between two rounds (casekit.charts.goal_moves and dilemma_moves): a slope chart per
speaker and per dilemma, the counts on the lines, the words in the alt text and the table."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit import charts
from casekit.i18n import t

from .support import by_gid


def _lines(chart: charts.Chart) -> Counter[tuple[str, int, int]]:
    """The count written on each line: (speaker or dilemma, from, to) -> count."""
    found: Counter[tuple[str, int, int]] = Counter()
    for text in by_gid(chart, "casekit-move-count"):
        key, start, end = text.get_label().split(":")
        found[key, int(start), int(end)] += int(text.get_text())
    return found


def _row(chart: charts.Chart, name: str) -> list:
    return next(list(row[1:]) for row in chart.table.itertuples(index=False, name=None) if row[0] == name)


class TestGoalMoves:
    """A panel per speaker: the first round on the left, the second on the right, a counted line per way."""

    PAIRS: ClassVar = [
        ({"kim": 2, "sanne": 3}, {"kim": 4, "sanne": 3}),
        ({"kim": 2, "sanne": 4}, {"kim": 4, "sanne": 1}),
        ({"kim": 5}, {"kim": 5, "sanne": 2}),  # Sanne placed only in the second round: not counted
        ({"kim": 1}, {}),
    ]

    def test_a_count_on_each_line(self, case):
        """Two went from 2 to 4 and one stayed at 5 for Kim; Sanne: one stayed, one moved down."""
        chart = charts.goal_moves(case, self.PAIRS, "Runde 1", "Efter")
        assert _lines(chart) == Counter(
            {("kim", 2, 4): 2, ("kim", 5, 5): 1, ("sanne", 3, 3): 1, ("sanne", 4, 1): 1}
        )
        assert len(by_gid(chart, "casekit-move-line")) == 4

    def test_the_columns_count_who_stood_where(self, case):
        """The circles of the first round add up to the lines leaving them, those of the second to the
        lines arriving: only learners who placed the speaker in both rounds."""
        chart = charts.goal_moves(case, self.PAIRS, "Runde 1", "Efter")
        counts = sorted(int(a.get_text()) for a in by_gid(chart, "casekit-column-count"))
        assert counts == sorted([2, 1, 1, 1, 2, 1, 1, 1])  # Kim 2, 5 | Sanne 3, 4 ; Kim 4, 5 | Sanne 3, 1

    def test_the_table_and_alt_text_say_the_moves(self, case):
        """Per speaker: moved toward 5, toward 1, stayed, n and every line; the alt text has the sentence
        the class's summary uses and the lines."""
        chart = charts.goal_moves(case, self.PAIRS, "Runde 1", "Efter")
        assert _row(chart, "Kim") == [2, 0, 1, 3, "2 → 4: 2, 5 → 5: 1"]
        assert _row(chart, "Sanne") == [0, 1, 1, 2, "3 → 3: 1, 4 → 1: 1"]
        assert _row(chart, "Jorun")[:4] == [0, 0, 0, 0]
        sentence = t(
            "class.moves.sentence",
            "da",
            name="Kim",
            right_count=2,
            left_count=0,
            stayed=1,
            n=3,
            right="plads til forskellige mål",
            left="ét fælles mål",
        )
        assert sentence in chart.alt and "»Runde 1« til venstre og i »Efter« til højre" in chart.alt
        nobody = t("class.chart.moves.nobody", "da")
        said = [" ".join(a.get_text().split()) for a in by_gid(chart, "casekit-nobody")]
        assert said == [nobody] * 3  # Majbritt, Jorun, the music club's leader

    def test_the_round_names_are_on_the_chart(self, case):
        """The rounds' names, as typed, say which column is which."""
        chart = charts.goal_moves(case, self.PAIRS, "Før <b>", "Efter")
        (rounds,) = by_gid(chart, "casekit-rounds")
        assert rounds.get_text() == t("class.chart.moves.rounds", "da", first="Før <b>", second="Efter")

    def test_bad_input_raises(self, case):
        """Not pairs, a silent or unknown actor, a value outside 1–5: a ValueError naming the pair."""
        with pytest.raises(ValueError, match="pairs must be"):
            charts.goal_moves(case, {"kim": 1}, "a", "b")
        with pytest.raises(ValueError, match=r"pair 0"):
            charts.goal_moves(case, [({"kim": 1},)], "a", "b")
        with pytest.raises(ValueError, match=r"pair 1, second round.*does not speak"):
            charts.goal_moves(case, [({}, {}), ({}, {"boern-unge": 2})], "a", "b")
        with pytest.raises(ValueError, match="from 1 to 5"):
            charts.goal_moves(case, [({"kim": 6}, {"kim": 1})], "a", "b")


class TestDilemmaMoves:
    """A panel per dilemma, with the case's poles at its ends."""

    def test_counts_and_poles(self, case):
        """One moved from 2 to 4 on dilemma 1, one stayed on dilemma 3; unplaced (None) is not counted."""
        pairs = [
            ({"dilemma-1": 2, "dilemma-3": 5}, {"dilemma-1": 4, "dilemma-3": 5}),
            ({"dilemma-2": None}, {"dilemma-2": 3}),
        ]
        chart = charts.dilemma_moves(case, pairs, "Før", "Efter")
        assert _lines(chart) == Counter({("dilemma-1", 2, 4): 1, ("dilemma-3", 5, 5): 1})
        poles = " ".join(a.get_text() for a in by_gid(chart, "casekit-pole"))
        for key in ("dilemma-1", "dilemma-2", "dilemma-3"):
            left, right = (case.activity("dilemmas")[key][side] for side in ("left", "right"))
            assert left.split()[0] in poles and right.split()[0] in poles
        assert _row(chart, "Dilemma 1") == [1, 0, 0, 1, "2 → 4: 1"]

    def test_an_unknown_dilemma_raises(self, case):
        """A key the case has no dilemma for is a ValueError listing the case's."""
        with pytest.raises(ValueError, match="unknown dilemma 'dilemma-9'"):
            charts.dilemma_moves(case, [({"dilemma-9": 1}, {})], "a", "b")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_counts_are_never_covered(case, data):
    """Whatever a class of up to 40 does (every line of a 5×5 panel included), each line has its count,
    and no count covers another or a circle."""
    speakers = [a.id for a in case.actors if a.speaks]
    place = st.integers(1, 5)
    one = st.fixed_dictionaries({}, optional=dict.fromkeys(speakers, place))
    pairs = data.draw(st.lists(st.tuples(one, one), max_size=40))
    if data.draw(st.booleans()):
        pairs = [*pairs, *(({"kim": a}, {"kim": b}) for a, b in itertools.product(range(1, 6), repeat=2))]
    chart = charts.goal_moves(case, pairs, "Runde 1", "Runde 2")
    expected = Counter()
    for before, after in pairs:
        for key in before.keys() & after.keys():
            expected[key, before[key], after[key]] += 1
    assert _lines(chart) == expected
    chart.figure.draw_without_rendering()
    counts = [a.get_window_extent() for a in by_gid(chart, "casekit-move-count")]
    circles = [a.get_window_extent() for a in by_gid(chart, "casekit-column-count")]
    for a, b in itertools.combinations(counts, 2):
        assert not a.overlaps(b)
    for a, b in itertools.product(counts, circles):
        assert not a.overlaps(b)
