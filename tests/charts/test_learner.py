"""The learner's own charts (casekit.charts.learner): the stakeholder map, goal divergence and the
dilemma positions."""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

import pytest

from casekit import charts
from casekit.i18n import t

from .support import by_gid, figure_texts, marker_count

# -- stakeholder map --------------------------------------------------------------------------------------


class TestStakeholderMap:
    """The power–interest grid: one marker per placed actor, labelled quadrants, the rest listed."""

    PLACED: ClassVar[dict[str, dict[str, int]]] = {
        "majbritt": {"power": 5, "interest": 4},
        "flemming": {"power": 5, "interest": 3},
        "kim": {"power": 2, "interest": 5},
        "lars": {"power": 4, "interest": 1},
        "boern-unge": {"power": 1, "interest": 5},
        "politikere": {"power": 5, "interest": 2},
        "borgere": {"power": 1, "interest": 1},
    }

    def test_one_marker_per_placed_actor_absent_ones_as_diamonds(self, case):
        """Placed actors at the table are circles, those not at the table diamonds; no more, no less."""
        chart = charts.stakeholder_map(case, self.PLACED)
        assert marker_count(chart, "casekit-actors-at-table") == 4
        assert marker_count(chart, "casekit-actors-absent") == 3
        assert by_gid(chart, "casekit-actors-at-table")[0].get_marker() == "o"
        assert by_gid(chart, "casekit-actors-absent")[0].get_marker() == "D"

    def test_each_placed_actor_is_labelled_with_its_name(self, case):
        """Every placed actor's name is drawn (wrapped onto lines where it is long)."""
        chart = charts.stakeholder_map(case, self.PLACED)
        labels = {a.get_label(): " ".join(a.get_text().split()) for a in by_gid(chart, "casekit-actor-label")}
        assert labels == {k: case.actor(k).name for k in self.PLACED}

    @pytest.mark.parametrize("lang", ["da", "en"])
    def test_quadrant_labels_come_from_the_catalog(self, case, lang):
        """The four quadrant labels, the axis labels and the key are in the learner's language."""
        chart = charts.stakeholder_map(dataclasses.replace(case, lang=lang), self.PLACED)
        texts = figure_texts(chart)
        quadrants = [
            t(f"chart.quadrant.{k}", lang)
            for k in ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
        ]
        assert sorted(a.get_text() for a in by_gid(chart, "casekit-quadrant")) == sorted(quadrants)
        for key in ("x_label", "y_label", "legend_at_table", "legend_absent", "title"):
            assert t(f"chart.stakeholder.{key}", lang) in texts
        assert chart.title == t("chart.stakeholder.title", lang)

    def test_danish_and_english_words(self, case, case_en):
        """The Danish quadrant names are the ones the case talks about; English ones differ."""
        assert "Håndtér tæt" in figure_texts(charts.stakeholder_map(case, {}))
        english = figure_texts(charts.stakeholder_map(case_en, {}))
        assert "Manage closely" in english
        assert "Håndtér tæt" not in english

    def test_quadrants_split_at_three(self, case):
        """3 and above counts as high: (5,4) manage closely, (5,2) keep satisfied, (2,5) keep informed."""
        table = charts.stakeholder_map(case, self.PLACED).table.set_index(t("chart.col.name", "da"))
        quadrant = table[t("chart.col.quadrant", "da")]
        assert quadrant["Majbritt"] == t("chart.quadrant.manage_closely", "da")
        assert quadrant["Flemming"] == t("chart.quadrant.manage_closely", "da")
        assert quadrant["Politikerne"] == t("chart.quadrant.keep_satisfied", "da")
        assert quadrant["Kim"] == t("chart.quadrant.keep_informed", "da")
        assert quadrant["Borgerne"] == t("chart.quadrant.monitor", "da")

    def test_alt_text_names_actors_by_quadrant_and_counts_the_rest(self, case):
        """The alt text states how many are placed, who is in each quadrant, and who is not placed yet."""
        alt = charts.stakeholder_map(case, self.PLACED).alt
        assert alt.startswith(f"Magt–interesse-kort med 7 af {len(case.actors)} interessenter placeret.")
        assert "Håndtér tæt: Flemming, Majbritt." in alt  # in case order
        assert "Hold tilfreds: Lars, Politikerne." in alt
        assert "Ikke ved bordet (vist som ruder): Børn og unge, Borgerne, Politikerne." in alt
        assert f"Ikke placeret endnu ({len(case.actors) - 7}): Sanne," in alt

    def test_table_has_one_row_per_actor_with_values(self, case):
        """Columns name, power, interest, quadrant, at the table; unplaced actors have no values."""
        table = charts.stakeholder_map(case, self.PLACED).table
        assert list(table.columns) == ["Navn", "Magt", "Interesse", "Felt", "Ved bordet"]
        assert list(table["Navn"]) == [a.name for a in case.actors]
        row = table.set_index("Navn").loc["Majbritt"]
        assert (row["Magt"], row["Interesse"], row["Ved bordet"]) == (5, 4, "Ja")
        sanne = table.set_index("Navn").loc["Sanne"]
        assert sanne.isna()["Magt"] and sanne["Felt"] == "ikke placeret"
        assert table.set_index("Navn").loc["Børn og unge", "Ved bordet"] == "Nej"

    def test_english_table_columns(self, case_en):
        """The table's column names follow the learner's language."""
        table = charts.stakeholder_map(case_en, self.PLACED).table
        assert list(table.columns) == ["Name", "Power", "Interest", "Quadrant", "At the table"]

    def test_crowded_cell_stays_readable(self, case):
        """Ten actors in one cell: their labels do not overlap each other, and the row grows to fit."""
        crowd = {a.id: {"power": 3, "interest": 3} for a in case.actors[:10]}
        chart = charts.stakeholder_map(case, crowd)
        boxes = [a.get_window_extent() for a in by_gid(chart, "casekit-actor-label")]
        assert len(boxes) == 10
        for i, first in enumerate(boxes):
            for second in boxes[i + 1 :]:
                assert not first.overlaps(second)
        quadrant_labels = [a.get_window_extent() for a in by_gid(chart, "casekit-quadrant")]
        assert not any(q.overlaps(b) for q in quadrant_labels for b in boxes)

    def test_nothing_placed_yet(self, case):
        """With no placements the grid is drawn, nothing plotted, and a note counts who is missing."""
        chart = charts.stakeholder_map(case, {})
        assert marker_count(chart, "casekit-actors-at-table") == 0
        assert (
            by_gid(chart, "casekit-note")[0]
            .get_text()
            .startswith(f"Ikke placeret endnu: {len(case.actors)} af")
        )

    def test_partial_placement_is_not_placed(self, case):
        """An entry with power but no interest yet (``None``) is not placed yet."""
        chart = charts.stakeholder_map(case, {"kim": {"power": 4, "interest": None}})
        assert marker_count(chart, "casekit-actors-at-table") == 0
        assert "0 af" in chart.alt

    def test_unknown_actor_raises(self, case):
        """An unknown actor id raises ValueError naming it."""
        with pytest.raises(ValueError, match="unknown actor id 'nobody'"):
            charts.stakeholder_map(case, {"nobody": {"power": 1, "interest": 1}})

    @pytest.mark.parametrize("value", [0, 6, -1, 2.5, "3", True])
    def test_out_of_range_raises(self, case, value):
        """A value off the 1–5 scale (or not a whole number) raises ValueError naming actor and value."""
        with pytest.raises(
            ValueError, match=rf"the power of 'kim' must be .* 1 to 5, got {re.escape(repr(value))}"
        ):
            charts.stakeholder_map(case, {"kim": {"power": value, "interest": 3}})

    def test_malformed_entry_raises(self, case):
        """An entry that is not a power/interest mapping, or has other keys, raises ValueError."""
        with pytest.raises(ValueError, match="'kim' must be a mapping"):
            charts.stakeholder_map(case, {"kim": 3})
        with pytest.raises(ValueError, match="unknown keys \\['Power'\\]"):
            charts.stakeholder_map(case, {"kim": {"Power": 3, "interest": 3}})

    def test_mini_case(self, mini):
        """Works on any case, e.g. the three-actor fixture."""
        chart = charts.stakeholder_map(
            mini, {"ada": {"power": 5, "interest": 5}, "elever": {"power": 1, "interest": 5}}
        )
        assert marker_count(chart, "casekit-actors-at-table") == 1
        assert marker_count(chart, "casekit-actors-absent") == 1


