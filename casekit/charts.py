"""Charts: pure functions from a case and a learner's answers to a figure, its alt text and its numbers.

Every function returns a :class:`Chart`: a matplotlib :class:`~matplotlib.figure.Figure` (built without
``pyplot``, so no global figure registry and no GUI backend), a title, an alt text that states the data,
and the numbers behind the figure as a :class:`pandas.DataFrame` with columns named in the learner's
language. Nothing here reads or writes files, and nothing is scored: a chart shows what a learner placed,
never a "right" placement.

Readability (DESIGN.md, principle 6): the Okabe–Ito palette; meaning never carried by colour alone
(markers, line styles and words as well); labels of at least 13 pt and titles of 18 pt at the figure's
natural size. Every word comes from ``casekit/locales/<lang>/charts.yaml``. A chart is shown as SVG with
its text kept as text (``svg.fonttype: none``), so it stays sharp on a projector and can be selected,
searched and zoomed (WCAG 2.2 SC 1.4.5); the browser draws it in DejaVu Sans or its own sans-serif.

Only matplotlib's public API is used: texts, patches, collections and lines on a bare Figure, placed in
inches from its lower-left corner (``Figure.dpi_scale_trans``; no Axes, ticks or layout engine, which a
redraw on every widget change cannot afford). Text is measured for wrapping from the font's advance
widths (read with fontTools, a matplotlib dependency), not by a renderer. This module imports matplotlib
and pandas; ``import casekit`` does not import this module.
"""

from __future__ import annotations

import base64
import functools
import io
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import TYPE_CHECKING, Any

import matplotlib
import pandas as pd
from fontTools.ttLib import TTFont
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.text import Text

from casekit._templates import render
from casekit.i18n import t

if TYPE_CHECKING:
    from casekit.case import Actor, Case
    from casekit.export import ExportFigure

__all__ = [
    "HTML_DPI",
    "OKABE_ITO",
    "SCALE",
    "Chart",
    "dilemma_positions",
    "export_figures",
    "goal_divergence",
    "goal_spread",
    "relations_diagram",
    "stakeholder_map",
]

SCALE = (1, 2, 3, 4, 5)
"""The 1–5 scale used by every placement widget and chart."""

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

_BLACK = OKABE_ITO["black"]
_WHITE = "#FFFFFF"
_FONT = "DejaVu Sans"  # ships with matplotlib, so every machine measures the same; has the Danish letters
_TITLE_PT, _LABEL_PT, _AXIS_PT, _QUADRANT_PT = 18, 13, 14, 15
_LINE_SPACING = 1.2
_MISSING_GLYPH = "□"
_POLE_CHARS = 40

