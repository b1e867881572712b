"""What every chart is made of: the Chart, the palette and type sizes, the chart's own rcParams, text
measured and wrapped from the font, drawing in inches on a bare Figure, and the checks on a chart's input.

The chart modules of this package share these names; nothing outside :mod:`casekit.charts` uses them.
Text is measured for wrapping from the font's advance widths (read with fontTools, a matplotlib
dependency), not by a renderer, and drawn on a bare Figure in inches from its lower-left corner
(``Figure.dpi_scale_trans``; no Axes, ticks or layout engine, which a redraw on every widget change cannot
afford).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import TYPE_CHECKING, Any

import matplotlib
import pandas as pd
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from casekit import registry
from casekit._templates import render
from casekit.case import Actor
from casekit.errors import ChartDataError
from casekit.i18n import t
from casekit.registry import SCALE

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from casekit.case import Case

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The colour-blind-safe palette of Okabe & Ito (2008); every colour in a chart is one of these or white."""

HTML_DPI = 80
"""Pixels per inch of the figure in :meth:`Chart.to_html` (the ``<img>``'s width and height). The figures
are 10–13 in wide, so a chart is about 1000 px wide with 13 pt labels at 14 px; the SVG scales from there."""

BLACK, WHITE = OKABE_ITO["black"], "#FFFFFF"
_FONT = "DejaVu Sans"  # ships with matplotlib, so every machine measures the same; has the Danish letters
_TITLE_PT, LABEL_PT, AXIS_PT, QUADRANT_PT = 18, 13, 14, 15
_MISSING_GLYPH = "□"
LINE_H = LABEL_PT * 1.2 * 1.16 / 72  # room for a line of a label (line spacing 1.2), in inches, even with Å
_TEXT: dict[str, Any] = {
    "color": BLACK,
    "linespacing": 1.2,
    "parse_math": False,
    "usetex": False,
    "zorder": 5,
}

# Settings that must not depend on a learner's or instructor's own rcParams or style sheet (what each
# artist is given explicitly is not here). In the SVG the font family is written as the whole
# "sans-serif" list, then the generic name, as the browser's fallbacks.
_RC: dict[RcKeyType, Any] = {
    "font.family": ["sans-serif"],
    "font.sans-serif": [_FONT, "Helvetica Neue", "Arial"],
    "font.style": "normal",
    "font.variant": "normal",
    "font.weight": "normal",
    "font.stretch": "normal",
    "text.hinting": "default",
    "figure.autolayout": False,
    "figure.constrained_layout.use": False,
    "savefig.facecolor": WHITE,
    "savefig.edgecolor": WHITE,
    "savefig.transparent": False,
    "savefig.bbox": "standard",
    "savefig.pad_inches": 0.1,
    "path.sketch": None,
    "patch.force_edgecolor": False,
    "lines.scale_dashes": True,
    "svg.fonttype": "none",
    "svg.hashsalt": "casekit",
    "svg.image_inline": True,
}
# Widget callbacks may build and render from a kernel subshell thread; rcParams are process-wide.
_LOCK = threading.RLock()


@contextlib.contextmanager
def _chart_rc() -> Iterator[None]:
    """The chart's own rcParams (only the keys in ``_RC``: ``rc_context`` would copy all ~300), locked."""
    with _LOCK:
        saved = {key: matplotlib.rcParams[key] for key in _RC}
        matplotlib.rcParams.update(_RC)
        try:
            yield
        finally:
            matplotlib.rcParams.update(saved)


def tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` lightened toward white, ``amount`` of it left: what ``alpha=amount`` gives over white."""
    r, g, b = (1 - amount * (1 - c) for c in to_rgba(colour)[:3])
    return r, g, b


# -- the Chart ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Chart:
    """A drawn chart: the figure, its title, an alt text that states the data, and the data as a table.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure; not registered with ``pyplot``, so it is freed with the Chart.
    title : str
        The title, in the learner's language.
    alt : str
        A description of the figure including its data, for screen readers and the hand-in.
    table : pandas.DataFrame
        The numbers behind the figure, columns named in the learner's language.
    lang : str
        The language of the words (used for the table's summary line in :meth:`to_html`).
    """

    figure: Figure
    title: str
    alt: str
    table: pd.DataFrame
    lang: str = "da"

    def to_svg(self) -> str:
        """The figure as an SVG document (no XML prologue) with its text as ``<text>``; no date in it.

        The same chart always gives the same text: fixed ids, no time, the browser's sans-serif fallbacks.
        """
        buffer = io.StringIO()
        with _chart_rc():
            self.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "casekit"})
        svg = buffer.getvalue()
        return svg[svg.index("<svg") :]

    def to_png(self, dpi: float = 100) -> bytes:
        """The figure as PNG bytes at ``dpi``: opaque white background, no version or time metadata."""
        buffer = io.BytesIO()
        with _chart_rc():
            self.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()

    def to_html(self) -> str:
        """The figure as an SVG ``<img>`` with alt text and a caption, then the table in a ``<details>``.

        Everything from the data or the learner is escaped (an autoescaped template); the image is an
        inline ``data:`` URI, so the HTML stands alone (a notebook output, an exported hand-in).
        """
        width, height = (round(v * HTML_DPI) for v in self.figure.get_size_inches())
        src = "data:image/svg+xml;base64," + base64.b64encode(self.to_svg().encode("utf-8")).decode("ascii")
        rows = [[_cell(v) for v in row] for row in self.table.itertuples(index=False, name=None)]
        return render(
            "chart.html.j2",
            alt=self.alt,
            src=src,
            width=width,
            height=height,
            title=self.title,
            summary=t("chart.table_summary", self.lang),
            columns=[str(c) for c in self.table.columns],
            rows=rows,
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        rows, cols = self.table.shape
        return f"Chart({self.title!r}, table={rows}×{cols})"


def _cell(value: object) -> str:
    """A table cell's text; a missing value shows as an en dash."""
    return "–" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def table_frame(
    lang: str, keys: Sequence[str], rows: Sequence[Sequence[object]], ints: Sequence[int] = ()
) -> pd.DataFrame:
    """A table with columns named from the catalog (``chart.col.<key>``); ``ints`` columns may be empty."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in keys]
    return pd.DataFrame(
        {
            t(f"chart.col.{key}", lang): pd.array(list(values), dtype="Int64") if i in ints else list(values)
            for i, (key, values) in enumerate(zip(keys, columns, strict=True))
        }
    )


def join_names(names: Sequence[str], lang: str) -> str:
    """Names joined as a list in the learner's language, or "none"."""
    return t("chart.list_sep", lang).join(names) if names else t("chart.none", lang)


# -- text: which characters the font has, widths, wrapping -------------------------------------------------


@functools.cache
def _advances(bold: bool = False) -> dict[str, float]:
    """Character -> advance width at 1 pt, in points, for every character the chart font has."""
    with TTFont(findfont(FontProperties(family=_FONT, weight="bold" if bold else "normal"))) as font:
        per_em, metrics = font["head"].unitsPerEm, font["hmtx"].metrics
        return {chr(code): metrics[name][0] / per_em for code, name in font.getBestCmap().items()}


@functools.lru_cache(maxsize=4096)
def fig_text(text: str) -> str:
    """Text safe to draw: one line, each run of characters the font lacks (emoji…) shown as one □."""
    out: list[str] = []
    for char in " ".join(str(text).split()):
        if unicodedata.category(char) == "Cf" or "\ufe00" <= char <= "\ufe0f":
            continue  # joiners and variation selectors: invisible, and they would split a run of □
        if char in _advances():
            out.append(char)
        elif not out or out[-1] != _MISSING_GLYPH:
            out.append(_MISSING_GLYPH)
    return "".join(out)


def width_in(text: str, size: float = LABEL_PT, bold: bool = False) -> float:
    """Width of ``text`` in inches: the advances summed (no kerning, which only narrows), 2 % to spare."""
    advances = _advances(bold)
    return sum(advances.get(c, 1.0) for c in text) * size * 1.02 / 72


@functools.lru_cache(maxsize=4096)
def wrap(text: str, width: float, size: float = LABEL_PT, hyphenate: bool = True) -> tuple[str, ...]:
    """Greedy word wrap to ``width`` inches; a word over 8 % too wide is split with a hyphen (if asked)."""
    words: list[str] = []
    for word in text.split():
        while hyphenate and len(word) >= 8 and width_in(word, size) > width * 1.08:
            cuts = range(len(word) - 4, 4, -1)  # at least four letters on each side
            own = next((c for c in cuts if word[c - 1] == "-" and width_in(word[:c], size) <= width), 0)
            cut = own or next((c for c in cuts if width_in(word[:c] + "-", size) <= width), 4)
            words.append(word[:cut] if own else word[:cut] + "-")
            word = word[cut:]
        words.append(word)
    lines: list[str] = []
    for word in words:
        if lines and width_in(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines) or ("",)


def truncate(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- drawing in inches on the Figure -----------------------------------------------------------------------


class Sketch:
    """A bare Figure drawn on in inches from its lower-left corner: no Axes (hundreds of objects each)."""

    def __init__(self, width: float, height: float, title: str, title_pt: float = _TITLE_PT) -> None:
        self.figure = Figure(figsize=(width, height), dpi=HTML_DPI, facecolor=WHITE, edgecolor=WHITE)
        self.inches, self.width, self.height = self.figure.dpi_scale_trans, width, height
        self.text(
            0.3, height - 0.25, fig_text(title), size=title_pt, bold=True, va="top", gid="casekit-title"
        )

    def add(self, artist: Any, gid: str | None = None) -> Any:
        """Add ``artist``, placed in inches, with an SVG id hook."""
        artist.set(gid=gid, transform=self.inches)
        return self.figure.add_artist(artist)

    def text(
        self, x: float, y: float, text: str, size: float = LABEL_PT, bold: bool = False, **kw: Any
    ) -> Text:
        """A plain-text label (never mathtext or TeX); ``kw``: ha, va, rotation, gid, label."""
        weight = "bold" if bold else "normal"
        kw.setdefault("va", "baseline")
        return self.figure.text(
            x, y, text, fontsize=size, fontweight=weight, transform=self.inches, **_TEXT, **kw
        )

    def lines(self, segments: Any, gid: str | None = None, width: float = 1.5, **kw: Any) -> LineCollection:
        """Line segments, black and below the text unless ``kw`` (LineCollection's keywords) say otherwise."""
        kw.setdefault("colors", BLACK)
        return self.add(LineCollection(segments, linewidths=width, zorder=kw.pop("zorder", 1), **kw), gid)

    def rect(self, x: float, y: float, w: float, h: float, gid: str | None = None, **kw: Any) -> Rectangle:
        """A rectangle at the bottom, with no fill and no edge unless ``kw`` gives them."""
        kw = {"facecolor": "none", "edgecolor": "none", "linewidth": 0.0, "zorder": 0, **kw}
        return self.add(Rectangle((x, y), w, h, **kw), gid)

    def markers(
        self, points: Sequence[tuple[float, float]], gid: str, style: tuple[str, str, float]
    ) -> Line2D:
        """Markers without a line; ``style`` is (marker, fill colour, size)."""
        (xs, ys), (marker, face, size) = zip(*points, strict=True), style
        line = Line2D(xs, ys, linestyle="none", color=BLACK, marker=marker, markersize=size, zorder=6)
        line.set(markerfacecolor=face, markeredgecolor=BLACK, markeredgewidth=1.2)
        return self.add(line, gid)


def build(draw: Any, *args: Any) -> Chart:
    """Run ``draw(*args)`` with the chart's rcParams (one thread at a time: rcParams are global)."""
    with _chart_rc():
        return draw(*args)


# -- validation: bad input to a chart function is a ChartDataError ------------------------------------------


def scale_point(value: object, what: str) -> int | None:
    """``value`` as a point on :data:`SCALE`, ``None`` for "not placed"; anything else is an error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) not in SCALE:
        raise ChartDataError(f"{what} must be a whole number from {SCALE[0]} to {SCALE[-1]}, got {value!r}")
    return int(value)


def case_actor(case: Case, actor_id: object, func: str) -> Actor:
    """The case's actor of that id, or an error naming the ids there are."""
    found = next((a for a in case.actors if a.id == actor_id), None)
    if found is None:
        known = ", ".join(a.id for a in case.actors)
        raise ChartDataError(f"{func}: unknown actor id {actor_id!r}; the case {case.id!r} has: {known}")
    return found


def speaking(case: Case) -> tuple[Actor, ...]:
    """The actors who speak in the case text, in case order."""
    return tuple(a for a in case.actors if a.speaks)


def goal_placements(case: Case, placements: object, func: str) -> dict[str, int]:
    """Validate ``actor id -> 1..5`` for speaking actors; ``None`` means not placed."""
    if not isinstance(placements, Mapping):
        raise ChartDataError(f"{func}: placements must be a mapping of actor id to 1–5, got {placements!r}")
    result: dict[str, int] = {}
    for actor_id, value in placements.items():
        if not case_actor(case, actor_id, func).speaks:
            raise ChartDataError(
                f"{func}: actor {actor_id!r} does not speak in the case, so it has no place here"
            )
        point = scale_point(value, f"{func}: the position of {actor_id!r}")
        if point is not None:
            result[actor_id] = point
    return result


def own_actor(key: str, entry: Mapping[str, Any], func: str) -> Actor:
    """A stakeholder the learner added (a key :func:`casekit.registry.is_own_stakeholder` accepts) as an
    :class:`Actor` of the map, named as typed."""
    name, at_table = entry.get("name"), entry.get("at_table", True)
    if not isinstance(name, str) or not 0 < len(name.strip()) <= registry.OWN_NAME_MAX:
        limit = registry.OWN_NAME_MAX
        raise ChartDataError(f"{func}: the name of {key!r} must be text of 1 to {limit} characters")
    if not isinstance(at_table, bool):
        raise ChartDataError(f"{func}: at_table of {key!r} must be true or false, got {at_table!r}")
    return Actor(key, name.strip(), "group", "", "", (), False, None, None, at_table)