# -- goal divergence and spread ---------------------------------------------------------------------------


class TestGoalDivergence:
    """One row per speaking actor on the scale from one common goal to room for different goals."""

    def test_poles_come_from_the_case_activity(self, case):
        """The scale's ends read as the activity names them, the same words the widget shows."""
        chart = charts.goal_divergence(case, {"kim": 2})
        assert "1 (Ét fælles mål) til 5 (Plads til forskellige mål)" in chart.alt
        changed = dataclasses.replace(
            case, activities={"goal-divergence": {"left": "Styring", "right": "Frihed"}}
        )
        assert "1 (Styring) til 5 (Frihed)" in charts.goal_divergence(changed, {"kim": 2}).alt

    def test_rows_markers_and_not_placed(self, case):
        """A row label per speaker, a marker per placement, "ikke placeret" for the rest."""
        chart = charts.goal_divergence(case, {"kim": 1, "jorun": 5})
        speakers = [a.name for a in case.actors if a.speaks]
        assert [a.get_text() for a in by_gid(chart, "casekit-row-label")] == speakers
        assert marker_count(chart, "casekit-placements") == 2
        assert len(by_gid(chart, "casekit-not-placed")) == len(speakers) - 2
        poles = {a.get_text() for a in by_gid(chart, "casekit-pole")}
        assert poles == {"← Ét fælles mål", "Plads til forskellige mål →"}

    def test_table_counts_quotes_and_names_paragraphs(self, case):
        """Columns: name, position, number of quotes, the paragraphs they are in."""
        table = charts.goal_divergence(case, {"majbritt": 2}).table.set_index("Navn")
        assert list(table.columns) == ["Placering", "Antal citater", "Citaterne står i"]
        for actor in (a for a in case.actors if a.speaks):
            assert table.loc[actor.name, "Antal citater"] == sum(
                u.speaker == actor.id for u in case.utterances
            )
        assert table.loc["Majbritt", "Placering"] == 2
        assert table.loc["Majbritt", "Citaterne står i"] == case.cite("del-2 ¶2") == "Del 2 ¶2"
        assert table.loc["Kim", "Citaterne står i"] == "Del 1 ¶2, Del 1 ¶3, Del 2 ¶2"

    def test_alt_text(self, case):
        """The alt text gives each speaker's position or says not placed."""
        alt = charts.goal_divergence(case, {"kim": 4}).alt
        assert alt.startswith("Placering af 1 af 5 talende aktører på en skala fra 1 (Ét fælles mål)")
        assert "Kim: 4." in alt
        assert "Sanne: ikke placeret." in alt

    def test_english(self, case_en):
        """Poles and columns in English."""
        chart = charts.goal_divergence(case_en, {"kim": 4})
        assert "One common goal" in chart.alt
        assert list(chart.table.columns)[:2] == ["Name", "Position"]

    def test_bad_placements_raise(self, case):
        """Unknown ids, actors who do not speak, and values off the scale raise ValueError."""
        with pytest.raises(ValueError, match="unknown actor id 'x'"):
            charts.goal_divergence(case, {"x": 1})
        with pytest.raises(ValueError, match="'flemming' does not speak"):
            charts.goal_divergence(case, {"flemming": 1})
        with pytest.raises(ValueError, match=r"position of 'kim' must be .* got 9"):
            charts.goal_divergence(case, {"kim": 9})


