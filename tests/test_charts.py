"""Charts: pure functions from a case and a learner's answers to a figure, alt text and a table."""

from __future__ import annotations

import base64
import dataclasses
import gc
import io
import re
import subprocess
import sys
import threading
import weakref
from pathlib import Path
from typing import ClassVar

import matplotlib
import pytest
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

import casekit
from casekit import charts
from casekit.charts import grid
from casekit.i18n import t

HOSTILE = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'


# -- fixtures and helpers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def case_en(case):
    """The same case with English as the learner's language (the case text exists in Danish only, so its
    Danish activity texts are dropped and the catalog's English words show)."""
    return dataclasses.replace(case, lang="en", activities={})


@pytest.fixture(scope="module")
def mini():
    """The tiny fixture case: three actors, one relation."""
    return casekit.load_case_dir(Path(__file__).with_name("data") / "mini")


def _texts(chart: charts.Chart) -> list[str]:
    return [a.get_text() for a in chart.figure.findobj() if hasattr(a, "get_text")]


def _by_gid(chart: charts.Chart, gid: str) -> list:
    return chart.figure.findobj(lambda a: a.get_gid() == gid)


def _marker_count(chart: charts.Chart, gid: str) -> int:
    return sum(len(line.get_xdata()) for line in _by_gid(chart, gid))


def _everywhere(case) -> dict[str, charts.Chart]:
    """One of each chart, with data in every part."""
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
    }


def _with_actor_name(case, actor_id: str, name: str):
    actors = tuple(dataclasses.replace(a, name=name) if a.id == actor_id else a for a in case.actors)
    return dataclasses.replace(case, actors=actors)


# -- the Chart --------------------------------------------------------------------------------------------


