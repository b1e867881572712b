"""The class's overview (casekit.charts.stakeholder_overview): every stakeholder the class placed on one
power–interest grid, a marker at the class's median with lines over the middle half, and its name where no
other name, marker or quadrant label is."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit import charts
from casekit.i18n import t

from .support import by_gid, marker_count

MARKERS = ("casekit-overview-at-table", "casekit-overview-absent")


def _rows(chart: charts.Chart) -> dict[str, list]:
    return {row[0]: list(row[1:]) for row in chart.table.itertuples(index=False, name=None)}


def _markers(chart: charts.Chart) -> list[tuple[float, float]]:
    """Every marker's centre, in inches from the figure's lower-left corner."""
    return [xy for gid in MARKERS for line in by_gid(chart, gid) for xy in line.get_xydata().tolist()]


class TestMarks:
    """One marker per stakeholder, at the class's median, with the middle half of its placements."""

    def test_one_marker_per_stakeholder_with_median_and_middle_half(self, case):
        """Kim placed by three (power 1, 3, 5; interest 2, 4, 4) and Sanne by one: two markers; the table
        gives each its count, median and middle half (the hinges), and the median's quadrant."""
        maps = [
            {"kim": {"power": 1, "interest": 2}, "sanne": {"power": 5, "interest": 5}},
            {"kim": {"power": 3, "interest": 4}},
            {"kim": {"power": 5, "interest": 4}},
            {},
        ]
        chart = charts.stakeholder_overview(case, maps)
        assert sum(marker_count(chart, gid) for gid in MARKERS) == 2
        rows = _rows(chart)
        assert rows["Kim"] == [3, "3", "2–4", "4", "3–4", t("chart.quadrant.manage_closely", "da")]
        assert rows["Sanne"] == [1, "5", "5", "5", "5", t("chart.quadrant.manage_closely", "da")]
        assert "4 studerende" in chart.alt and "Kim: magt 3 (midterste halvdel 2–4)" in chart.alt

    def test_the_marker_stands_at_the_median(self, case):
        """High power and low interest is up and to the left of low power and high interest; a median
        halfway between two points stands halfway between them."""
        maps = [
            {"kim": {"power": 5, "interest": 1}, "sanne": {"power": 1, "interest": 5}, "jorun": p}
            for p in ({"power": 3, "interest": 3}, {"power": 4, "interest": 3})
        ]
        chart = charts.stakeholder_overview(case, maps)
        (kim, sanne, jorun) = _markers(chart)
        assert kim[0] < jorun[0] < sanne[0] and kim[1] > jorun[1] > sanne[1]
        assert jorun[0] == pytest.approx((kim[0] + sanne[0]) / 2)
        assert jorun[1] == pytest.approx(sanne[1] + (kim[1] - sanne[1]) * 2.5 / 4)  # power 3.5 of 1..5
        assert _rows(chart)["Jorun"][1] == "3,5"

    def test_the_middle_half_is_drawn_and_agreement_is_a_bare_marker(self, case):
        """Lines across and up span the middle half of a stakeholder the class disagreed on; one everybody
        placed alike has none."""
        spread = charts.stakeholder_overview(
            case, [{"kim": {"power": p, "interest": p}} for p in (1, 2, 4, 5)]
        )
        agreed = charts.stakeholder_overview(case, [{"kim": {"power": 2, "interest": 2}}] * 4)
        (lines,) = by_gid(spread, "casekit-overview-spread")
        ends = [tuple(map(tuple, segment)) for segment in lines.get_segments()]
        assert len(ends) == 2 + 4  # across, up, and the four end caps
        assert not by_gid(agreed, "casekit-overview-spread")

    def test_stakeholders_with_the_same_median_stand_side_by_side(self, case):
        """Eight stakeholders placed alike are eight markers, none on top of another."""
        actors = [a.id for a in case.actors][:8]
        chart = charts.stakeholder_overview(case, [{a: {"power": 4, "interest": 4} for a in actors}])
        points = _markers(chart)
        assert len(points) == 8
        for (x0, y0), (x1, y1) in itertools.combinations(points, 2):
            assert max(abs(x0 - x1), abs(y0 - y1)) >= 0.25

    def test_not_at_the_table_is_a_diamond_and_own_ones_are_grouped(self, case):
        """Children and young people (not at the table) get the diamond; a stakeholder two learners added
        under the same name, typed differently, is one marker, marked as the students' own."""
        maps = [
            {"boern-unge": {"power": 1, "interest": 5}, "own-1": _own("Lærerne")},
            {"own-2": _own("  lærerne ")},
        ]
        chart = charts.stakeholder_overview(case, maps)
        assert marker_count(chart, "casekit-overview-absent") == 1
        own = t("class.chart.overview.own", "da", name="Lærerne")
        assert _rows(chart)[own][0] == 2 and own in chart.alt

    def test_nobody_placed_anyone(self, case):
        """An empty class is an empty grid that says so, with an empty table, never an error."""
        chart = charts.stakeholder_overview(case, [{}, {}])
        assert not _markers(chart) and chart.table.empty
        assert t("class.chart.overview.empty", "da", answers=2) in [
            a.get_text() for a in by_gid(chart, "casekit-note")
        ]

    def test_bad_input_raises(self, case):
        """An unknown actor or a value outside 1–5 is a ValueError naming the answer."""
        with pytest.raises(ValueError, match=r"stakeholder_overview \(answer 1\).*'nobody'"):
            charts.stakeholder_overview(case, [{}, {"nobody": {"power": 1, "interest": 1}}])
        with pytest.raises(ValueError, match="from 1 to 5"):
            charts.stakeholder_overview(case, [{"kim": {"power": 9, "interest": 1}}])
        with pytest.raises(ValueError, match="sequence of mappings"):
            charts.stakeholder_overview(case, {"kim": {"power": 1, "interest": 1}})