# -- dilemma positions ------------------------------------------------------------------------------------


class TestDilemmaPositions:
    """Positions between two poles the learner named; the learner's text never breaks the figure."""

    def test_rows_markers_and_poles(self, case):
        """A row per dilemma in number order, a marker per position, the poles under the ends."""
        chart = charts.dilemma_positions(
            case,
            {"dilemma-3": 5, "dilemma-1": 2, "dilemma-2": None},
            {"dilemma-1": ("Styring", "Frihed"), "dilemma-3": ("Individuelt", "Fælles")},
        )
        assert [a.get_text() for a in by_gid(chart, "casekit-row-label")] == [
            "Dilemma 1",
            "Dilemma 2",
            "Dilemma 3",
        ]
        assert marker_count(chart, "casekit-placements") == 2
        poles = [a.get_text() for a in by_gid(chart, "casekit-pole")]
        assert poles == [
            "Styring",
            "Frihed",
            "(ingen pol skrevet)",
            "(ingen pol skrevet)",
            "Individuelt",
            "Fælles",
        ]
        assert list(chart.table.columns) == ["Dilemma", "Pol ved 1", "Placering", "Pol ved 5"]
        assert chart.table.iloc[1].isna()["Placering"]
        assert "Dilemma 1: 2 mellem »Styring« (1) og »Frihed« (5)." in chart.alt
        assert "Dilemma 2: ikke placeret" in chart.alt

    @pytest.mark.parametrize(
        "pole",
        [
            "$x^2$ costs $5 and $$",
            "<b>bold</b> & <script>",
            "ord " * 200,
            "Ærø 😀 👨‍👩‍👧 🇩🇰 ✅",
            "\\mathrm{x} _ ^ % { }",
            "line\nbreak\ttab",
            "",
        ],
    )
    def test_odd_pole_text_does_not_break_the_figure(self, case, pole):
        """Mathtext, markup, very long text, emoji and control characters draw without error or warning."""
        chart = charts.dilemma_positions(case, {"dilemma-1": 3}, {"dilemma-1": (pole, pole)})
        assert chart.to_png(dpi=40).startswith(b"\x89PNG")
        for label in by_gid(chart, "casekit-pole"):
            shown = label.get_text().replace("\n", " ")
            assert len(shown) <= 41
        assert chart.table.iloc[0]["Pol ved 1"] == pole  # the table keeps the learner's words whole

    def test_long_text_is_cut_with_an_ellipsis(self, case):
        """Pole text is cut to about 40 characters with "…" in the figure, whole in the alt text."""
        long = "Kommunal styring af hele processen fra start til slut uden afvigelser"
        chart = charts.dilemma_positions(case, {"dilemma-1": 1}, {"dilemma-1": (long, "kort")})
        left = by_gid(chart, "casekit-pole")[0].get_text().replace("\n", " ")
        assert left.endswith("…") and len(left) <= 40
        assert long in chart.alt

    def test_missing_glyphs_become_one_box(self, case):
        """A run of characters the font lacks (an emoji family) shows as one □ in the figure."""
        chart = charts.dilemma_positions(case, {"dilemma-1": 1}, {"dilemma-1": ("a 👨‍👩‍👧 b", "")})
        assert by_gid(chart, "casekit-pole")[0].get_text() == "a □ b"

    def test_bad_input_raises(self, case):
        """A position off the scale, or poles that are not a pair, raise ValueError."""
        with pytest.raises(ValueError, match=r"position of 'dilemma-1' must be .* got 7"):
            charts.dilemma_positions(case, {"dilemma-1": 7}, {})
        with pytest.raises(ValueError, match="must be a pair"):
            charts.dilemma_positions(case, {}, {"dilemma-1": "only one"})


class TestOwnStakeholdersOnTheMap:
    """The learner's own stakeholders are drawn, described and tabled like the case's."""

    OWN: ClassVar[dict] = {"own-1": {"name": "Lærerne <b>", "at_table": False, "power": 4, "interest": 5}}

    def test_drawn_with_the_typed_name(self, case):
        """The own stakeholder's label is its typed name, with a diamond for "not at the table"."""
        chart = charts.stakeholder_map(case, self.OWN)
        assert "Lærerne <b>" in figure_texts(chart)
        assert marker_count(chart, "casekit-actors-absent") == 1

    def test_alt_and_table_mark_it_as_the_learners_own(self, case):
        """The alt text and the table name it, marked as the learner's own."""
        chart = charts.stakeholder_map(case, self.OWN)
        marked = t("map.own.marker", "da", name="Lærerne <b>")
        assert marked in chart.alt
        assert t("map.own.alt", "da", names="Lærerne <b>") in chart.alt
        assert chart.table.iloc[-1].tolist()[:3] == [marked, 4, 5]
        assert "Lærerne <b>" not in chart.to_html()