class TestChart:
    """A Chart renders to SVG, to PNG and to HTML with alt text, a caption and the table, all escaped."""

    def test_scale_is_one_to_five(self):
        """The widgets and the charts share the 1–5 scale."""
        assert charts.SCALE == (1, 2, 3, 4, 5)

    def test_to_png_is_a_png_of_the_figure_size(self, case):
        """to_png gives a decodable PNG whose pixel size is the figure's inches times the dpi."""
        chart = charts.goal_divergence(case, {"kim": 2})
        png = chart.to_png(dpi=50)
        image = Image.open(io.BytesIO(png))
        width, height = chart.figure.get_size_inches()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert image.size == (round(width * 50), round(height * 50))
        image.load()

    def test_to_png_is_deterministic(self, case):
        """The same chart gives the same bytes (no timestamp or version in the file)."""
        chart = charts.goal_divergence(case, {"kim": 2})
        assert chart.to_png(dpi=40) == chart.to_png(dpi=40)

    def test_to_png_draws_something(self, case):
        """The PNG is not blank: it has dark pixels (text) and coloured pixels (markers)."""
        image = Image.open(io.BytesIO(charts.goal_divergence(case, {"kim": 2}).to_png(dpi=60))).convert("RGB")
        colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
        assert (0, 0, 0) in colours
        assert (0x00, 0x72, 0xB2) in colours  # the blue marker

    def test_html_has_img_with_alt_caption_and_table(self, case):
        """to_html: an <img> with the alt text, a <figcaption> with the title, the table in <details>."""
        chart = charts.goal_divergence(case, {"kim": 2})
        page = chart.to_html()
        alt = re.search(r'<img alt="([^"]+)" src="data:image/svg\+xml;base64,', page)
        assert alt and alt.group(1).startswith("Placering af 1 af 5")
        assert f"<figcaption>{chart.title}</figcaption>" in page
        assert f"<details><summary>{t('chart.table_summary', 'da')}</summary><table" in page
        assert '<th scope="col">Navn</th>' in page
        assert chart._repr_html_() == page

    def test_html_escapes_actor_names(self, case):
        """A name with markup stays text in the alt, the caption and the table; no <script> gets out."""
        hostile = _with_actor_name(case, "kim", HOSTILE)
        for chart in (
            charts.stakeholder_map(hostile, {"kim": {"power": 3, "interest": 3}}),
            charts.goal_divergence(hostile, {"kim": 1}),
            charts.relations_diagram(hostile),
        ):
            page = chart.to_html()
            assert HOSTILE in chart.alt
            assert "<script" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_html_escapes_pole_text_and_shows_missing_values_as_dash(self, case):
        """Learner text is escaped; a position not placed shows as an en dash in the table."""
        chart = charts.dilemma_positions(
            case, {"dilemma-1": None}, {"dilemma-1": (HOSTILE, 'a "quoted" pole')}
        )
        page = chart.to_html()
        assert "<script" not in page
        assert "&lt;script&gt;" in page
        assert "a &#34;quoted&#34; pole" in page  # markupsafe's entity for a double quote
        assert 'a "quoted" pole' not in page
        assert "<td>–</td>" in page

    def test_figure_is_freed_with_the_chart(self, case):
        """No pyplot registry keeps figures alive: dropping the Chart frees its Figure."""
        chart = charts.stakeholder_map(case, {"kim": {"power": 1, "interest": 1}})
        chart.to_png(dpi=30)
        ref = weakref.ref(chart.figure)
        del chart
        gc.collect()
        assert ref() is None

    def test_user_style_does_not_leak_in(self, case):
        """A learner's rcParams (usetex, mathtext, a dark style) do not change or break the charts."""
        with matplotlib.rc_context({"text.usetex": True, "figure.facecolor": "black", "font.size": 5}):
            chart = charts.dilemma_positions(case, {"dilemma-1": 3}, {"dilemma-1": ("$x$", "$$")})
            png = chart.to_png(dpi=30)
        corner = Image.open(io.BytesIO(png)).convert("RGB").getpixel((1, 1))
        assert corner == (255, 255, 255)

    def test_vector_output_keeps_real_text(self, case):
        """Saved as SVG (not Agg), the labels are drawn as ordinary text, so they stay selectable."""
        chart = charts.goal_divergence(case, {"kim": 2})
        buffer = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            chart.figure.savefig(buffer, format="svg")
        assert "Musikklublederen</text>" in buffer.getvalue()

    def test_renders_from_another_thread(self, case):
        """Widget callbacks run on a kernel subshell thread: a chart builds and renders there too."""
        result: list[bytes] = []
        worker = threading.Thread(
            target=lambda: result.append(
                charts.stakeholder_map(case, {"kim": {"power": 2, "interest": 4}}).to_png(30)
            )
        )
        worker.start()
        worker.join()
        assert result and result[0].startswith(b"\x89PNG")


# -- the SVG ----------------------------------------------------------------------------------------------


def _svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