def _own(name: str) -> dict:
    return {"name": name, "at_table": True, "power": 3, "interest": 4}


# -- names: large, and never covered --------------------------------------------------------------------


def _extents(chart: charts.Chart, gid: str) -> list:
    return [a.get_window_extent() for a in by_gid(chart, gid)]


def _assert_readable(chart: charts.Chart, names: list[str]) -> None:
    """Every name is drawn once, inside the figure, over no other name, marker or quadrant label."""
    chart.figure.draw_without_rendering()
    labels = by_gid(chart, "casekit-overview-label")

    def bare(text: str) -> str:  # the words without the line breaks and hyphens wrapping adds
        return "".join(text.split()).replace("-", "")

    assert sorted(bare(a.get_text()) for a in labels) == sorted(bare(n) for n in names)
    boxes = _extents(chart, "casekit-overview-label")
    dpi = chart.figure.dpi
    frame = chart.figure.bbox
    for box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    for box, other in itertools.product(boxes, _extents(chart, "casekit-quadrant")):
        assert not box.overlaps(other)
    for box, (x, y) in itertools.product(boxes, _markers(chart)):
        r = 0.09 * dpi  # the marker's half width
        assert not (
            box.x0 < x * dpi + r and x * dpi - r < box.x1 and box.y0 < y * dpi + r and y * dpi - r < box.y1
        )


class TestNames:
    """Every stakeholder's name in large type, where nothing covers it."""

    def test_a_class_of_thirty_on_every_stakeholder(self, case):
        """Thirty learners place all 36 stakeholders near a stakeholder's own spot: 36 names, at 18 pt,
        none over another, a marker or a quadrant label."""
        maps = [
            {
                a.id: {"power": 1 + (i * 7 + n % 2) % 5, "interest": 1 + (i * 3 + n % 3) % 5}
                for i, a in enumerate(case.actors)
            }
            for n in range(30)
        ]
        chart = charts.stakeholder_overview(case, maps)
        _assert_readable(chart, [a.name for a in case.actors])
        assert {a.get_fontsize() for a in by_gid(chart, "casekit-overview-label")} == {18}

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_any_class_keeps_every_name_readable(self, case, data):
        """Whatever a class of 1–30 places (everyone alike included), each name is drawn, at 14 pt or
        more, over no other name, marker or quadrant label."""
        ids = [a.id for a in case.actors]
        chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=len(ids)))
        place = st.fixed_dictionaries({"power": st.integers(1, 5), "interest": st.integers(1, 5)})
        learners = data.draw(st.integers(1, 30))
        if data.draw(st.booleans()):  # everyone places everyone alike
            maps = [dict.fromkeys(chosen, data.draw(place))] * learners
        else:
            one = st.fixed_dictionaries(dict.fromkeys(chosen, place))
            maps = data.draw(st.lists(one, min_size=learners, max_size=learners))
        chart = charts.stakeholder_overview(case, maps)
        _assert_readable(chart, [a.name for a in case.actors if a.id in chosen])
        assert min(a.get_fontsize() for a in by_gid(chart, "casekit-overview-label")) >= 14

    def test_a_long_hostile_name_stays_text(self, case):
        """A case actor renamed to markup is drawn and described as the text it is."""
        renamed = dataclasses.replace(
            case,
            actors=tuple(
                dataclasses.replace(a, name="<b>$x^2$</b>") if a.id == "kim" else a for a in case.actors
            ),
        )
        chart = charts.stakeholder_overview(renamed, [{"kim": {"power": 2, "interest": 2}}])
        _assert_readable(chart, ["<b>$x^2$</b>"])
        assert "<b>$x^2$</b>" in chart.alt


def test_english(case_en):
    """In English, every word is English: the title, the key and the table's columns."""
    chart = charts.stakeholder_overview(case_en, [{"kim": {"power": 2, "interest": 4}}])
    assert chart.title == t("class.chart.overview.title", "en")
    assert t("chart.col.power_median", "en") in chart.table.columns and "students" in chart.alt
