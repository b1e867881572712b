"""The power–interest grid (casekit.charts.grid): where it splits, its quadrants, and the grid it draws."""

from __future__ import annotations

import dataclasses

import pytest

from casekit import charts
from casekit.charts import grid
from casekit.i18n import t
from casekit.registry import SCALE


class TestQuadrantOf:
    """A cell's quadrant: high power and/or high interest from 3 up."""

    @pytest.mark.parametrize(
        ("power", "interest", "quadrant"),
        [
            (5, 5, "manage_closely"),
            (3, 3, "manage_closely"),
            (3, 2, "keep_satisfied"),
            (2, 3, "keep_informed"),
            (2, 2, "monitor"),
            (1, 1, "monitor"),
        ],
    )
    def test_splits_at_three(self, power, interest, quadrant):
        """3 and above counts as high on both axes."""
        assert grid.HIGH_FROM == 3
        assert grid.quadrant_of(power, interest) == quadrant

    def test_every_quadrant_has_words_in_both_languages(self):
        """Each quadrant's label is in the Danish and the English catalog, and they differ."""
        for key in grid.QUADRANTS:
            assert t(f"chart.quadrant.{key}", "da") != t(f"chart.quadrant.{key}", "en")

    def test_tints_are_for_three_quadrants(self):
        """Every quadrant but "monitor" is tinted."""
        assert set(grid.TINTS) == set(grid.QUADRANTS) - {"monitor"}


class TestGrid:
    """Where the grid is: a column per interest point from its left edge; both stakeholder charts draw it."""

    def test_columns_span_the_grid(self):
        """Columns are COL_W wide, from the left edge to the right edge."""
        row = {p: grid.ORIGIN + (p - SCALE[0]) for p in SCALE}
        drawn = grid.Grid(row, dict.fromkeys(SCALE, 1.0), grid.ORIGIN + len(SCALE))
        assert drawn.col(SCALE[0]) == drawn.left == grid.ORIGIN
        assert drawn.col(SCALE[-1]) + grid.COL_W == pytest.approx(drawn.right)

    @pytest.mark.parametrize("lang", ["da", "en"])
    def test_both_stakeholder_charts_draw_the_same_grid(self, case, lang):
        """The learner's map and the class's spread label the same quadrants, in the learner's language."""
        case = dataclasses.replace(case, lang=lang)
        expected = [t(f"chart.quadrant.{k}", lang) for k in grid.QUADRANTS]
        tinted = {f"casekit-{k}" for k in grid.TINTS}
        for chart in (charts.stakeholder_map(case, {}), charts.stakeholder_spread(case, [], "kim")):
            found = chart.figure.findobj(lambda a: a.get_gid() == "casekit-quadrant")
            assert [a.get_text() for a in found] == expected
            gids = [a.get_gid() for a in chart.figure.findobj()]
            assert sorted(g for g in gids if g in tinted) == sorted(tinted)