class TestSvg:
    """The SVG keeps text as text, is deterministic and safe, and is what to_html shows."""

    def test_labels_are_text_elements_with_the_names(self, case):
        """Every placed actor's name is in <text> elements (text kept as text, not paths or pixels)."""
        placed = {"kim": {"power": 2, "interest": 4}, "majbritt": {"power": 5, "interest": 4}}
        svg = charts.stakeholder_map(case, placed).to_svg()
        shown = " ".join(_svg_texts(svg))
        assert svg.startswith("<svg") and "<?xml" not in svg and "<!DOCTYPE" not in svg
        for actor_id in placed:
            assert case.actor(actor_id).name in shown
        assert t("chart.stakeholder.title", "da") in shown
        assert "<image" not in svg

    def test_is_deterministic(self, case):
        """The same inputs give the same SVG text, built twice (no date, fixed ids)."""
        placed = {"kim": {"power": 2, "interest": 4}}
        first = charts.stakeholder_map(case, placed).to_svg()
        assert first == charts.stakeholder_map(case, placed).to_svg()
        assert charts.relations_diagram(case).to_svg() == charts.relations_diagram(case).to_svg()
        assert "<dc:date>" not in first

    def test_font_family_falls_back_to_sans_serif(self, case):
        """Each text names DejaVu Sans first and ends with the generic sans-serif family."""
        svg = charts.goal_divergence(case, {"kim": 2}).to_svg()
        families = set(re.findall(r"font-family: ([^;\"]+)", svg))
        assert families and all(f.startswith("'DejaVu Sans'") and f.endswith("sans-serif") for f in families)

    @pytest.mark.parametrize("hostile", [HOSTILE, BREAKOUT])
    def test_hostile_names_and_poles_stay_text(self, case, hostile):
        """Markup in actor names or pole text is escaped text in the SVG: no script, no event handler."""
        named = _with_actor_name(case, "kim", hostile)
        for chart in (
            charts.stakeholder_map(named, {"kim": {"power": 3, "interest": 3}}),
            charts.relations_diagram(named),
            charts.goal_divergence(named, {"kim": 1}),
            charts.dilemma_positions(case, {"dilemma-1": 2}, {"dilemma-1": (hostile, hostile)}),
        ):
            svg = chart.to_svg()
            assert "<script" not in svg.lower() and "<img" not in svg.lower()
            assert not re.search(r"<[^>]*\son\w+\s*=", svg)  # no event handler in any tag
            assert "&lt;" in " ".join(_svg_texts(svg))
            decoded = base64.b64decode(
                re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', chart.to_html())[1]
            )
            assert b"<script" not in decoded.lower() and b"<img" not in decoded.lower()

    def test_html_decodes_to_the_same_svg(self, case):
        """The <img> in to_html carries exactly to_svg's document, with the figure's size in pixels."""
        chart = charts.goal_spread(case, [{"kim": 1}])
        match = re.search(
            r'src="data:image/svg\+xml;base64,([^"]+)" width="(\d+)" height="(\d+)"', chart.to_html()
        )
        assert match and base64.b64decode(match[1]).decode("utf-8") == chart.to_svg()
        width, height = chart.figure.get_size_inches() * charts.HTML_DPI
        assert (int(match[2]), int(match[3])) == (round(width), round(height))

    def test_no_private_matplotlib_names(self):
        """The charts' source imports no private matplotlib names, no FreeType or Agg internals."""
        package = Path(charts.__file__)
        sources = sorted(package.parent.glob("*.py")) if package.name == "__init__.py" else [package]
        for source in sources:
            text = source.read_text(encoding="utf-8")
            for line in re.findall(
                r"^\s*(?:from matplotlib[\w.]* import .*|import matplotlib.*)$", text, re.M
            ):
                assert not re.search(r"\b_\w+|ft2font|backend_agg|RendererAgg", line), (source.name, line)
            for banned in ("ft2font", "RendererAgg", "backend_agg", "get_hinting_flag", "LoadFlags"):
                assert banned not in text, (source.name, banned)
            assert not re.search(r"matplotlib\.(?!pyplot)\w*\._\w+|\bmatplotlib\._", text), source.name


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
        assert _marker_count(chart, "casekit-actors-at-table") == 4
        assert _marker_count(chart, "casekit-actors-absent") == 3
        assert _by_gid(chart, "casekit-actors-at-table")[0].get_marker() == "o"
        assert _by_gid(chart, "casekit-actors-absent")[0].get_marker() == "D"

    def test_each_placed_actor_is_labelled_with_its_name(self, case):
        """Every placed actor's name is drawn (wrapped onto lines where it is long)."""
        chart = charts.stakeholder_map(case, self.PLACED)
        labels = {
            a.get_label(): " ".join(a.get_text().split()) for a in _by_gid(chart, "casekit-actor-label")
        }
        assert labels == {k: case.actor(k).name for k in self.PLACED}

    @pytest.mark.parametrize("lang", ["da", "en"])
    def test_quadrant_labels_come_from_the_catalog(self, case, lang):
        """The four quadrant labels, the axis labels and the key are in the learner's language."""
        chart = charts.stakeholder_map(dataclasses.replace(case, lang=lang), self.PLACED)
        texts = _texts(chart)
        quadrants = [
            t(f"chart.quadrant.{k}", lang)
            for k in ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
        ]
        assert sorted(a.get_text() for a in _by_gid(chart, "casekit-quadrant")) == sorted(quadrants)
        for key in ("x_label", "y_label", "legend_at_table", "legend_absent", "title"):
            assert t(f"chart.stakeholder.{key}", lang) in texts
        assert chart.title == t("chart.stakeholder.title", lang)

    def test_danish_and_english_words(self, case, case_en):
        """The Danish quadrant names are the ones the case talks about; English ones differ."""
        assert "Håndtér tæt" in _texts(charts.stakeholder_map(case, {}))
        english = _texts(charts.stakeholder_map(case_en, {}))
        assert "Manage closely" in english
        assert "Håndtér tæt" not in english

    def test_quadrants_split_at_three(self, case):
        """3 and above counts as high: (5,4) manage closely, (5,2) keep satisfied, (2,5) keep informed."""
        table = charts.stakeholder_map(case, self.PLACED).table.set_index("Navn")
        assert table.loc["Majbritt", "Felt"] == "Håndtér tæt"
        assert table.loc["Flemming", "Felt"] == "Håndtér tæt"
        assert table.loc["Politikerne", "Felt"] == "Hold tilfreds"
        assert table.loc["Kim", "Felt"] == "Hold informeret"
        assert table.loc["Borgerne", "Felt"] == "Overvåg"

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
        boxes = [a.get_window_extent() for a in _by_gid(chart, "casekit-actor-label")]
        assert len(boxes) == 10
        for i, first in enumerate(boxes):
            for second in boxes[i + 1 :]:
                assert not first.overlaps(second)
        quadrant_labels = [a.get_window_extent() for a in _by_gid(chart, "casekit-quadrant")]
        assert not any(q.overlaps(b) for q in quadrant_labels for b in boxes)

    def test_nothing_placed_yet(self, case):
        """With no placements the grid is drawn, nothing plotted, and a note counts who is missing."""
        chart = charts.stakeholder_map(case, {})
        assert _marker_count(chart, "casekit-actors-at-table") == 0
        assert (
            _by_gid(chart, "casekit-note")[0]
            .get_text()
            .startswith(f"Ikke placeret endnu: {len(case.actors)} af")
        )

    def test_partial_placement_is_not_placed(self, case):
        """An entry with power but no interest yet (``None``) is not placed yet."""
        chart = charts.stakeholder_map(case, {"kim": {"power": 4, "interest": None}})
        assert _marker_count(chart, "casekit-actors-at-table") == 0
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
        assert _marker_count(chart, "casekit-actors-at-table") == 1
        assert _marker_count(chart, "casekit-actors-absent") == 1