# Settings that must not depend on a learner's or instructor's own rcParams or style sheet. In the SVG the
# font family is written as the whole "sans-serif" list, then the generic name, as the browser's fallbacks.
_RC = {
    "font.family": ["sans-serif"],
    "font.sans-serif": [_FONT, "Helvetica Neue", "Arial"],
    "font.size": _LABEL_PT,
    "font.style": "normal",
    "font.variant": "normal",
    "font.weight": "normal",
    "font.stretch": "normal",
    "text.usetex": False,
    "text.parse_math": False,
    "text.hinting": "default",
    "text.color": _BLACK,
    "figure.facecolor": _WHITE,
    "figure.edgecolor": _WHITE,
    "figure.autolayout": False,
    "figure.constrained_layout.use": False,
    "savefig.facecolor": _WHITE,
    "savefig.edgecolor": _WHITE,
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
_TEXT_STYLE = {"color": _BLACK, "linespacing": _LINE_SPACING, "parse_math": False, "usetex": False}
_MARKER_STYLE = {"linestyle": "none", "color": _BLACK, "markeredgecolor": _BLACK, "markeredgewidth": 1.2}
_SVG_METADATA = {"Date": None, "Creator": "casekit"}
_PNG_METADATA = {"Software": None}

# Widget callbacks may build and render from a kernel subshell thread; rcParams are process-wide.
_LOCK = threading.RLock()


class _ChartRc:
    """The chart's own rcParams while building and rendering, whatever a learner's style sets.

    Only the keys in ``_RC`` are swapped and put back (``matplotlib.rc_context`` copies and re-validates
    all ~300 settings on the way in and out, a few ms on every redraw).
    """

    def __enter__(self) -> None:
        _LOCK.acquire()
        try:
            self._saved = {key: matplotlib.rcParams[key] for key in _RC}
            matplotlib.rcParams.update(_RC)
        except BaseException:
            _LOCK.release()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            matplotlib.rcParams.update(self._saved)
        finally:
            _LOCK.release()


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` lightened toward white, ``amount`` of it left: what ``alpha=amount`` gives over white."""
    return tuple(1 - amount * (1 - c) for c in to_rgba(colour)[:3])  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------------------
# The Chart
# ---------------------------------------------------------------------------------------------------------


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
        with _ChartRc():
            self.figure.savefig(buffer, format="svg", metadata=_SVG_METADATA)
        svg = buffer.getvalue()
        return svg[svg.index("<svg") :]

    def to_png(self, dpi: float = 100) -> bytes:
        """The figure as PNG bytes at ``dpi``: opaque white background, no version or time metadata."""
        buffer = io.BytesIO()
        with _ChartRc():
            self.figure.savefig(buffer, format="png", dpi=dpi, metadata=_PNG_METADATA)
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
        return f"<Chart {self.title!r}: table {rows}×{cols}>"


def _cell(value: object) -> str:
    """A table cell's text; a missing value shows as an en dash."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return str(value)


def _frame(
    lang: str, keys: Sequence[str], rows: Sequence[Sequence[object]], integer: Sequence[int] = ()
) -> pd.DataFrame:
    """A table with columns named from the catalog (``chart.col.<key>``); ``integer`` columns may be empty."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in keys]
    data = {
        t(f"chart.col.{key}", lang): pd.array(list(values), dtype="Int64") if i in integer else list(values)
        for i, (key, values) in enumerate(zip(keys, columns, strict=True))
    }
    return pd.DataFrame(data)


def _join(names: Sequence[str], lang: str) -> str:
    return t("chart.list_sep", lang).join(names) if names else t("chart.none", lang)


# ---------------------------------------------------------------------------------------------------------
# Text: which characters the font has, widths, wrapping
# ---------------------------------------------------------------------------------------------------------


@functools.cache
def _advances(bold: bool = False) -> dict[str, float]:
    """Character -> advance width at 1 pt, in points, for every character the chart font has."""
    path = findfont(FontProperties(family=_FONT, weight="bold" if bold else "normal"))
    with TTFont(path) as font:
        per_em, metrics = font["head"].unitsPerEm, font["hmtx"].metrics
        return {chr(code): metrics[name][0] / per_em for code, name in font.getBestCmap().items()}


@functools.lru_cache(maxsize=4096)
def _fig_text(text: str) -> str:
    """Text safe to draw: one line, each run of characters the font lacks (emoji…) shown as one □.

    The alt text and the table keep the original; only the picture needs the substitute.
    """
    out: list[str] = []
    known = _advances()
    for char in " ".join(str(text).split()):
        if unicodedata.category(char) == "Cf" or "\ufe00" <= char <= "\ufe0f":
            continue  # joiners and variation selectors: invisible, and they would split a run of □
        if char in known:
            out.append(char)
        elif not out or out[-1] != _MISSING_GLYPH:
            out.append(_MISSING_GLYPH)
    return "".join(out)


def _truncate(text: object, limit: int = _POLE_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _width_in(text: str, size: float = _LABEL_PT, bold: bool = False) -> float:
    """Width of ``text`` in inches: the advances summed (no kerning, which only narrows), 2 % to spare."""
    advances = _advances(bold)
    return sum(advances.get(c, 1.0) for c in text) * size * 1.02 / 72


def _line_h(size: float = _LABEL_PT) -> float:
    """Room for one line of a label, in inches: more than a matplotlib line step even with Å or É."""
    return size * _LINE_SPACING * 1.16 / 72


@functools.lru_cache(maxsize=4096)
def _wrap(text: str, width: float, size: float = _LABEL_PT, hyphenate: bool = True) -> tuple[str, ...]:
    """Word wrap to ``width`` inches in as few lines as possible, as evenly filled as possible.

    A word up to 8 % too wide stays whole (it runs into the padding); a longer one is split with a hyphen
    (unless ``hyphenate`` is false: a box can grow instead), after a hyphen of its own where it has one,
    leaving at least four letters on each side.
    """
    words: list[str] = []
    for word in text.split():
        while hyphenate and _width_in(word, size) > width * 1.08 and len(word) >= 8:
            head, word = _split_word(word, width, size)
            words.append(head)
        words.append(word)
    if not words:
        return ("",)
    # best[i] = (lines, raggedness, breaks) for the words from i to the end
    best: list[tuple[int, float, tuple[int, ...]]] = [(0, 0.0, ())] * (len(words) + 1)
    for i in range(len(words) - 1, -1, -1):
        options = []
        for j in range(i + 1, len(words) + 1):
            line_w = _width_in(" ".join(words[i:j]), size)
            if line_w > width and j > i + 1:
                break
            lines, ragged, breaks = best[j]
            options.append((lines + 1, ragged + (width - line_w) ** 2, (j, *breaks)))
        best[i] = min(options)
    out, start = [], 0
    for end in best[0][2]:
        out.append(" ".join(words[start:end]))
        start = end
    return tuple(out)


def _split_word(word: str, width: float, size: float) -> tuple[str, str]:
    """The longest head of ``word`` that fits ``width`` (with a hyphen), and the rest."""
    for cut in range(len(word) - 4, 3, -1):
        if word[cut - 1] == "-" and _width_in(word[:cut], size) <= width:
            return word[:cut], word[cut:]
    cut = len(word) - 4
    while cut > 4 and _width_in(word[:cut] + "-", size) > width:
        cut -= 1
    return word[:cut] + "-", word[cut:]


# ---------------------------------------------------------------------------------------------------------
# Drawing in inches on the Figure
# ---------------------------------------------------------------------------------------------------------


class _Sketch:
    """A Figure drawn on in inches from its lower-left corner (``figure.dpi_scale_trans``), without Axes.

    No Axes, ticks or layout engine: a widget redraws a chart on every change, and each Axes is a few
    hundred objects for the garbage collector to walk.
    """

    def __init__(self, width: float, height: float) -> None:
        self.figure = Figure(figsize=(width, height), dpi=HTML_DPI, facecolor=_WHITE, edgecolor=_WHITE)
        self.inches = self.figure.dpi_scale_trans
        self.width, self.height = width, height

    def add(self, artist: Any, gid: str | None = None) -> Any:
        artist.set(gid=gid, transform=self.inches)
        return self.figure.add_artist(artist)

    def text(
        self, x: float, y: float, text: str, *, size: float = _LABEL_PT, bold: bool = False, **kwargs: Any
    ) -> Text:
        """A plain-text label (never mathtext or TeX); ``kwargs``: ha, va, rotation, gid, label."""
        kwargs = {"va": "baseline", "zorder": 5, "fontweight": "bold" if bold else "normal", **kwargs}
        return self.figure.text(x, y, text, fontsize=size, transform=self.inches, **_TEXT_STYLE, **kwargs)

    def title(self, text: str, x: float = 0.3) -> Text:
        y = self.height - 0.25
        return self.text(x, y, _fig_text(text), size=_TITLE_PT, bold=True, va="top", gid="casekit-title")

    def lines(self, segments: Sequence, gid: str | None = None, **style: Any) -> LineCollection:
        """Line segments; ``style`` as for LineCollection (default black, 1 pt, solid, below the text)."""
        return self.add(LineCollection(segments, **{"colors": _BLACK, "zorder": 1, **style}), gid)

    def rect(self, x: float, y: float, w: float, h: float, gid: str | None = None, **style: Any) -> Rectangle:
        """A rectangle; ``style`` as for Rectangle (default no fill, no edge, at the bottom)."""
        style = {"facecolor": "none", "edgecolor": "none", "linewidth": 0.0, "zorder": 0, **style}
        return self.add(Rectangle((x, y), w, h, **style), gid)

    def markers(self, points: Sequence[tuple[float, float]], gid: str, **style: Any) -> Line2D:
        """Markers without a line; ``style``: marker, markersize, markerfacecolor."""
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return self.add(Line2D(xs, ys, zorder=6, **_MARKER_STYLE, **style), gid)


def _build(draw: Callable[..., Chart], *args: Any) -> Chart:
    """Run ``draw(*args)`` with the chart's rcParams (one thread at a time: rcParams are global)."""
    with _ChartRc():
        return draw(*args)


# ---------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------


def _scale_value(value: object, what: str) -> int | None:
    """``value`` as a point on :data:`SCALE`, ``None`` for "not placed"; anything else is a ValueError."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) not in SCALE:
        raise ValueError(f"{what} must be a whole number from {SCALE[0]} to {SCALE[-1]}, got {value!r}")
    return int(value)


def _known_actor(case: Case, actor_id: object, func: str) -> Actor:
    for actor in case.actors:
        if actor.id == actor_id:
            return actor
    known = ", ".join(a.id for a in case.actors)
    raise ValueError(f"{func}: unknown actor id {actor_id!r}; the case {case.id!r} has: {known}")


def _speaking(case: Case) -> tuple[Actor, ...]:
    return tuple(a for a in case.actors if a.speaks)


def _goal_placements(case: Case, placements: object, func: str) -> dict[str, int]:
    """Validate ``actor id -> 1..5`` for speaking actors; ``None`` means not placed."""
    if not isinstance(placements, Mapping):
        raise ValueError(f"{func}: placements must be a mapping of actor id to 1–5, got {placements!r}")
    result: dict[str, int] = {}
    for actor_id, value in placements.items():
        actor = _known_actor(case, actor_id, func)
        if not actor.speaks:
            raise ValueError(
                f"{func}: actor {actor_id!r} does not speak in the case, so it has no place here"
            )
        point = _scale_value(value, f"{func}: the position of {actor_id!r}")
        if point is not None:
            result[actor.id] = point
    return result


# ---------------------------------------------------------------------------------------------------------
# Stakeholder map: the power–interest grid
# ---------------------------------------------------------------------------------------------------------

_HIGH_FROM = 3  # a point on the 1–5 scale counts as "high" from 3 up: the grid splits at 3
_QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
_QUADRANT_TINT = {
    "manage_closely": OKABE_ITO["orange"],
    "keep_satisfied": OKABE_ITO["sky_blue"],
    "keep_informed": OKABE_ITO["bluish_green"],
    "monitor": None,
}
_COL_W = 2.2  # inches per interest column
_CELL_PAD = 0.08
_MARKER_GUTTER = 0.3
_MIN_ROW_H = 0.8
_QUADRANT_BAND = 0.42  # room for the quadrant label at the top of row 5 and at the bottom of row 1
_ENTRY_GAP = 0.05
_MAP_MARGIN = {"left": 1.05, "right": 0.3, "top": 1.0, "bottom": 1.05}
_AT_TABLE_MARKER = {"marker": "o", "markerfacecolor": OKABE_ITO["blue"], "markersize": 11.0}
_ABSENT_MARKER = {"marker": "D", "markerfacecolor": OKABE_ITO["vermillion"], "markersize": 9.5}


def _quadrant(power: int, interest: int) -> str:
    """The quadrant key of a cell: high power and/or high interest from :data:`_HIGH_FROM` up."""
    high_power, high_interest = power >= _HIGH_FROM, interest >= _HIGH_FROM
    if high_power:
        return "manage_closely" if high_interest else "keep_satisfied"
    return "keep_informed" if high_interest else "monitor"


def _stakeholder_placements(case: Case, placements: object) -> dict[str, tuple[int, int]]:
    """Validate ``actor id -> {"power", "interest"}``; an entry with a ``None`` is not placed yet."""
    func = "stakeholder_map"
    if not isinstance(placements, Mapping):
        raise ValueError(f"{func}: placements must be a mapping of actor id to power and interest")
    result: dict[str, tuple[int, int]] = {}
    for actor_id, entry in placements.items():
        actor = _known_actor(case, actor_id, func)
        if not isinstance(entry, Mapping):
            raise ValueError(
                f"{func}: the placement of {actor_id!r} must be a mapping with power and interest"
            )
        extra = sorted(str(k) for k in entry if k not in ("power", "interest"))
        if extra:
            raise ValueError(f"{func}: the placement of {actor_id!r} has unknown keys {extra}")
        power = _scale_value(entry.get("power"), f"{func}: the power of {actor_id!r}")
        interest = _scale_value(entry.get("interest"), f"{func}: the interest of {actor_id!r}")
        if power is not None and interest is not None:
            result[actor.id] = (power, interest)
    return result


def _name_lines(actor: Actor) -> tuple[str, ...]:
    return _wrap(_fig_text(actor.name), _COL_W - 2 * _CELL_PAD - _MARKER_GUTTER)


def _row_heights(cells: Mapping[tuple[int, int], list[Actor]]) -> dict[int, float]:
    """Each power row as tall as its fullest cell, so stacked names never overlap; bands for labels."""
    heights: dict[int, float] = {}
    for power in SCALE:
        need = _MIN_ROW_H
        for actors in (cells.get((power, interest), []) for interest in SCALE):
            if actors:
                lines = sum(len(_name_lines(a)) for a in actors)
                need = max(need, lines * _line_h() + _ENTRY_GAP * (len(actors) - 1) + 2 * _CELL_PAD + 0.06)
        heights[power] = need + (_QUADRANT_BAND if power in (SCALE[0], SCALE[-1]) else 0.0)
    return heights


@dataclass(frozen=True)
class _Grid:
    """Where the power–interest grid lies on the figure, in inches."""

    left: float
    bottom: float
    heights: Mapping[int, float]

    @property
    def width(self) -> float:
        return _COL_W * len(SCALE)

    @property
    def height(self) -> float:
        return sum(self.heights.values())

    def row_bottom(self, power: int) -> float:
        return self.bottom + sum(self.heights[p] for p in SCALE if p < power)

    def col_left(self, interest: int) -> float:
        return self.left + _COL_W * (interest - SCALE[0])


def _draw_grid(sketch: _Sketch, grid: _Grid, lang: str) -> None:
    """Tinted quadrants, the cell grid, the split lines, the quadrant labels, the scale and axis labels."""
    right, top = grid.left + grid.width, grid.bottom + grid.height
    split_x, split_y = grid.col_left(_HIGH_FROM), grid.row_bottom(_HIGH_FROM)
    boxes = {
        "manage_closely": (split_x, split_y, right, top),
        "keep_satisfied": (grid.left, split_y, split_x, top),
        "keep_informed": (split_x, grid.bottom, right, split_y),
        "monitor": (grid.left, grid.bottom, split_x, split_y),
    }
    for key, (x0, y0, x1, y1) in boxes.items():
        if _QUADRANT_TINT[key]:
            face = _tint(_QUADRANT_TINT[key], 0.14)
            sketch.rect(x0, y0, x1 - x0, y1 - y0, gid=f"casekit-{key}", facecolor=face)
        upper = y1 == top
        label = _fig_text(t(f"chart.quadrant.{key}", lang))
        y, va = (y1 - 0.12, "top") if upper else (y0 + 0.12, "bottom")
        sketch.text(x0 + 0.12, y, label, size=_QUADRANT_PT, bold=True, va=va, gid="casekit-quadrant")
    cells = [[(grid.col_left(i), grid.bottom), (grid.col_left(i), top)] for i in SCALE[1:] if i != _HIGH_FROM]
    cells += [
        [(grid.left, grid.row_bottom(p)), (right, grid.row_bottom(p))] for p in SCALE[1:] if p != _HIGH_FROM
    ]
    sketch.lines(cells, alpha=0.2, linewidths=1.0)
    splits = [[(split_x, grid.bottom), (split_x, top)], [(grid.left, split_y), (right, split_y)]]
    sketch.lines(splits, alpha=0.8, linewidths=2.4, zorder=2)
    sketch.rect(grid.left, grid.bottom, grid.width, grid.height, edgecolor=_BLACK, linewidth=1.4, zorder=2)
    for point in SCALE:
        sketch.text(grid.col_left(point) + _COL_W / 2, grid.bottom - 0.1, str(point), ha="center", va="top")
        middle = grid.row_bottom(point) + grid.heights[point] / 2
        sketch.text(grid.left - 0.14, middle, str(point), ha="right", va="center")
    x_label, y_label = (_fig_text(t(f"chart.stakeholder.{k}", lang)) for k in ("x_label", "y_label"))
    middle_x, middle_y = grid.left + grid.width / 2, grid.bottom + grid.height / 2
    sketch.text(middle_x, grid.bottom - 0.45, x_label, size=_AXIS_PT, ha="center", va="top")
    sketch.text(grid.left - 0.62, middle_y, y_label, size=_AXIS_PT, ha="center", va="center", rotation=90)


def _draw_actors(sketch: _Sketch, grid: _Grid, cells: Mapping[tuple[int, int], list[Actor]]) -> None:
    """The stacked, wrapped names of the placed actors, and one marker artist per marker kind."""
    points: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for (power, interest), actors in cells.items():
        x = grid.col_left(interest) + _CELL_PAD
        y = grid.row_bottom(power) + grid.heights[power] - _CELL_PAD - 0.03
        if power == SCALE[-1]:
            y -= _QUADRANT_BAND
        for actor in actors:
            lines = _name_lines(actor)
            points[actor.at_table].append((x + 0.13, y - 0.105))
            text = "\n".join(lines)
            sketch.text(x + _MARKER_GUTTER, y, text, va="top", gid="casekit-actor-label", label=actor.id)
            y -= len(lines) * _line_h() + _ENTRY_GAP
    for at_table, style in ((True, _AT_TABLE_MARKER), (False, _ABSENT_MARKER)):
        if points[at_table]:
            gid = "casekit-actors-at-table" if at_table else "casekit-actors-absent"
            sketch.markers(points[at_table], gid, **style)


def _draw_marker_legend(sketch: _Sketch, right: float, y: float, lang: str) -> None:
    """The key to the two markers, right-aligned above the grid."""
    entries = (
        (_AT_TABLE_MARKER, t("chart.stakeholder.legend_at_table", lang)),
        (_ABSENT_MARKER, t("chart.stakeholder.legend_absent", lang)),
    )
    x = right
    for style, label in reversed(entries):
        label = _fig_text(label)
        sketch.text(x, y, label, ha="right", va="center", gid="casekit-legend")
        x -= _width_in(label) + 0.22
        sketch.markers([(x, y)], "casekit-key", **style)
        x -= 0.45


def _stakeholder_alt(case: Case, placed: Mapping[str, tuple[int, int]]) -> str:
    lang = case.lang
    parts = [t("chart.stakeholder.alt", lang, placed=len(placed), total=len(case.actors))]
    for key in _QUADRANTS:
        names = [a.name for a in case.actors if a.id in placed and _quadrant(*placed[a.id]) == key]
        if names:
            quadrant = t(f"chart.quadrant.{key}", lang)
            parts.append(
                t("chart.stakeholder.alt_quadrant", lang, quadrant=quadrant, names=_join(names, lang))
            )
    absent = [a.name for a in case.actors if a.id in placed and not a.at_table]
    if absent:
        parts.append(t("chart.stakeholder.alt_absent", lang, names=_join(absent, lang)))
    missing = [a.name for a in case.actors if a.id not in placed]
    if missing:
        parts.append(
            t("chart.stakeholder.alt_not_placed", lang, count=len(missing), names=_join(missing, lang))
        )
    return " ".join(parts)


def _stakeholder_table(case: Case, placed: Mapping[str, tuple[int, int]]) -> pd.DataFrame:
    lang = case.lang
    rows = []
    for actor in case.actors:
        power, interest = placed.get(actor.id, (None, None))
        quadrant = (
            t(f"chart.quadrant.{_quadrant(power, interest)}", lang)
            if power is not None and interest is not None
            else t("chart.not_placed", lang)
        )
        rows.append(
            (actor.name, power, interest, quadrant, t("chart.yes" if actor.at_table else "chart.no", lang))
        )
    return _frame(lang, ("name", "power", "interest", "quadrant", "at_table"), rows, integer=(1, 2))


def stakeholder_map(case: Case, placements: Mapping[str, Mapping[str, int]]) -> Chart:
    """The learner's power–interest grid (Bryson 2004; Mendelow).

    Interest runs across and power up, both on :data:`SCALE`. The grid splits at 3 (3 and above counts as
    high) into four quadrants labelled in the learner's language: manage closely, keep satisfied, keep
    informed and monitor. Each placed actor is a marker with its name; several actors in one cell are
    stacked, and a power row grows to fit its fullest cell, so no name covers another. Actors not at the
    table are diamonds, the others circles, with a key above the grid.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language of every word.
    placements : Mapping[str, Mapping[str, int]]
        Actor id -> ``{"power": 1..5, "interest": 1..5}``. An actor left out (or with a ``None`` value)
        is "not placed yet": counted under the grid, named in the alt text and the table, not drawn.

    Returns
    -------
    Chart
        Table columns: name, power, interest, quadrant, at the table; one row per actor in case order.

    Raises
    ------
    ValueError
        For an unknown actor id, a value outside 1–5, or an entry that is not a power/interest mapping.
    """
    placed = _stakeholder_placements(case, placements)
    return _build(_draw_stakeholder_map, case, placed)


def _draw_stakeholder_map(case: Case, placed: Mapping[str, tuple[int, int]]) -> Chart:
    lang = case.lang
    cells: dict[tuple[int, int], list[Actor]] = {}
    for actor in case.actors:
        if actor.id in placed:
            cells.setdefault(placed[actor.id], []).append(actor)
    margin = _MAP_MARGIN
    grid = _Grid(margin["left"], margin["bottom"], _row_heights(cells))
    sketch = _Sketch(
        margin["left"] + grid.width + margin["right"], margin["bottom"] + grid.height + margin["top"]
    )
    title = t("chart.stakeholder.title", lang)
    sketch.title(title)
    _draw_grid(sketch, grid, lang)
    _draw_actors(sketch, grid, cells)
    _draw_marker_legend(sketch, grid.left + grid.width, grid.bottom + grid.height + 0.25, lang)
    missing = len(case.actors) - len(placed)
    if missing:
        note = t("chart.stakeholder.note_not_placed", lang, count=missing, total=len(case.actors))
        sketch.text(0.3, 0.15, _fig_text(note), va="bottom", gid="casekit-note")
    return Chart(sketch.figure, title, _stakeholder_alt(case, placed), _stakeholder_table(case, placed), lang)


# ---------------------------------------------------------------------------------------------------------
# Relations diagram: a hand-made layered layout
# ---------------------------------------------------------------------------------------------------------

# Rows from the top, by what an actor does in a relation (the case format's relation vocabulary): who is
# reported to and who initiated, who leads, what is led, who represents, what is represented. An actor
# takes its highest row; an actor not at the table goes to the bottom row. The members of a group
# (``member_of``) are drawn inside the group's frame instead of with an arrow each.
_RANK_RULES = (
    ("reports_to", "target", 0),
    ("initiated_by", "target", 0),
    ("leads", "source", 1),
    ("reports_to", "source", 1),
    ("leads", "target", 2),
    ("initiated_by", "source", 2),
    ("member_of", "target", 2),
    ("member_of", "source", 3),
    ("represents", "source", 4),
    ("represents", "target", 5),
)
_UNRANKED = 3
_ABSENT_RANK = 9
_MEMBER = "member_of"
# Relation type -> (colour, dash pattern, line width); no two types share both colour and dash.
_EDGE_STYLES = {
    "leads": (OKABE_ITO["blue"], "solid", 3.0),
    "reports_to": (OKABE_ITO["bluish_green"], (0, (5, 2.5)), 2.0),
    "member_of": (_BLACK, "solid", 1.2),
    "represents": (_BLACK, (0, (1.5, 2)), 2.2),
    "initiated_by": (OKABE_ITO["reddish_purple"], (0, (7, 2, 1.5, 2)), 2.4),
    "interrupts": (OKABE_ITO["vermillion"], (0, (2.5, 1.5)), 3.0),
}
_SPARE_STYLES = (
    (OKABE_ITO["orange"], (0, (8, 3)), 2.0),
    (OKABE_ITO["sky_blue"], (0, (4, 1.5, 1, 1.5, 1, 1.5)), 2.0),
)
_ABSENT_DASH = (0, (4, 2.5))
_ARROW = {"arrowstyle": "-|>,head_length=0.7,head_width=0.35", "mutation_scale": 14}
_NET_WIDTH = 13.0
_NET_MARGIN = 0.35
_NET_USABLE = _NET_WIDTH - 2 * _NET_MARGIN
_NODE_TEXT_W = 1.7
_NODE_PAD_X, _NODE_PAD_Y = 0.12, 0.1
_NODE_GAP, _MAX_NODE_GAP = 0.28, 1.6
_ROW_GAP = 0.75
_GROUP_PAD, _GROUP_HEADER, _GROUP_ROW_GAP = 0.2, 0.45, 0.22


@dataclass(eq=False)
class _Node:
    """An actor's box; a group's box is a frame with its members laid out inside (``inner`` rows)."""

    actor: Actor
    rank: int
    lines: tuple[str, ...]
    inner: list[list[_Node]] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0

    @functools.cached_property
    def width(self) -> float:
        if self.inner:
            return max(_packed_width(row) for row in self.inner) + 2 * _GROUP_PAD
        return max(_width_in(line) for line in self.lines) + 2 * _NODE_PAD_X

    @functools.cached_property
    def height(self) -> float:
        if self.inner:
            rows = sum(max(n.height for n in row) for row in self.inner)
            return _GROUP_HEADER + rows + _GROUP_ROW_GAP * (len(self.inner) - 1) + _GROUP_PAD
        return len(self.lines) * _line_h() + 2 * _NODE_PAD_Y

    def place(self, x: float, y: float) -> None:
        """Centre the box on (x, y), and lay out the members of a group inside it."""
        self.x, self.y = x, y
        top = y + self.height / 2 - _GROUP_HEADER
        for row in self.inner:
            row_h = max(n.height for n in row)
            left = x - _packed_width(row) / 2
            for node in row:
                node.place(left + node.width / 2, top - row_h / 2)
                left += node.width + _NODE_GAP
            top -= row_h + _GROUP_ROW_GAP


def _packed_width(row: Sequence[_Node]) -> float:
    return sum(n.width for n in row) + _NODE_GAP * (len(row) - 1)


def _edge_style(kind: str, order: Sequence[str]) -> tuple[str, Any, float]:
    if kind in _EDGE_STYLES:
        return _EDGE_STYLES[kind]
    unknown = [k for k in order if k not in _EDGE_STYLES]
    return _SPARE_STYLES[unknown.index(kind) % len(_SPARE_STYLES)]


def _ranks(case: Case) -> dict[str, int]:
    """The row of every actor in a relation: the highest its relations give it, else the middle row."""
    ranks: dict[str, int] = {}
    seen: set[str] = set()
    for relation in case.relations:
        for end in ("source", "target"):
            actor_id = getattr(relation, end)
            seen.add(actor_id)
            for kind, side, rank in _RANK_RULES:
                if kind == relation.type and side == end:
                    ranks[actor_id] = min(ranks.get(actor_id, rank), rank)
    return {actor_id: ranks.get(actor_id, _UNRANKED) for actor_id in seen}


def _network_nodes(case: Case) -> dict[str, _Node]:
    """A node for every actor in a relation and every actor not at the table; members inside groups."""
    ranks = _ranks(case)
    nodes: dict[str, _Node] = {}
    for actor in case.actors:
        if actor.id in ranks or not actor.at_table:
            rank = ranks.get(actor.id, _UNRANKED) if actor.at_table else _ABSENT_RANK
            nodes[actor.id] = _Node(actor, rank, _wrap(_fig_text(actor.name), _NODE_TEXT_W, hyphenate=False))
    groups = {r.target for r in case.relations if r.type == _MEMBER}
    placed_in: set[str] = set()
    for relation in case.relations:
        member, group = nodes.get(relation.source), nodes.get(relation.target)
        if relation.type != _MEMBER or member is None or group is None or relation.source in groups:
            continue  # a group inside a group, or a member of two groups: an arrow instead
        if member.actor.at_table and group.actor.at_table and relation.source not in placed_in:
            group.inner.append([member])
            placed_in.add(relation.source)
    for node in nodes.values():
        if node.inner:
            node.inner = _member_rows([row[0] for row in node.inner])
    return nodes


def _member_rows(members: list[_Node]) -> list[list[_Node]]:
    """The members of a group in as few rows as fit the figure, in order, the rows about equally long."""
    usable = _NET_USABLE - 2 * _GROUP_PAD
    for count in range(1, len(members) + 1):
        size = -(-len(members) // count)
        rows = [members[i : i + size] for i in range(0, len(members), size)]
        if all(_packed_width(row) <= usable for row in rows):
            return rows
    return [[m] for m in members]


def _top_level_rows(nodes: Mapping[str, _Node]) -> list[list[_Node]]:
    """The boxes outside any group, by row; a row too wide is split into staggered sub-rows."""
    inside = {id(m) for n in nodes.values() for row in n.inner for m in row}
    free = [n for n in nodes.values() if id(n) not in inside]
    rows: list[list[_Node]] = []
    for rank in sorted({n.rank for n in free}):
        members = [n for n in free if n.rank == rank]
        parts = 1
        while (
            parts < len(members) and max(_packed_width(members[i::parts]) for i in range(parts)) > _NET_USABLE
        ):
            parts += 1
        rows.extend(members[i::parts] for i in range(parts))
    return rows


def _place_rows(rows: Sequence[Sequence[_Node]], top: float) -> float:
    """Spread each row across the figure, from ``top`` down; return the bottom of the last row."""
    y = top
    for row in rows:
        height = max(n.height for n in row)
        widths = sum(n.width for n in row)
        gap = min(max(_NODE_GAP, (_NET_USABLE - widths) / (len(row) + 1)), _MAX_NODE_GAP)
        x = (_NET_WIDTH - widths - gap * (len(row) - 1)) / 2
        for node in row:
            node.place(x + node.width / 2, y - height / 2)
            x += node.width + gap
        y -= height + _ROW_GAP
    return y + _ROW_GAP


def _order_rows(rows: list[list[_Node]], case: Case, nodes: Mapping[str, _Node]) -> None:
    """Fewer crossings: sort each row by the mean x of its neighbours in other rows (barycentre sweeps)."""
    neighbours: dict[str, list[str]] = {key: [] for key in nodes}
    for relation in case.relations:
        if relation.source in nodes and relation.target in nodes and relation.type != _MEMBER:
            neighbours[relation.source].append(relation.target)
            neighbours[relation.target].append(relation.source)
    for _ in range(3):
        for row in rows:
            if row[0].rank != _ABSENT_RANK:
                row.sort(key=lambda n: _barycentre(n, neighbours, nodes))
                _place_rows(rows, 0.0)


def _barycentre(node: _Node, neighbours: Mapping[str, list[str]], nodes: Mapping[str, _Node]) -> float:
    own = [node, *(m for row in node.inner for m in row)]
    others = [nodes[k].x for n in own for k in neighbours[n.actor.id] if nodes[k].rank != node.rank]
    return sum(others) / len(others) if others else node.x


def _draw_node(sketch: _Sketch, node: _Node) -> FancyBboxPatch:
    absent, group = not node.actor.at_table, bool(node.inner)
    corner = (node.x - node.width / 2, node.y - node.height / 2)
    style = {
        "boxstyle": f"round,pad=0,rounding_size={0.14 if group else 0.08}",
        "facecolor": _tint(OKABE_ITO["sky_blue"], 0.16) if group else _WHITE,
        "edgecolor": _BLACK,
        "linewidth": 1.8 if absent or group else 1.4,
        "linestyle": _ABSENT_DASH if absent else "solid",
        "zorder": 1 if group else 3,
        "label": node.actor.id,
    }
    gid = "casekit-group" if group else "casekit-node-absent" if absent else "casekit-node"
    box = sketch.add(FancyBboxPatch(corner, node.width, node.height, **style), gid)
    label = {"gid": "casekit-node-label", "label": node.actor.id, "va": "center"}
    if group:
        header_y = node.y + node.height / 2 - _GROUP_HEADER / 2
        x = node.x - node.width / 2 + _GROUP_PAD
        sketch.text(x, header_y, _fig_text(node.actor.name), bold=True, **label)
    else:
        sketch.text(node.x, node.y, "\n".join(node.lines), ha="center", **label)
    return box


def _contained(nodes: Mapping[str, _Node]) -> set[tuple[str, str]]:
    """The (member, group) pairs drawn as a box inside a frame rather than as an arrow."""
    return {(m.actor.id, n.actor.id) for n in nodes.values() for row in n.inner for m in row}


def _draw_edges(sketch: _Sketch, case: Case, nodes: Mapping[str, _Node]) -> None:
    """One arrow per relation, source to target; two arrows between one pair bend apart."""
    order = list(dict.fromkeys(r.type for r in case.relations))
    contained = _contained(nodes)
    drawn = [
        r
        for r in case.relations
        if r.source in nodes and r.target in nodes and (r.source, r.target) not in contained
    ]
    pairs = Counter(frozenset((r.source, r.target)) for r in drawn)
    seen: Counter = Counter()
    for relation in drawn:
        pair = frozenset((relation.source, relation.target))
        bend = 0.0
        if pairs[pair] > 1:
            bend = 0.35 * (seen[pair] - (pairs[pair] - 1) / 2)
            bend = -bend if relation.source > relation.target else bend
        seen[pair] += 1
        color, dash, width = _edge_style(relation.type, order)
        source, target = nodes[relation.source], nodes[relation.target]
        ends = (_border_point(source, target), _border_point(target, source))
        style = {
            "color": color,
            "linestyle": dash,
            "linewidth": width,
            "shrinkA": 0,
            "shrinkB": 0,
            "zorder": 2,
        }
        arrow = FancyArrowPatch(*ends, connectionstyle=f"arc3,rad={bend}", **_ARROW, **style)
        sketch.add(arrow, f"casekit-edge-{relation.type}")


def _border_point(node: _Node, toward: _Node, gap: float = 0.04) -> tuple[float, float]:
    """Where the line from ``node``'s centre to ``toward``'s centre leaves ``node``'s box (plus a gap).

    Computed here rather than by matplotlib's patch clipping, which splits Bézier curves point by point
    and made this chart ten times slower.
    """
    dx, dy = toward.x - node.x, toward.y - node.y
    half_w, half_h = node.width / 2 + gap, node.height / 2 + gap
    scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    if not math.isfinite(scale):
        return node.x, node.y
    return node.x + dx * scale, node.y + dy * scale


def _legend_entries(case: Case, nodes: Mapping[str, _Node]) -> list[tuple[str, str]]:
    lang = case.lang
    contained = _contained(nodes)
    entries = []
    for kind in dict.fromkeys(r.type for r in case.relations):
        label = case.label("relation", kind)
        as_frame = kind == _MEMBER and any(
            r.type == kind and (r.source, r.target) in contained for r in case.relations
        )
        text = t("chart.relations.legend_member", lang, relation=label) if as_frame else f"→ {label}"
        entries.append(("frame" if as_frame else kind, _fig_text(text)))
    entries.append(("present", _fig_text(t("chart.relations.legend_present", lang))))
    if any(not n.actor.at_table for n in nodes.values()):
        entries.append(("absent", _fig_text(t("chart.relations.legend_absent", lang))))
    return entries


_LEGEND_COLUMNS, _LEGEND_ROW = 3, 0.4


def _legend_height(entries: Sequence[object]) -> float:
    return -(-len(entries) // _LEGEND_COLUMNS) * _LEGEND_ROW + 0.15


def _draw_network_legend(sketch: _Sketch, case: Case, entries: Sequence[tuple[str, str]], top: float) -> None:
    """The key: a sample of each relation type present, then the frames."""
    order = list(dict.fromkeys(r.type for r in case.relations))
    col_w = _NET_USABLE / _LEGEND_COLUMNS
    for i, (kind, label) in enumerate(entries):
        x = _NET_MARGIN + (i % _LEGEND_COLUMNS) * col_w
        y = top - (i // _LEGEND_COLUMNS + 0.5) * _LEGEND_ROW
        if kind in ("present", "absent", "frame"):
            face = _tint(OKABE_ITO["sky_blue"], 0.16) if kind == "frame" else _WHITE
            dash = _ABSENT_DASH if kind == "absent" else "solid"
            style = {"facecolor": face, "edgecolor": _BLACK, "linewidth": 1.6, "linestyle": dash}
            sample = FancyBboxPatch(
                (x, y - 0.14), 0.75, 0.28, boxstyle="round,pad=0,rounding_size=0.06", **style
            )
            sketch.add(sample, "casekit-key")
        else:
            color, dash, width = _edge_style(kind, order)
            sketch.lines(
                [[(x, y), (x + 0.75, y)]], "casekit-key", colors=color, linewidths=width, linestyles=dash
            )
        sketch.text(x + 0.9, y, label, va="center", gid="casekit-legend")


def _relations_alt(case: Case, nodes: Mapping[str, _Node]) -> str:
    lang = case.lang
    names = {a.id: a.name for a in case.actors}
    parts = [t("chart.relations.alt", lang, actors=len(nodes), relations=len(case.relations))]
    parts += [
        t(
            "chart.relations.alt_item",
            lang,
            source=names[r.source],
            relation=case.label("relation", r.type),
            target=names[r.target],
        )
        for r in case.relations
    ]
    absent = [a.name for a in case.actors if not a.at_table]
    if absent:
        parts.append(t("chart.relations.alt_absent", lang, names=_join(absent, lang)))
    return " ".join(parts)


def relations_diagram(case: Case) -> Chart:
    """Who initiated, leads, reports to, sits in the project group, represents and interrupts whom.

    A hand-made layered layout (no graph library): those reported to at the top, then the project
    leaders, the group they lead drawn as a frame with its members inside, the representatives, what they
    represent, and at the bottom, in dashed frames, the stakeholders who are not at the table. Rows are
    sorted so that arrows cross less. Each relation type has its own colour *and* dash pattern, named in
    a key with the case's own labels (``case.label("relation", type)``).

    Parameters
    ----------
    case : Case
        The case; its ``relations`` are drawn, its ``lang`` picks the language.

    Returns
    -------
    Chart
        Table columns: from, relation, to, evidence; one row per relation, in the case's order.
    """
    return _build(_draw_relations, case)


def _draw_relations(case: Case) -> Chart:
    lang = case.lang
    nodes = _network_nodes(case)
    rows = _top_level_rows(nodes)
    if rows:
        _place_rows(rows, 0.0)
        _order_rows(rows, case, nodes)
    entries = _legend_entries(case, nodes)
    top_margin, legend_h = 1.0, _legend_height(entries)
    body_h = -_place_rows(rows, 0.0) if rows else 0.5
    sketch = _Sketch(_NET_WIDTH, top_margin + body_h + 0.55 + legend_h)
    _place_rows(rows, sketch.height - top_margin)
    title = t("chart.relations.title", lang)
    sketch.title(title)
    absent_rows = [row for row in rows if row[0].rank == _ABSENT_RANK]
    if absent_rows:
        line_y = max(n.y + n.height / 2 for n in absent_rows[0]) + _ROW_GAP / 2
        rule = [[(_NET_MARGIN, line_y), (_NET_WIDTH - _NET_MARGIN, line_y)]]
        sketch.lines(rule, alpha=0.5, linestyles=(0, (4, 3)))
        heading = _fig_text(t("chart.relations.absent_row", lang))
        sketch.text(_NET_MARGIN, line_y - 0.08, heading, bold=True, va="top", gid="casekit-absent-heading")
    for node in nodes.values():
        _draw_node(sketch, node)
    _draw_edges(sketch, case, nodes)
    _draw_network_legend(sketch, case, entries, legend_h)
    names = {a.id: a.name for a in case.actors}
    rows_out = [
        (names[r.source], case.label("relation", r.type), names[r.target], r.evidence) for r in case.relations
    ]
    table = _frame(lang, ("source", "relation", "target", "evidence"), rows_out)
    return Chart(sketch.figure, title, _relations_alt(case, nodes), table, lang)


# ---------------------------------------------------------------------------------------------------------
# Goal divergence and its spread: one row per speaking actor on the 1–5 scale
# ---------------------------------------------------------------------------------------------------------

_SCALE_WIDTH = 11.5
_SCALE_LEFT = 2.7  # room for the actors' names
_SCALE_RIGHT = 1.5  # room for the count column
_SCALE_ROW_H = 0.64
_SCALE_TOP = 1.3
_SCALE_BOTTOM = 1.35
_ZEBRA = _tint(_BLACK, 0.05)
_PLACEMENT = {"marker": "o", "markerfacecolor": OKABE_ITO["blue"]}


@dataclass(frozen=True)
class _ScaleFrame:
    """Rows of actors over the 1–5 scale, in inches: ``x(point)`` and ``y(row)`` (row 0 at the top)."""

    rows: int

    @property
    def height(self) -> float:
        return _SCALE_TOP + self.rows * _SCALE_ROW_H + _SCALE_BOTTOM

    def x(self, point: float) -> float:
        span = _SCALE_WIDTH - _SCALE_LEFT - _SCALE_RIGHT - 0.9
        return _SCALE_LEFT + 0.45 + (point - SCALE[0]) * span / (SCALE[-1] - SCALE[0])

    def y(self, row: int) -> float:
        return _SCALE_BOTTOM + (self.rows - row - 0.5) * _SCALE_ROW_H


def _draw_scale_frame(
    sketch: _Sketch, frame: _ScaleFrame, names: Sequence[str], header: str, lang: str, poles: tuple[str, str]
) -> None:
    """Zebra rows, a guide line per scale point, the names, the scale numbers and the two poles."""
    bottom, top = _SCALE_BOTTOM, _SCALE_BOTTOM + frame.rows * _SCALE_ROW_H
    for row in range(0, frame.rows, 2):
        y = frame.y(row) - _SCALE_ROW_H / 2
        sketch.rect(0.25, y, _SCALE_WIDTH - 0.5, _SCALE_ROW_H, "casekit-zebra", facecolor=_ZEBRA)
    sketch.lines([[(frame.x(p), bottom), (frame.x(p), top)] for p in SCALE], alpha=0.25, linewidths=1.0)
    guides = [[(frame.x(SCALE[0]), frame.y(r)), (frame.x(SCALE[-1]), frame.y(r))] for r in range(frame.rows)]
    sketch.lines(guides, alpha=0.45, linewidths=1.5)
    for row, name in enumerate(names):
        lines = "\n".join(_wrap(_fig_text(name), _SCALE_LEFT - 0.5)[:2])
        sketch.text(_SCALE_LEFT - 0.2, frame.y(row), lines, ha="right", va="center", gid="casekit-row-label")
    for point in SCALE:
        sketch.text(frame.x(point), bottom - 0.1, str(point), ha="center", va="top", gid="casekit-scale")
        sketch.text(frame.x(point), top + 0.1, str(point), ha="center", va="bottom", gid="casekit-scale")
    pole_left, pole_right = poles
    left = t("chart.scale_left_arrow", lang, text=pole_left)
    right = t("chart.scale_right_arrow", lang, text=pole_right)
    pole = {"size": _AXIS_PT, "bold": True, "va": "top", "gid": "casekit-pole"}
    sketch.text(frame.x(SCALE[0]) - 0.3, bottom - 0.5, _fig_text(left), **pole)
    sketch.text(frame.x(SCALE[-1]) + 0.3, bottom - 0.5, _fig_text(right), ha="right", **pole)
    header_style = {"bold": True, "ha": "center", "va": "bottom", "gid": "casekit-count-header"}
    sketch.text(_SCALE_WIDTH - _SCALE_RIGHT / 2, top + 0.1, _fig_text(header), **header_style)


def _goal_poles(case: Case) -> tuple[str, str]:
    """The two ends of the goal scale: the case's own wording (activities data), else the catalog's."""
    config = case.activity("goal-divergence")
    return (
        str(config.get("left") or t("chart.goals.pole_left", case.lang)),
        str(config.get("right") or t("chart.goals.pole_right", case.lang)),
    )


def _quotes(case: Case) -> dict[str, list[str]]:
    """Speaker id -> the paragraph of each of their quotes, in text order."""
    refs: dict[str, list[str]] = {}
    for block in case.utterances:
        refs.setdefault(block.speaker or "", []).append(block.ref)
    return refs


def goal_divergence(case: Case, placements: Mapping[str, int]) -> Chart:
    """Where the learner places each speaker between one common goal (1) and room for different goals (5).

    One row per speaking actor (``actor.speaks``), in case order, with the learner's placement as a
    marker; an actor not placed yet says so in its row. The count of the actor's quotes in the text
    stands at the right, and the table names the paragraphs they are in, as evidence to reread.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    placements : Mapping[str, int]
        Speaking actor id -> 1..5; an actor left out (or ``None``) is not placed.

    Returns
    -------
    Chart
        Table columns: name, position, number of quotes, the paragraphs of the quotes (``del-2 ¶2``).

    Raises
    ------
    ValueError
        For an unknown actor id, an actor who does not speak, or a value outside 1–5.
    """
    placed = _goal_placements(case, placements, "goal_divergence")
    return _build(_draw_goal_divergence, case, placed)


def _draw_goal_divergence(case: Case, placed: Mapping[str, int]) -> Chart:
    lang = case.lang
    speakers = _speaking(case)
    quotes = _quotes(case)
    frame = _ScaleFrame(max(len(speakers), 1))
    sketch = _Sketch(_SCALE_WIDTH, frame.height)
    title = t("chart.goals.title", lang)
    sketch.title(title)
    header = t("chart.goals.quotes_header", lang)
    _draw_scale_frame(sketch, frame, [a.name for a in speakers], header, lang, _goal_poles(case))
    points = []
    not_placed = _fig_text(t("chart.not_placed", lang))
    for row, actor in enumerate(speakers):
        if actor.id in placed:
            points.append((frame.x(placed[actor.id]), frame.y(row)))
        else:
            y = frame.y(row) + 0.07
            sketch.text(frame.x(3), y, not_placed, ha="center", va="bottom", gid="casekit-not-placed")
        count = str(len(quotes.get(actor.id, [])))
        x = _SCALE_WIDTH - _SCALE_RIGHT / 2
        sketch.text(x, frame.y(row), count, ha="center", va="center", gid="casekit-count")
    if points:
        sketch.markers(points, "casekit-placements", markersize=15, **_PLACEMENT)
    rows = [
        (
            a.name,
            placed.get(a.id),
            len(quotes.get(a.id, [])),
            _join(list(dict.fromkeys(quotes.get(a.id, []))), lang),
        )
        for a in speakers
    ]
    table = _frame(lang, ("name", "position", "quotes", "refs"), rows, integer=(1, 2))
    left, right = _goal_poles(case)
    parts = [t("chart.goals.alt", lang, placed=len(placed), total=len(speakers), left=left, right=right)]
    for actor in speakers:
        position = str(placed[actor.id]) if actor.id in placed else t("chart.not_placed", lang)
        parts.append(t("chart.goals.alt_item", lang, name=actor.name, position=position))
    return Chart(sketch.figure, title, " ".join(parts), table, lang)


def goal_spread(case: Case, placements: Sequence[Mapping[str, int]]) -> Chart:
    """How many placements fell on each point of the goal scale, for each speaking actor.

    Each non-empty point is a circle whose area grows with the count, with the count written in it, so
    the number is read, not guessed from a size. Works for one learner's placements and for a whole
    class (many mappings, no names).

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    placements : Sequence[Mapping[str, int]]
        One mapping per answer, as for :func:`goal_divergence`.

    Returns
    -------
    Chart
        Table columns: name, then one column per scale point (``"1"``…``"5"``) with counts, then n.

    Raises
    ------
    ValueError
        If an answer has an unknown actor id, an actor who does not speak, or a value outside 1–5 (the
        message names the answer's index).
    """
    if isinstance(placements, Mapping) or not isinstance(placements, Sequence):
        raise ValueError("goal_spread: placements must be a sequence of mappings, one per answer")
    checked = [_goal_placements(case, one, f"goal_spread (answer {i})") for i, one in enumerate(placements)]
    return _build(_draw_goal_spread, case, checked)


def _spread_counts(case: Case, placements: Sequence[Mapping[str, int]]) -> dict[str, dict[int, int]]:
    counts = {a.id: dict.fromkeys(SCALE, 0) for a in _speaking(case)}
    for one in placements:
        for actor_id, point in one.items():
            counts[actor_id][point] += 1
    return counts


def _draw_goal_spread(case: Case, placements: Sequence[Mapping[str, int]]) -> Chart:
    lang = case.lang
    speakers = _speaking(case)
    counts = _spread_counts(case, placements)
    frame = _ScaleFrame(max(len(speakers), 1))
    sketch = _Sketch(_SCALE_WIDTH, frame.height)
    title = t("chart.spread.title", lang)
    sketch.title(title)
    _draw_scale_frame(
        sketch, frame, [a.name for a in speakers], t("chart.spread.n_header", lang), lang, _goal_poles(case)
    )
    peak = max([c for per in counts.values() for c in per.values()] + [1])
    circles = []
    for row, actor in enumerate(speakers):
        for point, count in counts[actor.id].items():
            if count:
                radius = max(0.11 + 0.17 * (count / peak) ** 0.5, 0.16 if count >= 10 else 0.0)
                circles.append(Circle((frame.x(point), frame.y(row)), radius))
                sketch.text(*circles[-1].center, str(count), ha="center", va="center", gid="casekit-count")
        n = str(sum(counts[actor.id].values()))
        sketch.text(
            _SCALE_WIDTH - _SCALE_RIGHT / 2, frame.y(row), n, ha="center", va="center", gid="casekit-n"
        )
    if circles:
        style = {"facecolor": OKABE_ITO["sky_blue"], "edgecolor": _BLACK, "linewidth": 1.0, "zorder": 4}
        sketch.add(PatchCollection(circles, **style), "casekit-bubbles")
    note = t("chart.spread.note", lang, sets=len(placements))
    sketch.text(0.3, 0.15, _fig_text(note), va="bottom", gid="casekit-note")
    rows = [(a.name, *counts[a.id].values(), sum(counts[a.id].values())) for a in speakers]
    data = {t("chart.col.name", lang): [r[0] for r in rows]}
    for i, point in enumerate(SCALE, start=1):
        data[str(point)] = pd.array([r[i] for r in rows], dtype="Int64")
    data[t("chart.col.n", lang)] = pd.array([r[-1] for r in rows], dtype="Int64")
    return Chart(sketch.figure, title, _spread_alt(case, counts, len(placements)), pd.DataFrame(data), lang)


def _spread_alt(case: Case, counts: Mapping[str, Mapping[int, int]], sets: int) -> str:
    lang = case.lang
    left, right = _goal_poles(case)
    parts = [t("chart.spread.alt", lang, left=left, right=right, sets=sets)]
    for actor in _speaking(case):
        per = counts[actor.id]
        listed = [t("chart.spread.alt_count", lang, count=c, point=p) for p, c in per.items() if c]
        parts.append(
            t("chart.spread.alt_item", lang, name=actor.name, counts=_join(listed, lang), n=sum(per.values()))
        )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# Dilemma positions: the learner's own poles
# ---------------------------------------------------------------------------------------------------------

_DILEMMA_WIDTH = 11.5
_DILEMMA_LEFT = 2.0
_DILEMMA_RIGHT = 0.5
_DILEMMA_ROW_H = 1.5
_DILEMMA_TOP = 0.95
_DILEMMA_BOTTOM = 0.25


def _dilemma_label(key: str, lang: str) -> str:
    match = re.search(r"(\d+)$", str(key))
    return t("chart.dilemma.row", lang, n=match.group(1)) if match else str(key)


def _dilemma_order(key: str) -> tuple[int, str]:
    match = re.search(r"(\d+)$", str(key))
    return (int(match.group(1)) if match else 10**6, str(key))


def dilemma_positions(
    case: Case, positions: Mapping[str, int | None], poles: Mapping[str, tuple[str, str]]
) -> Chart:
    """The learner's position on each ethical dilemma, between two poles the learner named.

    One row per dilemma key in ``positions`` or ``poles`` (``dilemma-1``…, in number order): a 1–5 line
    with the learner's left pole under 1 and right pole under 5, and a marker at the position. Pole text
    is the learner's own: in the figure it is cut to about 40 characters with "…", drawn as plain text
    ("$" and "<" are just characters, a character the font lacks shows as □); the alt text and the table
    keep it whole.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    positions : Mapping[str, int | None]
        Dilemma key -> 1..5, or ``None`` when not placed yet.
    poles : Mapping[str, tuple[str, str]]
        Dilemma key -> (left pole, right pole) as the learner wrote them.

    Returns
    -------
    Chart
        Table columns: dilemma, pole at 1, position, pole at 5.

    Raises
    ------
    ValueError
        For a position outside 1–5, or poles that are not a pair of texts.
    """
    checked_positions = {
        key: _scale_value(v, f"dilemma_positions: the position of {key!r}") for key, v in positions.items()
    }
    checked_poles: dict[str, tuple[str, str]] = {}
    for key, pair in poles.items():
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(
                f"dilemma_positions: the poles of {key!r} must be a pair (left, right), got {pair!r}"
            )
        checked_poles[key] = (str(pair[0] or ""), str(pair[1] or ""))
    keys = sorted(set(checked_positions) | set(checked_poles), key=_dilemma_order)
    return _build(_draw_dilemmas, case, keys, checked_positions, checked_poles)


def _draw_dilemmas(
    case: Case, keys: Sequence[str], positions: Mapping[str, int | None], poles: Mapping[str, tuple[str, str]]
) -> Chart:
    lang = case.lang
    rows = max(len(keys), 1)
    sketch = _Sketch(_DILEMMA_WIDTH, _DILEMMA_TOP + rows * _DILEMMA_ROW_H + _DILEMMA_BOTTOM)
    title = t("chart.dilemma.title", lang)
    sketch.title(title)
    x0, x1 = _DILEMMA_LEFT + 0.3, _DILEMMA_WIDTH - _DILEMMA_RIGHT - 0.3
    pole_w = (x1 - x0) / 2 - 0.3
    no_pole = t("chart.dilemma.no_pole", lang)
    points, ticks, guides = [], [], []
    for i, key in enumerate(keys):
        top = sketch.height - _DILEMMA_TOP - i * _DILEMMA_ROW_H
        line_y = top - 0.55
        if i % 2 == 0:
            y, w, h = top - _DILEMMA_ROW_H + 0.05, _DILEMMA_WIDTH - 0.5, _DILEMMA_ROW_H - 0.1
            sketch.rect(0.25, y, w, h, "casekit-zebra", facecolor=_ZEBRA)
        label = _fig_text(_dilemma_label(key, lang))
        sketch.text(0.35, line_y, label, bold=True, va="center", gid="casekit-row-label")
        guides.append([(x0, line_y), (x1, line_y)])
        for point in SCALE:
            x = x0 + (point - SCALE[0]) * (x1 - x0) / (SCALE[-1] - SCALE[0])
            ticks.append([(x, line_y - 0.08), (x, line_y + 0.08)])
            sketch.text(x, line_y + 0.16, str(point), ha="center", va="bottom", gid="casekit-scale")
        position = positions.get(key)
        if position is None:
            not_placed = _fig_text(t("chart.not_placed", lang))
            sketch.text(0.35, line_y - 0.3, not_placed, va="top", gid="casekit-not-placed")
        else:
            points.append((x0 + (position - SCALE[0]) * (x1 - x0) / (SCALE[-1] - SCALE[0]), line_y))
        left, right = poles.get(key, ("", ""))
        for text, x, ha in ((left, x0 - 0.1, "left"), (right, x1 + 0.1, "right")):
            shown = _fig_text(_truncate(text)) if text.strip() else _fig_text(no_pole)
            lines = _wrap(shown, pole_w, _AXIS_PT)[:2]
            sketch.text(x, line_y - 0.3, "\n".join(lines), size=_AXIS_PT, ha=ha, va="top", gid="casekit-pole")
    sketch.lines(guides, alpha=0.6, linewidths=2.0)
    sketch.lines(ticks, alpha=0.6, linewidths=1.5)
    if points:
        sketch.markers(points, "casekit-placements", markersize=16, **_PLACEMENT)
    table_rows = [
        (_dilemma_label(k, lang), poles.get(k, ("", ""))[0], positions.get(k), poles.get(k, ("", ""))[1])
        for k in keys
    ]
    table = _frame(lang, ("dilemma", "left_pole", "position", "right_pole"), table_rows, integer=(2,))
    return Chart(sketch.figure, title, _dilemma_alt(keys, positions, poles, lang), table, lang)


def _dilemma_alt(
    keys: Sequence[str], positions: Mapping[str, int | None], poles: Mapping[str, tuple[str, str]], lang: str
) -> str:
    parts = [t("chart.dilemma.alt", lang, count=len(keys))]
    no_pole = t("chart.dilemma.no_pole", lang)
    for key in keys:
        left, right = poles.get(key, ("", ""))
        position = positions.get(key)
        parts.append(
            t(
                "chart.dilemma.alt_item",
                lang,
                dilemma=_dilemma_label(key, lang),
                position=t("chart.not_placed", lang) if position is None else str(position),
                left=" ".join(left.split()) or no_pole,
                right=" ".join(right.split()) or no_pole,
            )
        )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# The hand-in
# ---------------------------------------------------------------------------------------------------------


def export_figures(case: Case, answers: Mapping[str, Any]) -> list[ExportFigure]:
    """The charts for a learner's hand-in, from the answers that have data for them.

    ``answers["stakeholder-map"]`` gives the power–interest grid, ``answers["goal-divergence"]`` the goal
    chart, and ``answers["dilemma-1"]``…``["dilemma-3"]`` (each ``{"position", "left", "right", …}``)
    the dilemma chart. Values come from a learner's store: anything malformed (a wrong type, an unknown
    actor, a value off the scale) is skipped, never raised; a chart with nothing left is left out.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    answers : Mapping[str, Any]
        Answer key -> latest value.

    Returns
    -------
    list[ExportFigure]
        Title, SVG (text kept as text) and alt text of each chart, in the order above.
    """
    from casekit.export import ExportFigure

    if not isinstance(answers, Mapping):
        return []
    charts: list[Chart] = []
    stakeholders = _clean_stakeholders(case, answers.get("stakeholder-map"))
    if stakeholders:
        charts.append(stakeholder_map(case, stakeholders))
    goals = _clean_goals(case, answers.get("goal-divergence"))
    if goals:
        charts.append(goal_divergence(case, goals))
    positions, poles = _clean_dilemmas(answers)
    if positions:
        charts.append(dilemma_positions(case, positions, poles))
    return [ExportFigure(title=c.title, svg=c.to_svg(), alt=c.alt) for c in charts]


# ---------------------------------------------------------------------------------------------------------
# Cleaning a learner's stored answers: malformed values are skipped, never raised
# ---------------------------------------------------------------------------------------------------------

_DILEMMA_KEYS = ("dilemma-1", "dilemma-2", "dilemma-3")


def _clean_scale(value: object) -> int | None:
    """``value`` if it is a point on the scale, else ``None`` (a learner's store is not trusted)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) not in SCALE:
        return None
    return int(value)


def _clean_stakeholders(case: Case, value: object) -> dict[str, dict[str, int]]:
    if not isinstance(value, Mapping):
        return {}
    known = {a.id for a in case.actors}
    clean = {}
    for actor_id, entry in value.items():
        if actor_id in known and isinstance(entry, Mapping):
            power, interest = _clean_scale(entry.get("power")), _clean_scale(entry.get("interest"))
            if power is not None and interest is not None:
                clean[actor_id] = {"power": power, "interest": interest}
    return clean


def _clean_goals(case: Case, value: object) -> dict[str, int]:
    if not isinstance(value, Mapping):
        return {}
    speaking = {a.id for a in _speaking(case)}
    clean = {}
    for actor_id, point in value.items():
        if actor_id in speaking and _clean_scale(point) is not None:
            clean[actor_id] = _clean_scale(point)
    return clean


def _clean_dilemmas(answers: Mapping[str, Any]) -> tuple[dict[str, int | None], dict[str, tuple[str, str]]]:
    positions: dict[str, int | None] = {}
    poles: dict[str, tuple[str, str]] = {}
    for key in _DILEMMA_KEYS:
        value = answers.get(key)
        if not isinstance(value, Mapping):
            continue
        left, right = value.get("left", ""), value.get("right", "")
        left = left if isinstance(left, str) else ""
        right = right if isinstance(right, str) else ""
        position = _clean_scale(value.get("position"))
        if position is None and not (left.strip() or right.strip()):
            continue
        positions[key] = position
        poles[key] = (left, right)
    return positions, poles
