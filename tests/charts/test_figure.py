"""What every chart shares (casekit.charts._figure): a Chart renders to SVG, PNG and HTML, escaped and
deterministic; the Okabe–Ito colours, type large enough to project, alt text and a table; no pyplot."""

from __future__ import annotations

import base64
import gc
import io
import re
import subprocess
import sys
import threading
import weakref
from pathlib import Path

import matplotlib
import pytest
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

from casekit import charts
from casekit.i18n import t

from .support import BREAKOUT, HOSTILE, by_gid, everywhere, figure_texts, with_actor_name

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
        hostile = with_actor_name(case, "kim", HOSTILE)
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
        named = with_actor_name(case, "kim", hostile)
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
        "stakeholder_overview",
        "goal_moves",
        "dilemma_moves",
    ],
)
class TestEveryChart:
    """Every chart: Okabe–Ito colours, fonts large enough to project, a title, alt text and a table."""

    def test_colours_are_okabe_ito(self, case, name):
        """Every colour is an Okabe–Ito colour, white, or an Okabe–Ito colour lightened toward white."""
        palette = [to_rgba(c)[:3] for c in charts.OKABE_ITO.values()]
        for colour in _colours(everywhere(case)[name]):
            assert any(_is_tint(colour, base) for base in palette), colour

    def test_fonts_are_large_enough(self, case, name):
        """Labels are at least 13 pt and the title at least 16 pt, at the figure's natural size."""
        chart = everywhere(case)[name]
        labels = [a for a in chart.figure.findobj() if hasattr(a, "get_fontsize") and a.get_text()]
        assert labels and min(a.get_fontsize() for a in labels) >= 13
        (title,) = by_gid(chart, "casekit-title")
        assert title.get_fontsize() >= 16 and title.get_text() == chart.title

    def test_has_alt_text_and_table(self, case, name):
        """A non-empty alt text that is more than the title, and a non-empty table."""
        chart = everywhere(case)[name]
        assert len(chart.alt) > len(chart.title) + 20
        assert not chart.table.empty

    def test_no_scoring_words(self, case, name):
        """No chart grades the learner: no "correct", "right answer" or score anywhere."""
        chart = everywhere(case)[name]
        words = " ".join(
            [chart.alt, chart.title, *figure_texts(chart), *map(str, chart.table.columns)]
        ).lower()
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