# -- relations diagram ------------------------------------------------------------------------------------


class TestRelationsDiagram:
    """Who leads, reports to, sits in the project group, represents and interrupts; who is absent."""

    def test_every_related_and_absent_actor_has_a_box(self, case):
        """A box per actor in a relation or not at the table; the absent ones have dashed frames."""
        chart = charts.relations_diagram(case)
        related = {r.source for r in case.relations} | {r.target for r in case.relations}
        absent = [a for a in case.actors if not a.at_table]
        boxes = len(_by_gid(chart, "casekit-node")) + len(_by_gid(chart, "casekit-group"))
        assert boxes == len(related - {a.id for a in absent})
        dashed = _by_gid(chart, "casekit-node-absent")
        assert len(dashed) == len(absent)
        assert all(box.get_linestyle() != "-" for box in dashed)

    def test_project_group_is_a_frame_around_its_members(self, case):
        """member_of is drawn as containment: the members' boxes lie inside the group's frame."""
        chart = charts.relations_diagram(case)
        (group,) = _by_gid(chart, "casekit-group")
        frame = group.get_window_extent()
        members = {r.source for r in case.relations if r.type == "member_of"}
        labels = {a.get_label(): a for a in _by_gid(chart, "casekit-node-label")}
        for actor_id in members:
            box = labels[actor_id].get_window_extent()
            assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), actor_id

    def test_one_arrow_per_relation_not_drawn_as_a_frame(self, case):
        """Every relation but membership is an arrow, styled by its type."""
        chart = charts.relations_diagram(case)
        for kind in {r.type for r in case.relations} - {"member_of"}:
            expected = sum(r.type == kind for r in case.relations)
            assert len(_by_gid(chart, f"casekit-edge-{kind}")) == expected, kind
        styles = {
            (to_rgba(a.get_edgecolor())[:3], str(a.get_linestyle()))
            for kind in ("leads", "reports_to", "represents", "interrupts", "initiated_by")
            for a in _by_gid(chart, f"casekit-edge-{kind}")[:1]
        }
        assert len(styles) == 5  # no two types look alike

    def test_key_uses_the_case_labels(self, case):
        """The key names each relation type with the case's own label."""
        texts = _texts(charts.relations_diagram(case))
        assert "→ leder" in texts
        assert "→ afbryder" in texts
        assert t("chart.relations.legend_member", "da", relation="er medlem af") in texts
        assert t("chart.relations.legend_absent", "da") in texts

    def test_absent_actors_are_in_the_bottom_row(self, case):
        """Children, parents, citizens, volunteers and politicians sit below everyone else."""
        chart = charts.relations_diagram(case)
        lowest_present = min(b.get_window_extent().y0 for b in _by_gid(chart, "casekit-node"))
        assert all(b.get_window_extent().y1 < lowest_present for b in _by_gid(chart, "casekit-node-absent"))

    def test_alt_and_table(self, case):
        """The alt text states every relation as a sentence; the table has one row per relation."""
        chart = charts.relations_diagram(case)
        assert "Majbritt afbryder Sanne." in chart.alt
        assert "Kim leder Projektgruppen." in chart.alt
        assert "Ikke ved bordet (nederst, stiplet ramme): Børn og unge," in chart.alt
        assert list(chart.table.columns) == ["Fra", "Relation", "Til", "Belæg i teksten"]
        assert len(chart.table) == len(case.relations)
        assert chart.table.iloc[-1]["Relation"] == "afbryder"

    def test_mini_case(self, mini):
        """A case without groups or leaders still draws: two boxes, one arrow, one absent group."""
        chart = charts.relations_diagram(mini)
        assert len(_by_gid(chart, "casekit-node")) == 2
        assert len(_by_gid(chart, "casekit-node-absent")) == 1
        assert len(_by_gid(chart, "casekit-edge-interrupts")) == 1
        chart.to_png(dpi=30)


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
        assert [a.get_text() for a in _by_gid(chart, "casekit-row-label")] == speakers
        assert _marker_count(chart, "casekit-placements") == 2
        assert len(_by_gid(chart, "casekit-not-placed")) == len(speakers) - 2
        poles = {a.get_text() for a in _by_gid(chart, "casekit-pole")}
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
        assert table.loc["Majbritt", "Citaterne står i"] == "del-2 ¶2"
        assert table.loc["Kim", "Citaterne står i"] == "del-1 ¶2, del-1 ¶3, del-2 ¶2"

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
        (bubbles,) = _by_gid(chart, "casekit-bubbles")
        assert len(bubbles.get_paths()) == 4
        assert sorted(a.get_text() for a in _by_gid(chart, "casekit-count")) == ["1", "1", "1", "2"]

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
        (bubbles,) = _by_gid(chart, "casekit-bubbles")
        assert len(bubbles.get_paths()) == 2
        assert sorted(a.get_text() for a in _by_gid(chart, "casekit-count")) == ["1", "3"]
        quadrants = {a.get_text() for a in _by_gid(chart, "casekit-quadrant")}
        assert quadrants == {t(f"chart.quadrant.{k}", "da") for k in grid.QUADRANTS}

    def test_alt_text_states_the_numbers(self, case):
        """The alt text gives how many placed the stakeholder, and the count per cell by quadrant."""
        alt = charts.stakeholder_spread(case, [{"kim": {"power": 4, "interest": 5}}, {}], "kim").alt
        assert "Kim: 1 af 2 studerende" in alt and "Håndtér tæt: 1 (1 på magt 4, interesse 5)." in alt

    def test_hostile_name_stays_text(self, case):
        """A stakeholder name with markup is escaped in the HTML and the SVG."""
        named = _with_actor_name(case, "kim", HOSTILE)
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
        assert poles["right"] in " ".join(a.get_text() for a in _by_gid(chart, "casekit-pole"))
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
        assert len(_by_gid(chart, "casekit-bar-hatched")) == 1
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
        texts = [a.get_text() for a in _by_gid(chart, "casekit-count")]
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
        assert [a.get_text() for a in _by_gid(chart, "casekit-row-label")] == [
            "Dilemma 1",
            "Dilemma 2",
            "Dilemma 3",
        ]
        assert _marker_count(chart, "casekit-placements") == 2
        poles = [a.get_text() for a in _by_gid(chart, "casekit-pole")]
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
        for label in _by_gid(chart, "casekit-pole"):
            shown = label.get_text().replace("\n", " ")
            assert len(shown) <= 41
        assert chart.table.iloc[0]["Pol ved 1"] == pole  # the table keeps the learner's words whole

    def test_long_text_is_cut_with_an_ellipsis(self, case):
        """Pole text is cut to about 40 characters with "…" in the figure, whole in the alt text."""
        long = "Kommunal styring af hele processen fra start til slut uden afvigelser"
        chart = charts.dilemma_positions(case, {"dilemma-1": 1}, {"dilemma-1": (long, "kort")})
        left = _by_gid(chart, "casekit-pole")[0].get_text().replace("\n", " ")
        assert left.endswith("…") and len(left) <= 40
        assert long in chart.alt

    def test_missing_glyphs_become_one_box(self, case):
        """A run of characters the font lacks (an emoji family) shows as one □ in the figure."""
        chart = charts.dilemma_positions(case, {"dilemma-1": 1}, {"dilemma-1": ("a 👨‍👩‍👧 b", "")})
        assert _by_gid(chart, "casekit-pole")[0].get_text() == "a □ b"

    def test_bad_input_raises(self, case):
        """A position off the scale, or poles that are not a pair, raise ValueError."""
        with pytest.raises(ValueError, match=r"position of 'dilemma-1' must be .* got 7"):
            charts.dilemma_positions(case, {"dilemma-1": 7}, {})
        with pytest.raises(ValueError, match="must be a pair"):
            charts.dilemma_positions(case, {}, {"dilemma-1": "only one"})


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
        figures = charts.export_figures(case, answers)
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
        figures = charts.export_figures(case, answers)
        assert len(figures) == 2
        assert "med 1 af" in figures[0].alt
        assert "Dilemma 3: 4" in figures[1].alt
        assert "Dilemma 2" not in figures[1].alt

    @pytest.mark.parametrize(
        "answers", [{}, None, [], {"stakeholder-map": None, "goal-divergence": {"x": 1}}]
    )
    def test_nothing_usable_gives_no_figures(self, case, answers):
        """Empty or unusable answers give an empty list, never an error."""
        assert charts.export_figures(case, answers) == []


# -- the rules for every chart ----------------------------------------------------------------------------


def _colours(chart: charts.Chart) -> set[tuple[float, float, float]]:
    """Every colour an artist of the figure paints with (ignoring alpha and "none")."""
    found: list = []
    for artist in chart.figure.findobj():
        if isinstance(artist, Line2D):
            found += [artist.get_color(), artist.get_markerfacecolor(), artist.get_markeredgecolor()]
        elif isinstance(artist, Patch):
            found += [artist.get_facecolor(), artist.get_edgecolor()]
        elif isinstance(artist, Collection):
            found += list(artist.get_facecolors()) + list(artist.get_edgecolors())
        elif hasattr(artist, "get_color"):
            found.append(artist.get_color())
    rgba = [to_rgba(c) for c in found if not (isinstance(c, str) and c == "none")]
    return {c[:3] for c in rgba if c[3] > 0}


def _is_tint(colour: tuple[float, ...], base: tuple[float, ...]) -> bool:
    """``colour`` is white + t·(``base`` − white) for one t in [0, 1]: ``base`` lightened (t = 0 is white)."""
    pairs = list(zip(colour, base, strict=True))
    if any(abs(c - 1) > 1e-6 for c, b in pairs if b == 1):
        return False
    ts = [(1 - c) / (1 - b) for c, b in pairs if b < 1]
    return max(ts) - min(ts) < 0.02 and min(ts) >= -1e-6 and max(ts) <= 1 + 1e-6


@pytest.mark.parametrize(
    "name",
    [
        "stakeholder_map",
        "relations_diagram",
        "goal_divergence",
        "goal_spread",
        "dilemma_positions",
        "stakeholder_spread",
        "dilemma_spread",
        "decision_split",
        "answer_counts",
    ],
)
class TestEveryChart:
    """Every chart: Okabe–Ito colours, fonts large enough to project, a title, alt text and a table."""

    def test_colours_are_okabe_ito(self, case, name):
        """Every colour is an Okabe–Ito colour, white, or an Okabe–Ito colour lightened toward white."""
        palette = [to_rgba(c)[:3] for c in charts.OKABE_ITO.values()]
        for colour in _colours(_everywhere(case)[name]):
            assert any(_is_tint(colour, base) for base in palette), colour

    def test_fonts_are_large_enough(self, case, name):
        """Labels are at least 13 pt and the title at least 16 pt, at the figure's natural size."""
        chart = _everywhere(case)[name]
        labels = [a for a in chart.figure.findobj() if hasattr(a, "get_fontsize") and a.get_text()]
        assert labels and min(a.get_fontsize() for a in labels) >= 13
        (title,) = _by_gid(chart, "casekit-title")
        assert title.get_fontsize() >= 16 and title.get_text() == chart.title

    def test_has_alt_text_and_table(self, case, name):
        """A non-empty alt text that is more than the title, and a non-empty table."""
        chart = _everywhere(case)[name]
        assert len(chart.alt) > len(chart.title) + 20
        assert not chart.table.empty

    def test_no_scoring_words(self, case, name):
        """No chart grades the learner: no "correct", "right answer" or score anywhere."""
        chart = _everywhere(case)[name]
        words = " ".join([chart.alt, chart.title, *_texts(chart), *map(str, chart.table.columns)]).lower()
        for banned in ("korrekt", "rigtigt svar", "facit", "point", "score", "correct", "right answer"):
            assert banned not in words


def test_catalog_keys_match_between_languages():
    """Every chart.* string exists in Danish and English."""
    from casekit.i18n import catalog

    da = {k for k in catalog("da") if k.startswith("chart.")}
    assert da and da == {k for k in catalog("en") if k.startswith("chart.")}


def test_import_casekit_does_not_import_matplotlib():
    """`import casekit` stays light: neither matplotlib nor pandas is imported."""
    code = "import sys, casekit; print(any(m.split('.')[0] in ('matplotlib', 'pandas') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_charts_never_touch_pyplot():
    """Building and rendering every chart does not import pyplot, so no GUI backend or figure registry."""
    code = (
        "import sys, casekit\n"
        "from casekit import charts\n"
        "c = casekit.load_case('samskabelse')\n"
        "charts.stakeholder_map(c, {'kim': {'power': 1, 'interest': 2}}).to_html()\n"
        "charts.relations_diagram(c).to_html()\n"
        "charts.goal_spread(c, [{'kim': 1}]).to_html()\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class TestOwnStakeholdersOnTheMap:
    """The learner's own stakeholders are drawn, described and tabled like the case's."""

    OWN: ClassVar[dict] = {"own-1": {"name": "Lærerne <b>", "at_table": False, "power": 4, "interest": 5}}

    def test_drawn_with_the_typed_name(self, case):
        """The own stakeholder's label is its typed name, with a diamond for "not at the table"."""
        chart = charts.stakeholder_map(case, self.OWN)
        assert "Lærerne <b>" in _texts(chart)
        assert _marker_count(chart, "casekit-actors-absent") == 1

    def test_alt_and_table_mark_it_as_the_learners_own(self, case):
        """The alt text and the table name it, marked as the learner's own."""
        chart = charts.stakeholder_map(case, self.OWN)
        marked = t("map.own.marker", "da", name="Lærerne <b>")
        assert marked in chart.alt
        assert t("map.own.alt", "da", names="Lærerne <b>") in chart.alt
        assert chart.table.iloc[-1].tolist()[:3] == [marked, 4, 5]
        assert "Lærerne <b>" not in chart.to_html()

    def test_export_figures_include_it(self, case):
        """The hand-in's map includes a placed own stakeholder."""
        figures = charts.export_figures(case, {"stakeholder-map": self.OWN})
        assert "Lærerne <b> (din egen)" in figures[0].alt

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
