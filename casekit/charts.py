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
import contextlib
import functools
import io
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import TYPE_CHECKING, Any

import matplotlib
import pandas as pd
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.text import Text

from casekit import registry
from casekit._templates import render
from casekit.errors import ChartDataError
from casekit.i18n import t
from casekit.registry import SCALE

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from casekit.case import Actor, Case
    from casekit.figure import ExportFigure

__all__ = [
    "HTML_DPI",
    "OKABE_ITO",
    "SCALE",
    "Chart",
    "answer_counts",
    "decision_split",
    "dilemma_positions",
    "dilemma_spread",
    "export_figures",
    "goal_divergence",
    "goal_spread",
    "relations_diagram",
    "stakeholder_map",
    "stakeholder_spread",
]

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

_BLACK, _WHITE = OKABE_ITO["black"], "#FFFFFF"
_FONT = "DejaVu Sans"  # ships with matplotlib, so every machine measures the same; has the Danish letters
_TITLE_PT, _LABEL_PT, _AXIS_PT, _QUADRANT_PT = 18, 13, 14, 15
_MISSING_GLYPH = "□"
_LINE_H = _LABEL_PT * 1.2 * 1.16 / 72  # room for a line of a label (line spacing 1.2), in inches, even with Å
_TEXT: dict[str, Any] = {
    "color": _BLACK,
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


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
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


def _frame(
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


def _join(names: Sequence[str], lang: str) -> str:
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
def _fig_text(text: str) -> str:
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


def _width_in(text: str, size: float = _LABEL_PT, bold: bool = False) -> float:
    """Width of ``text`` in inches: the advances summed (no kerning, which only narrows), 2 % to spare."""
    advances = _advances(bold)
    return sum(advances.get(c, 1.0) for c in text) * size * 1.02 / 72


@functools.lru_cache(maxsize=4096)
def _wrap(text: str, width: float, size: float = _LABEL_PT, hyphenate: bool = True) -> tuple[str, ...]:
    """Greedy word wrap to ``width`` inches; a word over 8 % too wide is split with a hyphen (if asked)."""
    words: list[str] = []
    for word in text.split():
        while hyphenate and len(word) >= 8 and _width_in(word, size) > width * 1.08:
            cuts = range(len(word) - 4, 4, -1)  # at least four letters on each side
            own = next((c for c in cuts if word[c - 1] == "-" and _width_in(word[:c], size) <= width), 0)
            cut = own or next((c for c in cuts if _width_in(word[:c] + "-", size) <= width), 4)
            words.append(word[:cut] if own else word[:cut] + "-")
            word = word[cut:]
        words.append(word)
    lines: list[str] = []
    for word in words:
        if lines and _width_in(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines) or ("",)


def _truncate(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- drawing in inches on the Figure -----------------------------------------------------------------------


class _Sketch:
    """A bare Figure drawn on in inches from its lower-left corner: no Axes (hundreds of objects each)."""

    def __init__(self, width: float, height: float, title: str) -> None:
        self.figure = Figure(figsize=(width, height), dpi=HTML_DPI, facecolor=_WHITE, edgecolor=_WHITE)
        self.inches, self.width, self.height = self.figure.dpi_scale_trans, width, height
        self.text(
            0.3, height - 0.25, _fig_text(title), size=_TITLE_PT, bold=True, va="top", gid="casekit-title"
        )

    def add(self, artist: Any, gid: str | None = None) -> Any:
        """Add ``artist``, placed in inches, with an SVG id hook."""
        artist.set(gid=gid, transform=self.inches)
        return self.figure.add_artist(artist)

    def text(
        self, x: float, y: float, text: str, size: float = _LABEL_PT, bold: bool = False, **kw: Any
    ) -> Text:
        """A plain-text label (never mathtext or TeX); ``kw``: ha, va, rotation, gid, label."""
        weight = "bold" if bold else "normal"
        kw.setdefault("va", "baseline")
        return self.figure.text(
            x, y, text, fontsize=size, fontweight=weight, transform=self.inches, **_TEXT, **kw
        )

    def lines(self, segments: Any, gid: str | None = None, width: float = 1.5, **kw: Any) -> LineCollection:
        """Line segments, black and below the text unless ``kw`` (LineCollection's keywords) say otherwise."""
        kw.setdefault("colors", _BLACK)
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
        line = Line2D(xs, ys, linestyle="none", color=_BLACK, marker=marker, markersize=size, zorder=6)
        line.set(markerfacecolor=face, markeredgecolor=_BLACK, markeredgewidth=1.2)
        return self.add(line, gid)


def _build(draw: Any, *args: Any) -> Chart:
    """Run ``draw(*args)`` with the chart's rcParams (one thread at a time: rcParams are global)."""
    with _chart_rc():
        return draw(*args)


# -- validation: bad input to a chart function is a ChartDataError ------------------------------------------


def _point(value: object, what: str) -> int | None:
    """``value`` as a point on :data:`SCALE`, ``None`` for "not placed"; anything else is an error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) not in SCALE:
        raise ChartDataError(f"{what} must be a whole number from {SCALE[0]} to {SCALE[-1]}, got {value!r}")
    return int(value)


def _actor(case: Case, actor_id: object, func: str) -> Actor:
    """The case's actor of that id, or an error naming the ids there are."""
    found = next((a for a in case.actors if a.id == actor_id), None)
    if found is None:
        known = ", ".join(a.id for a in case.actors)
        raise ChartDataError(f"{func}: unknown actor id {actor_id!r}; the case {case.id!r} has: {known}")
    return found


def _speaking(case: Case) -> tuple[Actor, ...]:
    """The actors who speak in the case text, in case order."""
    return tuple(a for a in case.actors if a.speaks)


def _goal_placements(case: Case, placements: object, func: str) -> dict[str, int]:
    """Validate ``actor id -> 1..5`` for speaking actors; ``None`` means not placed."""
    if not isinstance(placements, Mapping):
        raise ChartDataError(f"{func}: placements must be a mapping of actor id to 1–5, got {placements!r}")
    result: dict[str, int] = {}
    for actor_id, value in placements.items():
        if not _actor(case, actor_id, func).speaks:
            raise ChartDataError(
                f"{func}: actor {actor_id!r} does not speak in the case, so it has no place here"
            )
        point = _point(value, f"{func}: the position of {actor_id!r}")
        if point is not None:
            result[actor_id] = point
    return result


# -- stakeholder map: the power–interest grid ---------------------------------------------------------------

_HIGH_FROM = 3  # a point on the 1–5 scale counts as "high" from 3 up: the grid splits at 3
_QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
_TINTS = {"manage_closely": "orange", "keep_satisfied": "sky_blue", "keep_informed": "bluish_green"}
_COL_W, _CELL_PAD, _BAND = 2.2, 0.08, 0.42  # inches: a column, a cell's padding, room for a quadrant label
_AT_TABLE, _ABSENT = ("o", OKABE_ITO["blue"], 11.0), ("D", OKABE_ITO["vermillion"], 9.5)


def _quadrant(power: int, interest: int) -> str:
    """The quadrant key of a cell: high power and/or high interest from :data:`_HIGH_FROM` up."""
    return _QUADRANTS[2 * (power < _HIGH_FROM) + (interest < _HIGH_FROM)]


def _name_lines(actor: Actor) -> tuple[str, ...]:
    """An actor's name wrapped to the room beside its marker in a cell."""
    return _wrap(_fig_text(actor.name), _COL_W - 2 * _CELL_PAD - 0.3)


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
    ChartDataError
        (a ValueError) For an unknown actor id, a value outside 1–5, or an entry that is not a
        power/interest mapping.
    """
    func = "stakeholder_map"
    if not isinstance(placements, Mapping):
        raise ChartDataError(f"{func}: placements must be a mapping of actor id to power and interest")
    placed: dict[str, tuple[int, int]] = {}
    own: list[Actor] = []
    known = {a.id for a in case.actors}
    for actor_id, entry in placements.items():
        if not isinstance(entry, Mapping):
            raise ChartDataError(
                f"{func}: the placement of {actor_id!r} must be a mapping with power and interest"
            )
        fields: tuple[str, ...] = ("power", "interest")
        if actor_id not in known and registry.is_own_stakeholder(actor_id) and "name" in entry:
            own.append(_own_actor(actor_id, entry, func))
            fields += ("name", "at_table")
        else:
            _actor(case, actor_id, func)
        extra = sorted(str(k) for k in entry if k not in fields)
        if extra:
            raise ChartDataError(f"{func}: the placement of {actor_id!r} has unknown keys {extra}")
        power = _point(entry.get("power"), f"{func}: the power of {actor_id!r}")
        interest = _point(entry.get("interest"), f"{func}: the interest of {actor_id!r}")
        if power is not None and interest is not None:
            placed[actor_id] = (power, interest)
    return _build(_draw_stakeholder_map, case, placed, tuple(own))


def _own_actor(key: str, entry: Mapping[str, Any], func: str) -> Actor:
    """A stakeholder the learner added (``own-1``…) as an :class:`Actor` of the map, named as typed."""
    name, at_table = entry.get("name"), entry.get("at_table", True)
    if not isinstance(name, str) or not 0 < len(name.strip()) <= registry.OWN_NAME_MAX:
        limit = registry.OWN_NAME_MAX
        raise ChartDataError(f"{func}: the name of {key!r} must be text of 1 to {limit} characters")
    if not isinstance(at_table, bool):
        raise ChartDataError(f"{func}: at_table of {key!r} must be true or false, got {at_table!r}")
    from casekit.case import Actor as CaseActor

    return CaseActor(key, name.strip(), "group", "", "", (), False, None, None, at_table)


def _draw_stakeholder_map(
    case: Case, placed: Mapping[str, tuple[int, int]], own: tuple[Actor, ...] = ()
) -> Chart:
    """The grid, the stacked names, the marker key and the not-placed note; the alt text and the table.

    ``own`` are the learner's own stakeholders: drawn like the others, marked as theirs in the alt text
    and the table.
    """
    lang, actors = case.lang, (*case.actors, *own)
    own_ids = {a.id for a in own}

    def marked(actor: Actor) -> str:
        return t("map.own.marker", lang, name=actor.name) if actor.id in own_ids else actor.name

    cells: dict[tuple[int, int], list[Actor]] = {}
    for actor in actors:
        if actor.id in placed:
            cells.setdefault(placed[actor.id], []).append(actor)
    heights = {}  # each power row as tall as its fullest cell, with bands for the quadrant labels
    for power in SCALE:
        stacks = [s for s in (cells.get((power, i)) for i in SCALE) if s]
        need = [sum(len(_name_lines(a)) for a in s) * _LINE_H + 0.05 * (len(s) - 1) + 0.22 for s in stacks]
        heights[power] = max([0.8, *need]) + (_BAND if power in (SCALE[0], SCALE[-1]) else 0.0)
    left = bottom = 1.05
    right, top = left + _COL_W * len(SCALE), bottom + sum(heights.values())
    row = {p: bottom + sum(heights[q] for q in SCALE if q < p) for p in SCALE}
    col = {i: left + _COL_W * (i - SCALE[0]) for i in SCALE}
    title = t("chart.stakeholder.title", lang)
    sketch = _Sketch(right + 0.3, top + 1.0, title)
    split_x, split_y = col[_HIGH_FROM], row[_HIGH_FROM]
    boxes = [(split_x, split_y, right, top), (left, split_y, split_x, top), (split_x, bottom, right, split_y)]
    boxes.append((left, bottom, split_x, split_y))
    for key, (x0, y0, x1, y1) in zip(_QUADRANTS, boxes, strict=True):
        if key in _TINTS:
            face = _tint(OKABE_ITO[_TINTS[key]], 0.14)
            sketch.rect(x0, y0, x1 - x0, y1 - y0, f"casekit-{key}", facecolor=face)
        y, va = (y1 - 0.12, "top") if y1 == top else (y0 + 0.12, "bottom")
        label = _fig_text(t(f"chart.quadrant.{key}", lang))
        sketch.text(x0 + 0.12, y, label, _QUADRANT_PT, True, va=va, gid="casekit-quadrant")
    inner = [p for p in SCALE[1:] if p != _HIGH_FROM]
    cell_lines = [[(col[i], bottom), (col[i], top)] for i in inner]
    sketch.lines(cell_lines + [[(left, row[p]), (right, row[p])] for p in inner], None, 1.0, alpha=0.2)
    splits = [[(split_x, bottom), (split_x, top)], [(left, split_y), (right, split_y)]]
    sketch.lines(splits, None, 2.4, alpha=0.8, zorder=2)
    sketch.rect(left, bottom, right - left, top - bottom, edgecolor=_BLACK, linewidth=1.4, zorder=2)
    for p in SCALE:
        sketch.text(col[p] + _COL_W / 2, bottom - 0.1, str(p), ha="center", va="top")
        sketch.text(left - 0.14, row[p] + heights[p] / 2, str(p), ha="right", va="center")
    x_label, y_label = (_fig_text(t(f"chart.stakeholder.{k}", lang)) for k in ("x_label", "y_label"))
    sketch.text((left + right) / 2, bottom - 0.45, x_label, _AXIS_PT, ha="center", va="top")
    sketch.text(left - 0.62, (bottom + top) / 2, y_label, _AXIS_PT, ha="center", va="center", rotation=90)
    points: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for (power, interest), stack in cells.items():
        x = col[interest] + _CELL_PAD
        y = row[power] + heights[power] - _CELL_PAD - 0.03 - (_BAND if power == SCALE[-1] else 0)
        for actor in stack:
            lines = _name_lines(actor)
            points[actor.at_table].append((x + 0.13, y - 0.105))
            sketch.text(x + 0.3, y, "\n".join(lines), va="top", gid="casekit-actor-label", label=actor.id)
            y -= len(lines) * _LINE_H + 0.05
    for at_table, gid, style in ((True, "at-table", _AT_TABLE), (False, "absent", _ABSENT)):
        if points[at_table]:
            sketch.markers(points[at_table], f"casekit-actors-{gid}", style)
    x, y = right, top + 0.25
    for style, key in ((_ABSENT, "legend_absent"), (_AT_TABLE, "legend_at_table")):  # the key, right to left
        label = _fig_text(t(f"chart.stakeholder.{key}", lang))
        sketch.text(x, y, label, ha="right", va="center", gid="casekit-legend")
        x -= _width_in(label) + 0.22
        sketch.markers([(x, y)], "casekit-key", style)
        x -= 0.45
    missing = [a.name for a in actors if a.id not in placed]
    if missing:
        note = t("chart.stakeholder.note_not_placed", lang, count=len(missing), total=len(actors))
        sketch.text(0.3, 0.15, _fig_text(note), va="bottom", gid="casekit-note")
    parts = [t("chart.stakeholder.alt", lang, placed=len(placed), total=len(actors))]
    for key in _QUADRANTS:
        names = _join([marked(a) for a in actors if a.id in placed and _quadrant(*placed[a.id]) == key], lang)
        if key in {_quadrant(*p) for p in placed.values()}:
            parts.append(
                t(
                    "chart.stakeholder.alt_quadrant",
                    lang,
                    quadrant=t(f"chart.quadrant.{key}", lang),
                    names=names,
                )
            )
    absent = [marked(a) for a in actors if a.id in placed and not a.at_table]
    if absent:
        parts.append(t("chart.stakeholder.alt_absent", lang, names=_join(absent, lang)))
    if missing:
        missing = [marked(a) for a in actors if a.id not in placed]
        parts.append(
            t("chart.stakeholder.alt_not_placed", lang, count=len(missing), names=_join(missing, lang))
        )
    if own:
        parts.append(t("map.own.alt", lang, names=_join([a.name for a in own], lang)))
    rows: list[tuple[object, ...]] = []
    for actor in actors:
        cell = placed.get(actor.id)
        quadrant = t(f"chart.quadrant.{_quadrant(*cell)}" if cell else "chart.not_placed", lang)
        yes_no = t("chart.yes" if actor.at_table else "chart.no", lang)
        rows.append((marked(actor), *(cell or (None, None)), quadrant, yes_no))
    table = _frame(lang, ("name", "power", "interest", "quadrant", "at_table"), rows, ints=(1, 2))
    return Chart(sketch.figure, title, " ".join(parts), table, lang)


# -- relations diagram: a hand-made layered layout ----------------------------------------------------------

# Rows from the top, by what an actor does in a relation (the case format's relation vocabulary): who is
# reported to and who initiated, who leads, what is led, who represents, what is represented. An actor
# takes its highest row, else the middle one; an actor not at the table goes to the bottom row. The
# members of a group (``member_of``) are drawn inside the group's frame instead of with an arrow each.
_RANKS = {
    ("reports_to", "target"): 0,
    ("initiated_by", "target"): 0,
    ("leads", "source"): 1,
    ("reports_to", "source"): 1,
    ("leads", "target"): 2,
    ("initiated_by", "source"): 2,
    ("member_of", "target"): 2,
    ("member_of", "source"): 3,
    ("represents", "source"): 4,
    ("represents", "target"): 5,
}
_UNRANKED, _ABSENT_RANK, _MEMBER = 3, 9, "member_of"
# Relation type -> (colour, dash pattern, line width); no two types share both colour and dash.
_EDGE_STYLES: dict[str, tuple[str, Any, float]] = {
    "leads": (OKABE_ITO["blue"], "solid", 3.0),
    "reports_to": (OKABE_ITO["bluish_green"], (0, (5, 2.5)), 2.0),
    "member_of": (_BLACK, "solid", 1.2),
    "represents": (_BLACK, (0, (1.5, 2)), 2.2),
    "initiated_by": (OKABE_ITO["reddish_purple"], (0, (7, 2, 1.5, 2)), 2.4),
    "interrupts": (OKABE_ITO["vermillion"], (0, (2.5, 1.5)), 3.0),
}
_SPARE_STYLES: tuple[tuple[str, Any, float], ...] = (
    (OKABE_ITO["orange"], (0, (8, 3)), 2.0),
    (OKABE_ITO["sky_blue"], (0, (4, 1.5, 1, 1.5, 1, 1.5)), 2.0),
)
_ABSENT_DASH = (0, (4, 2.5))
_GROUP_FACE = _tint(OKABE_ITO["sky_blue"], 0.16)
_NET_WIDTH, _NET_MARGIN = 13.0, 0.35
_NET_USABLE = _NET_WIDTH - 2 * _NET_MARGIN
_NODE_GAP, _ROW_GAP = 0.28, 0.75
_GROUP_PAD, _GROUP_HEADER, _GROUP_ROW_GAP = 0.2, 0.45, 0.22
_LEGEND_COLUMNS, _LEGEND_ROW = 3, 0.4


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
        """The box's width in inches."""
        if self.inner:
            return max(_packed_width(row) for row in self.inner) + 2 * _GROUP_PAD
        return max(_width_in(line) for line in self.lines) + 2 * 0.12

    @functools.cached_property
    def height(self) -> float:
        """The box's height in inches."""
        if self.inner:
            rows = sum(max(n.height for n in row) for row in self.inner)
            return _GROUP_HEADER + rows + _GROUP_ROW_GAP * (len(self.inner) - 1) + _GROUP_PAD
        return len(self.lines) * _LINE_H + 2 * 0.1

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
    """The width of boxes side by side at the least gap."""
    return sum(n.width for n in row) + _NODE_GAP * (len(row) - 1)


def _edge_style(kind: str, case: Case) -> tuple[str, Any, float]:
    """Colour, dash and width of a relation type; a type casekit does not know takes a spare style."""
    if kind in _EDGE_STYLES:
        return _EDGE_STYLES[kind]
    unknown = [k for k in dict.fromkeys(r.type for r in case.relations) if k not in _EDGE_STYLES]
    return _SPARE_STYLES[unknown.index(kind) % len(_SPARE_STYLES)]


def _network_nodes(case: Case) -> dict[str, _Node]:
    """A node for every actor in a relation and every actor not at the table; members inside groups."""
    ranks: dict[str, list[int]] = {}
    for relation in case.relations:
        for end, actor_id in (("source", relation.source), ("target", relation.target)):
            found = ranks.setdefault(actor_id, [])
            if (relation.type, end) in _RANKS:
                found.append(_RANKS[relation.type, end])
    nodes: dict[str, _Node] = {}
    for actor in case.actors:
        if actor.id in ranks or not actor.at_table:
            rank = min(ranks.get(actor.id) or [_UNRANKED]) if actor.at_table else _ABSENT_RANK
            nodes[actor.id] = _Node(actor, rank, _wrap(_fig_text(actor.name), 1.7, hyphenate=False))
    groups = {r.target for r in case.relations if r.type == _MEMBER}
    members: dict[str, list[_Node]] = {}
    placed_in: set[str] = set()
    for r in case.relations:
        member, group = nodes.get(r.source), nodes.get(r.target)
        if (
            r.type != _MEMBER
            or member is None
            or group is None
            or r.source in groups
            or r.source in placed_in
        ):
            continue  # a group inside a group, or a member of two groups: an arrow instead
        if member.actor.at_table and group.actor.at_table:
            members.setdefault(r.target, []).append(member)
            placed_in.add(r.source)
    for group_id, inside in members.items():  # in as few rows as fit the figure, about equally long
        for count in range(1, len(inside) + 1):
            size = -(-len(inside) // count)
            rows = [inside[i : i + size] for i in range(0, len(inside), size)]
            if all(_packed_width(row) <= _NET_USABLE - 2 * _GROUP_PAD for row in rows):
                break
        nodes[group_id].inner = rows
    return nodes


def _top_level_rows(nodes: Mapping[str, _Node]) -> list[list[_Node]]:
    """The boxes outside any group, by row; a row too wide is split into staggered sub-rows."""
    inside = {id(m) for n in nodes.values() for row in n.inner for m in row}
    free = [n for n in nodes.values() if id(n) not in inside]
    rows: list[list[_Node]] = []
    for rank in sorted({n.rank for n in free}):
        same = [n for n in free if n.rank == rank]
        parts = 1
        while parts < len(same) and max(_packed_width(same[i::parts]) for i in range(parts)) > _NET_USABLE:
            parts += 1
        rows.extend(same[i::parts] for i in range(parts))
    return rows


def _place_rows(rows: Sequence[Sequence[_Node]], top: float) -> float:
    """Spread each row across the figure, from ``top`` down; return the bottom of the last row."""
    y = top
    for row in rows:
        height, widths = max(n.height for n in row), sum(n.width for n in row)
        gap = min(max(_NODE_GAP, (_NET_USABLE - widths) / (len(row) + 1)), 1.6)
        x = (_NET_WIDTH - widths - gap * (len(row) - 1)) / 2
        for node in row:
            node.place(x + node.width / 2, y - height / 2)
            x += node.width + gap
        y -= height + _ROW_GAP
    return y + _ROW_GAP


def _order_rows(rows: list[list[_Node]], case: Case, nodes: Mapping[str, _Node]) -> None:
    """Fewer crossings: sort each row by the mean x of its neighbours in other rows (barycentre sweeps)."""
    neighbours: dict[str, list[str]] = {key: [] for key in nodes}
    for r in case.relations:
        if r.source in nodes and r.target in nodes and r.type != _MEMBER:
            neighbours[r.source].append(r.target)
            neighbours[r.target].append(r.source)

    def barycentre(node: _Node) -> float:
        own = [node, *(m for row in node.inner for m in row)]
        others = [nodes[k].x for n in own for k in neighbours[n.actor.id] if nodes[k].rank != node.rank]
        return sum(others) / len(others) if others else node.x

    _place_rows(rows, 0.0)
    for _ in range(3):
        for row in rows:
            if row[0].rank != _ABSENT_RANK:
                row.sort(key=barycentre)
                _place_rows(rows, 0.0)


def _draw_node(sketch: _Sketch, node: _Node) -> None:
    """A box (a dashed one for an actor not at the table, a frame for a group) and its name."""
    absent, group = not node.actor.at_table, bool(node.inner)
    box = FancyBboxPatch(
        (node.x - node.width / 2, node.y - node.height / 2),
        node.width,
        node.height,
        boxstyle=f"round,pad=0,rounding_size={0.14 if group else 0.08}",
        facecolor=_GROUP_FACE if group else _WHITE,
        edgecolor=_BLACK,
        linewidth=1.8 if absent or group else 1.4,
        linestyle=_ABSENT_DASH if absent else "solid",
        zorder=1 if group else 3,
        label=node.actor.id,
    )
    sketch.add(box, "casekit-group" if group else "casekit-node-absent" if absent else "casekit-node")
    if group:
        x, y = node.x - node.width / 2 + _GROUP_PAD, node.y + node.height / 2 - _GROUP_HEADER / 2
        text, ha, bold = _fig_text(node.actor.name), "left", True
    else:
        x, y, text, ha, bold = node.x, node.y, "\n".join(node.lines), "center", False
    sketch.text(x, y, text, bold=bold, ha=ha, va="center", gid="casekit-node-label", label=node.actor.id)


def _contained(nodes: Mapping[str, _Node]) -> set[tuple[str, str]]:
    """The (member, group) pairs drawn as a box inside a frame rather than as an arrow."""
    return {(m.actor.id, n.actor.id) for n in nodes.values() for row in n.inner for m in row}


def _border_point(node: _Node, toward: _Node, gap: float = 0.04) -> tuple[float, float]:
    """Where the line toward ``toward``'s centre leaves ``node``'s box (computed: patch clipping is slow)."""
    dx, dy = toward.x - node.x, toward.y - node.y
    half_w, half_h = node.width / 2 + gap, node.height / 2 + gap
    scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return (node.x + dx * scale, node.y + dy * scale) if math.isfinite(scale) else (node.x, node.y)


def _draw_edges(sketch: _Sketch, case: Case, nodes: Mapping[str, _Node]) -> None:
    """One arrow per relation, source to target; two arrows between one pair bend apart."""
    contained = _contained(nodes)
    drawn = [
        r
        for r in case.relations
        if r.source in nodes and r.target in nodes and (r.source, r.target) not in contained
    ]
    pairs = Counter(frozenset((r.source, r.target)) for r in drawn)
    seen: Counter[frozenset[str]] = Counter()
    for r in drawn:
        pair = frozenset((r.source, r.target))
        bend = 0.35 * (seen[pair] - (pairs[pair] - 1) / 2) if pairs[pair] > 1 else 0.0
        bend = -bend if r.source > r.target else bend
        seen[pair] += 1
        color, dash, width = _edge_style(r.type, case)
        source, target = nodes[r.source], nodes[r.target]
        arrow = FancyArrowPatch(
            _border_point(source, target),
            _border_point(target, source),
            arrowstyle="-|>,head_length=0.7,head_width=0.35",
            mutation_scale=14,
            connectionstyle=f"arc3,rad={bend}",
            color=color,
            linestyle=dash,
            linewidth=width,
            shrinkA=0,
            shrinkB=0,
            zorder=2,
        )
        sketch.add(arrow, f"casekit-edge-{r.type}")


def _draw_legend(sketch: _Sketch, case: Case, nodes: Mapping[str, _Node], top: float) -> None:
    """The key: a sample of each relation type present (or the frame for members), then the boxes."""
    lang, contained = case.lang, _contained(nodes)
    entries = []
    for kind in dict.fromkeys(r.type for r in case.relations):
        label = case.label("relation", kind)
        frame = kind == _MEMBER and any(
            r.type == kind and (r.source, r.target) in contained for r in case.relations
        )
        text = t("chart.relations.legend_member", lang, relation=label) if frame else f"→ {label}"
        entries.append(("frame" if frame else kind, text))
    entries.append(("present", t("chart.relations.legend_present", lang)))
    if any(not n.actor.at_table for n in nodes.values()):
        entries.append(("absent", t("chart.relations.legend_absent", lang)))
    for i, (kind, label) in enumerate(entries):
        x = _NET_MARGIN + (i % _LEGEND_COLUMNS) * _NET_USABLE / _LEGEND_COLUMNS
        y = top - (i // _LEGEND_COLUMNS + 0.5) * _LEGEND_ROW
        if kind in ("present", "absent", "frame"):
            sample = FancyBboxPatch(
                (x, y - 0.14),
                0.75,
                0.28,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=_GROUP_FACE if kind == "frame" else _WHITE,
                edgecolor=_BLACK,
                linewidth=1.6,
                linestyle=_ABSENT_DASH if kind == "absent" else "solid",
            )
            sketch.add(sample, "casekit-key")
        else:
            color, dash, width = _edge_style(kind, case)
            sketch.lines([[(x, y), (x + 0.75, y)]], "casekit-key", width, colors=color, linestyles=dash)
        sketch.text(x + 0.9, y, _fig_text(label), va="center", gid="casekit-legend")


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
    """Lay out and draw the boxes, arrows and key, with the alt text and the table."""
    lang = case.lang
    nodes = _network_nodes(case)
    rows = _top_level_rows(nodes)
    _order_rows(rows, case, nodes)
    entry_count = (
        len(dict.fromkeys(r.type for r in case.relations)) + 1 + any(not a.at_table for a in case.actors)
    )
    legend_h = -(-entry_count // _LEGEND_COLUMNS) * _LEGEND_ROW + 0.15
    body_h = -_place_rows(rows, 0.0) if rows else 0.5
    title = t("chart.relations.title", lang)
    sketch = _Sketch(_NET_WIDTH, 1.0 + body_h + 0.55 + legend_h, title)
    _place_rows(rows, sketch.height - 1.0)
    absent_rows = [row for row in rows if row[0].rank == _ABSENT_RANK]
    if absent_rows:
        line_y = max(n.y + n.height / 2 for n in absent_rows[0]) + _ROW_GAP / 2
        sketch.lines(
            [[(_NET_MARGIN, line_y), (_NET_WIDTH - _NET_MARGIN, line_y)]], alpha=0.5, linestyles=(0, (4, 3))
        )
        heading = _fig_text(t("chart.relations.absent_row", lang))
        sketch.text(_NET_MARGIN, line_y - 0.08, heading, bold=True, va="top", gid="casekit-absent-heading")
    for node in nodes.values():
        _draw_node(sketch, node)
    _draw_edges(sketch, case, nodes)
    _draw_legend(sketch, case, nodes, legend_h)
    names = {a.id: a.name for a in case.actors}
    label = {r.type: case.label("relation", r.type) for r in case.relations}
    rows_out = [(names[r.source], label[r.type], names[r.target], r.evidence) for r in case.relations]
    parts = [t("chart.relations.alt", lang, actors=len(nodes), relations=len(case.relations))]
    parts += [
        t(
            "chart.relations.alt_item",
            lang,
            source=names[r.source],
            relation=label[r.type],
            target=names[r.target],
        )
        for r in case.relations
    ]
    absent = [a.name for a in case.actors if not a.at_table]
    if absent:
        parts.append(t("chart.relations.alt_absent", lang, names=_join(absent, lang)))
    table = _frame(lang, ("source", "relation", "target", "evidence"), rows_out)
    return Chart(sketch.figure, title, " ".join(parts), table, lang)


# -- rows of items on the 1–5 scale: goal divergence, goal spread, dilemma positions ------------------------

_ROWS_WIDTH = 11.5
_COUNT_X = _ROWS_WIDTH - 0.75  # the middle of the count column at the right of the goal charts
_ZEBRA = _tint(_BLACK, 0.05)
_PLACEMENT = OKABE_ITO["blue"]


@dataclass(frozen=True)
class _Rows:
    """Rows of items over the 1–5 scale, in inches: ``x(point)``, and ``y(row)`` the middle of a row."""

    count: int
    row_h: float
    x0: float  # where SCALE[0] is
    x1: float  # where SCALE[-1] is
    top: float
    bottom: float

    def x(self, point: float) -> float:
        """The x of a point on the scale."""
        return self.x0 + (point - SCALE[0]) * (self.x1 - self.x0) / (SCALE[-1] - SCALE[0])

    def y(self, row: int) -> float:
        """The middle of a row (row 0 at the top)."""
        return self.bottom + (self.count - row - 0.5) * self.row_h

    def sketch(self, title: str) -> _Sketch:
        """A figure of these rows with the title and every other row shaded."""
        sketch = _Sketch(_ROWS_WIDTH, self.top + self.count * self.row_h + self.bottom, title)
        for row in range(0, self.count, 2):
            y = self.y(row) - self.row_h / 2
            sketch.rect(0.25, y, _ROWS_WIDTH - 0.5, self.row_h, "casekit-zebra", facecolor=_ZEBRA)
        return sketch


def _goal_rows(case: Case, title: str, header: str) -> tuple[_Rows, _Sketch]:
    """One row per speaker: names at the left, the scale numbers above and below, the poles, the header."""
    lang, speakers = case.lang, _speaking(case)
    rows = _Rows(max(len(speakers), 1), 0.64, 3.15, 9.55, top=1.3, bottom=1.35)
    sketch = rows.sketch(title)
    bottom, top = rows.bottom, rows.bottom + rows.count * rows.row_h
    sketch.lines([[(rows.x(p), bottom), (rows.x(p), top)] for p in SCALE], alpha=0.25, width=1.0)
    sketch.lines([[(rows.x0, rows.y(r)), (rows.x1, rows.y(r))] for r in range(rows.count)], alpha=0.45)
    for row, actor in enumerate(speakers):
        name = "\n".join(_wrap(_fig_text(actor.name), 2.2)[:2])
        sketch.text(2.5, rows.y(row), name, ha="right", va="center", gid="casekit-row-label")
    for point in SCALE:
        sketch.text(rows.x(point), bottom - 0.1, str(point), ha="center", va="top", gid="casekit-scale")
        sketch.text(rows.x(point), top + 0.1, str(point), ha="center", va="bottom", gid="casekit-scale")
    left, right = _goal_poles(case)
    left, right = t("chart.scale_left_arrow", lang, text=left), t("chart.scale_right_arrow", lang, text=right)
    for x, text, ha in ((rows.x0 - 0.3, left, "left"), (rows.x1 + 0.3, right, "right")):
        sketch.text(
            x, bottom - 0.5, _fig_text(text), size=_AXIS_PT, bold=True, ha=ha, va="top", gid="casekit-pole"
        )
    sketch.text(
        _COUNT_X,
        top + 0.1,
        _fig_text(header),
        bold=True,
        ha="center",
        va="bottom",
        gid="casekit-count-header",
    )
    return rows, sketch


def _goal_poles(case: Case) -> tuple[str, str]:
    """The two ends of the goal scale: the case's own wording (activities data), else the catalog's."""
    config = case.activity(registry.GOAL_DIVERGENCE)
    return (
        str(config.get("left") or t("chart.goals.pole_left", case.lang)),
        str(config.get("right") or t("chart.goals.pole_right", case.lang)),
    )


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
    ChartDataError
        (a ValueError) For an unknown actor id, an actor who does not speak, or a value outside 1–5.
    """
    placed = _goal_placements(case, placements, "goal_divergence")
    return _build(_draw_goal_divergence, case, placed)


def _draw_goal_divergence(case: Case, placed: Mapping[str, int]) -> Chart:
    """The rows with a marker per placement and the quote counts, with the alt text and the table."""
    lang, speakers = case.lang, _speaking(case)
    quotes: dict[str, list[str]] = {}
    for block in case.utterances:
        quotes.setdefault(block.speaker or "", []).append(block.ref)
    title = t("chart.goals.title", lang)
    rows, sketch = _goal_rows(case, title, t("chart.goals.quotes_header", lang))
    points = []
    for row, actor in enumerate(speakers):
        if actor.id in placed:
            points.append((rows.x(placed[actor.id]), rows.y(row)))
        else:
            text = _fig_text(t("chart.not_placed", lang))
            sketch.text(
                rows.x(3), rows.y(row) + 0.07, text, ha="center", va="bottom", gid="casekit-not-placed"
            )
        count = str(len(quotes.get(actor.id, [])))
        sketch.text(_COUNT_X, rows.y(row), count, ha="center", va="center", gid="casekit-count")
    if points:
        sketch.markers(points, "casekit-placements", ("o", _PLACEMENT, 15))
    table_rows = [
        (
            a.name,
            placed.get(a.id),
            len(quotes.get(a.id, [])),
            _join(list(dict.fromkeys(quotes.get(a.id, []))), lang),
        )
        for a in speakers
    ]
    table = _frame(lang, ("name", "position", "quotes", "refs"), table_rows, ints=(1, 2))
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
    ChartDataError
        (a ValueError) If an answer has an unknown actor id, an actor who does not speak, or a value
        outside 1–5 (the message names the answer's index).
    """
    if isinstance(placements, Mapping) or not isinstance(placements, Sequence):
        raise ChartDataError("goal_spread: placements must be a sequence of mappings, one per answer")
    checked = [_goal_placements(case, one, f"goal_spread (answer {i})") for i, one in enumerate(placements)]
    return _build(_draw_goal_spread, case, checked)


def _draw_goal_spread(case: Case, placements: Sequence[Mapping[str, int]]) -> Chart:
    """The rows with a counted circle per point that has placements, with the alt text and the table."""
    lang, speakers = case.lang, _speaking(case)
    counts = {a.id: dict.fromkeys(SCALE, 0) for a in speakers}
    for one in placements:
        for actor_id, point in one.items():
            counts[actor_id][point] += 1
    title = t("chart.spread.title", lang)
    rows, sketch = _goal_rows(case, title, t("chart.spread.n_header", lang))
    peak = max([c for per in counts.values() for c in per.values()] + [1])
    circles = []
    for row, actor in enumerate(speakers):
        for point, count in counts[actor.id].items():
            if count:
                radius = max(0.11 + 0.17 * (count / peak) ** 0.5, 0.16 if count >= 10 else 0.0)
                circles.append(Circle((rows.x(point), rows.y(row)), radius))
                sketch.text(
                    rows.x(point), rows.y(row), str(count), ha="center", va="center", gid="casekit-count"
                )
        n = str(sum(counts[actor.id].values()))
        sketch.text(_COUNT_X, rows.y(row), n, ha="center", va="center", gid="casekit-n")
    if circles:
        bubbles = PatchCollection(
            circles, facecolor=OKABE_ITO["sky_blue"], edgecolor=_BLACK, linewidth=1.0, zorder=4
        )
        sketch.add(bubbles, "casekit-bubbles")
    note = _fig_text(t("chart.spread.note", lang, sets=len(placements)))
    sketch.text(0.3, 0.15, note, va="bottom", gid="casekit-note")
    data: dict[str, Any] = {t("chart.col.name", lang): [a.name for a in speakers]}
    for point in SCALE:
        data[str(point)] = pd.array([counts[a.id][point] for a in speakers], dtype="Int64")
    data[t("chart.col.n", lang)] = pd.array([sum(counts[a.id].values()) for a in speakers], dtype="Int64")
    left, right = _goal_poles(case)
    parts = [t("chart.spread.alt", lang, left=left, right=right, sets=len(placements))]
    for actor in speakers:
        per = counts[actor.id]
        listed = _join(
            [t("chart.spread.alt_count", lang, count=c, point=p) for p, c in per.items() if c], lang
        )
        parts.append(t("chart.spread.alt_item", lang, name=actor.name, counts=listed, n=sum(per.values())))
    return Chart(sketch.figure, title, " ".join(parts), pd.DataFrame(data), lang)


def _dilemma_number(key: str) -> tuple[int, str]:
    """The number a dilemma key ends in (for sorting and its label), and the key."""
    match = re.search(r"(\d+)$", key)
    return (int(match.group(1)) if match else 10**6, key)


def _dilemma_label(key: str, lang: str) -> str:
    """``Dilemma 2`` for ``dilemma-2``; a key without a number as it is."""
    match = re.search(r"(\d+)$", key)
    return t("chart.dilemma.row", lang, n=match.group(1)) if match else key


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
    ChartDataError
        (a ValueError) For a position outside 1–5, or poles that are not a pair of texts.
    """
    checked = {str(k): _point(v, f"dilemma_positions: the position of {k!r}") for k, v in positions.items()}
    pairs: dict[str, tuple[str, str]] = {}
    for key, pair in poles.items():
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ChartDataError(
                f"dilemma_positions: the poles of {key!r} must be a pair (left, right), got {pair!r}"
            )
        pairs[str(key)] = (str(pair[0] or ""), str(pair[1] or ""))
    keys = sorted(set(checked) | set(pairs), key=_dilemma_number)
    return _build(_draw_dilemmas, case, keys, checked, pairs)


def _draw_dilemmas(
    case: Case, keys: Sequence[str], positions: Mapping[str, int | None], poles: Mapping[str, tuple[str, str]]
) -> Chart:
    """A 1–5 line per dilemma with the poles under its ends, with the alt text and the table."""
    lang = case.lang
    title, no_pole, not_placed = (
        t(f"chart.{k}", lang) for k in ("dilemma.title", "dilemma.no_pole", "not_placed")
    )
    rows = _Rows(max(len(keys), 1), 1.5, 2.3, 10.7, top=0.95, bottom=0.25)
    sketch = rows.sketch(title)
    pole_w = (rows.x1 - rows.x0) / 2 - 0.3
    points, ticks, guides = [], [], []
    for i, key in enumerate(keys):
        y = rows.y(i) + 0.2
        label = _fig_text(_dilemma_label(key, lang))
        sketch.text(0.35, y, label, bold=True, va="center", gid="casekit-row-label")
        guides.append([(rows.x0, y), (rows.x1, y)])
        for point in SCALE:
            ticks.append([(rows.x(point), y - 0.08), (rows.x(point), y + 0.08)])
            sketch.text(rows.x(point), y + 0.16, str(point), ha="center", va="bottom", gid="casekit-scale")
        position = positions.get(key)
        if position is None:
            sketch.text(0.35, y - 0.3, _fig_text(not_placed), va="top", gid="casekit-not-placed")
        else:
            points.append((rows.x(position), y))
        for text, x, ha in zip(
            poles.get(key, ("", "")), (rows.x0 - 0.1, rows.x1 + 0.1), ("left", "right"), strict=True
        ):
            lines = _wrap(_fig_text(_truncate(text) if text.strip() else no_pole), pole_w, _AXIS_PT)[:2]
            sketch.text(x, y - 0.3, "\n".join(lines), size=_AXIS_PT, ha=ha, va="top", gid="casekit-pole")
    sketch.lines(guides, alpha=0.6, width=2.0)
    sketch.lines(ticks, alpha=0.6, width=1.5)
    if points:
        sketch.markers(points, "casekit-placements", ("o", _PLACEMENT, 16))
    table_rows, parts = [], [t("chart.dilemma.alt", lang, count=len(keys))]
    for key in keys:
        (left, right), position, dilemma = (
            poles.get(key, ("", "")),
            positions.get(key),
            _dilemma_label(key, lang),
        )
        table_rows.append((dilemma, left, position, right))
        parts.append(
            t(
                "chart.dilemma.alt_item",
                lang,
                dilemma=dilemma,
                position=not_placed if position is None else str(position),
                left=" ".join(left.split()) or no_pole,
                right=" ".join(right.split()) or no_pole,
            )
        )
    table = _frame(lang, ("dilemma", "left_pole", "position", "right_pole"), table_rows, ints=(2,))
    return Chart(sketch.figure, title, " ".join(parts), table, lang)


# -- the hand-in ---------------------------------------------------------------------------------------------


def export_figures(case: Case, answers: Mapping[str, Any]) -> list[ExportFigure]:
    """The charts for a learner's hand-in, from the answers that have data for them.

    ``answers["stakeholder-map"]`` gives the power–interest grid (with the learner's own stakeholders, by
    the names they typed), ``answers["goal-divergence"]`` the goal
    chart, and the dilemma answers (``dilemma-1``…, each ``{"position", "left", "right", …}``) the
    dilemma chart. Values come from a learner's store and are cleaned with :func:`casekit.registry.clean`:
    what does not fit the case (a wrong type, an unknown actor, a value off the scale) is skipped, never
    raised; a stakeholder is placed only with both power and interest, a dilemma shown when it has a
    position or a pole; a chart with nothing left is left out.

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
    from casekit.figure import ExportFigure

    if not isinstance(answers, Mapping):
        return []

    def cleaned(key: str) -> Any:
        return registry.clean(key, answers.get(key), case) or {}

    charts: list[Chart] = []
    placed = {k: v for k, v in cleaned(registry.STAKEHOLDER_MAP).items() if None not in v.values()}
    if placed:
        charts.append(stakeholder_map(case, placed))
    goals = cleaned(registry.GOAL_DIVERGENCE)
    if goals:
        charts.append(goal_divergence(case, goals))
    positions: dict[str, int | None] = {}
    poles: dict[str, tuple[str, str]] = {}
    for key in registry.DILEMMAS:
        value = cleaned(key)
        left, right = value.get("left", ""), value.get("right", "")
        if value.get("position") is not None or left.strip() or right.strip():
            positions[key], poles[key] = value.get("position"), (left, right)
    if positions:
        charts.append(dilemma_positions(case, positions, poles))
    return [ExportFigure(title=c.title, svg=c.to_svg(), alt=c.alt) for c in charts]


# -- the class's spread: a whole class's answers, without names ----------------------------------------------
# Strings come from casekit/locales/<lang>/class.yaml (keys class.chart.*).

_SPREAD_ROW_H = 1.05  # inches: a power row of the class grid (no names in it, only a count)


def _count_bubble(count: int, peak: int, largest: float) -> float:
    """The radius of a count's circle: its area grows with the count; room for a two-digit number."""
    return max(0.12 + (largest - 0.12) * (count / max(peak, 1)) ** 0.5, 0.2 if count >= 10 else 0.0)


def stakeholder_spread(
    case: Case,
    placements: Sequence[Mapping[str, Mapping[str, Any]]],
    actor_id: str | None = None,
    *,
    name: str | None = None,
) -> Chart:
    """Where a class placed one stakeholder on the power–interest grid: a count in each cell.

    The 5×5 grid of :func:`stakeholder_map` (interest across, power up, split at 3 into the same four
    labelled quadrants), with a circle in each cell anyone chose, sized by the count and with the count
    written in it. Answers that leave the stakeholder out (or half placed) are counted as not placed.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    placements : Sequence[Mapping[str, Mapping[str, int]]]
        One stakeholder map per learner (actor id -> ``{"power", "interest"}``; a learner's own
        stakeholder ``own-1``… -> ``{"name", "at_table", "power", "interest"}``), no learners' names.
    actor_id : str, optional
        The case's stakeholder to show.
    name : str, optional
        Instead of ``actor_id``: the learners' own stakeholder of this name (trimmed, any case), shown
        under the name as given here.

    Returns
    -------
    Chart
        Table: one row per power (5 at the top), one column per interest point with the counts.

    Raises
    ------
    ChartDataError
        (a ValueError) For an unknown actor id (the one asked for or one in an answer), a value outside
        1–5, an answer that is not a mapping of placements, or neither or both of ``actor_id`` and
        ``name``.
    """
    func = "stakeholder_spread"
    if (actor_id is None) == (name is None):
        raise ChartDataError(f"{func}: give either actor_id or name")
    known = {a.id for a in case.actors}
    if name is not None:
        actor = _own_actor("own-1", {"name": name}, func)
        wanted = actor.name.casefold()
    else:
        actor = _actor(case, actor_id, func)
    if isinstance(placements, Mapping) or not isinstance(placements, Sequence):
        raise ChartDataError(f"{func}: placements must be a sequence of mappings, one per answer")
    cells: Counter[tuple[int, int]] = Counter()
    for i, one in enumerate(placements):
        if not isinstance(one, Mapping):
            raise ChartDataError(f"{func} (answer {i}): an answer must be a mapping of actor id to placement")
        for other, entry in one.items():
            if not isinstance(entry, Mapping):
                raise ChartDataError(f"{func} (answer {i}): the placement of {other!r} must be a mapping")
            own = other not in known and registry.is_own_stakeholder(other) and "name" in entry
            if own:
                typed = _own_actor(other, entry, f"{func} (answer {i})").name.casefold()
            else:
                _actor(case, other, f"{func} (answer {i})")
            power = _point(entry.get("power"), f"{func} (answer {i}): the power of {other!r}")
            interest = _point(entry.get("interest"), f"{func} (answer {i}): the interest of {other!r}")
            match = (own and typed == wanted) if name is not None else (not own and other == actor.id)
            if match and power is not None and interest is not None:
                cells[power, interest] += 1
    return _build(_draw_stakeholder_spread, case, actor, cells, len(placements))


def _draw_stakeholder_spread(
    case: Case, actor: Actor, cells: Counter[tuple[int, int]], answers: int
) -> Chart:
    """The grid with its quadrants, a counted circle per chosen cell; the alt text and the table."""
    lang = case.lang
    left = bottom = 1.05
    right, top = left + _COL_W * len(SCALE), bottom + _SPREAD_ROW_H * len(SCALE) + 2 * _BAND
    row = {p: bottom + _BAND + _SPREAD_ROW_H * (p - SCALE[0]) for p in SCALE}
    col = {i: left + _COL_W * (i - SCALE[0]) for i in SCALE}
    title = t("class.chart.stakeholder.title", lang, name=actor.name)
    sketch = _Sketch(right + 0.3, top + 1.0, _truncate(title, 70))
    split_x, split_y = col[_HIGH_FROM], row[_HIGH_FROM]
    boxes = [(split_x, split_y, right, top), (left, split_y, split_x, top), (split_x, bottom, right, split_y)]
    boxes.append((left, bottom, split_x, split_y))
    for key, (x0, y0, x1, y1) in zip(_QUADRANTS, boxes, strict=True):
        if key in _TINTS:
            sketch.rect(
                x0, y0, x1 - x0, y1 - y0, f"casekit-{key}", facecolor=_tint(OKABE_ITO[_TINTS[key]], 0.14)
            )
        y, va = (y1 - 0.12, "top") if y1 == top else (y0 + 0.12, "bottom")
        label = _fig_text(t(f"chart.quadrant.{key}", lang))
        sketch.text(x0 + 0.12, y, label, _QUADRANT_PT, True, va=va, gid="casekit-quadrant")
    inner = [p for p in SCALE[1:] if p != _HIGH_FROM]
    lines = [[(col[i], bottom), (col[i], top)] for i in inner]
    lines += [[(left, row[p]), (right, row[p])] for p in inner]
    sketch.lines(lines, None, 1.0, alpha=0.2)
    splits = [[(split_x, bottom), (split_x, top)], [(left, split_y), (right, split_y)]]
    sketch.lines(splits, None, 2.4, alpha=0.8, zorder=2)
    sketch.rect(left, bottom, right - left, top - bottom, edgecolor=_BLACK, linewidth=1.4, zorder=2)
    for p in SCALE:
        sketch.text(col[p] + _COL_W / 2, bottom - 0.1, str(p), ha="center", va="top", gid="casekit-scale")
        sketch.text(
            left - 0.14, row[p] + _SPREAD_ROW_H / 2, str(p), ha="right", va="center", gid="casekit-scale"
        )
    x_label, y_label = (_fig_text(t(f"chart.stakeholder.{k}", lang)) for k in ("x_label", "y_label"))
    sketch.text((left + right) / 2, bottom - 0.45, x_label, _AXIS_PT, ha="center", va="top")
    sketch.text(left - 0.62, (bottom + top) / 2, y_label, _AXIS_PT, ha="center", va="center", rotation=90)
    peak, circles = max(cells.values(), default=1), []
    for (power, interest), count in sorted(cells.items()):
        x, y = col[interest] + _COL_W / 2, row[power] + _SPREAD_ROW_H / 2
        circles.append(Circle((x, y), _count_bubble(count, peak, 0.42)))
        sketch.text(x, y, str(count), bold=True, ha="center", va="center", gid="casekit-count")
    if circles:
        sketch.add(
            PatchCollection(circles, facecolor=_WHITE, edgecolor=_BLACK, linewidth=1.6, zorder=4),
            "casekit-bubbles",
        )
    placed = sum(cells.values())
    note = t("class.chart.stakeholder.note", lang, placed=placed, answers=answers)
    sketch.text(0.3, 0.15, _fig_text(note), va="bottom", gid="casekit-note")
    parts = [t("class.chart.stakeholder.alt", lang, name=actor.name, placed=placed, answers=answers)]
    for key in _QUADRANTS:
        in_quadrant = sum(c for (p, i), c in cells.items() if _quadrant(p, i) == key)
        if in_quadrant:
            listed = _join(
                [
                    t("class.chart.stakeholder.alt_cell", lang, count=c, power=p, interest=i)
                    for (p, i), c in sorted(cells.items(), reverse=True)
                    if _quadrant(p, i) == key
                ],
                lang,
            )
            quadrant = t(f"chart.quadrant.{key}", lang)
            parts.append(
                t(
                    "class.chart.stakeholder.alt_quadrant",
                    lang,
                    quadrant=quadrant,
                    count=in_quadrant,
                    cells=listed,
                )
            )
    data: dict[str, Any] = {t("chart.col.power", lang): pd.array(list(reversed(SCALE)), dtype="Int64")}
    for interest in SCALE:
        column = t("class.chart.col.interest_at", lang, point=interest)
        data[column] = pd.array([cells.get((p, interest), 0) for p in reversed(SCALE)], dtype="Int64")
    return Chart(sketch.figure, title, " ".join(parts), pd.DataFrame(data), lang)


def _dilemma_poles(case: Case, key: str) -> tuple[str, str]:
    """A dilemma's poles from the case's activity data; the catalog's "no pole" where it has none."""
    config = case.activity("dilemmas").get(key) or {}
    none = t("class.chart.dilemma.no_pole", case.lang)
    return str(config.get("left") or none), str(config.get("right") or none)


def _dilemma_keys(case: Case) -> list[str]:
    """The case's dilemmas (its activity data), else the registry's, in number order."""
    keys = [str(k) for k in case.activity("dilemmas")] or list(registry.DILEMMAS)
    return sorted(keys, key=_dilemma_number)


def dilemma_spread(case: Case, positions: Sequence[Mapping[str, int]]) -> Chart:
    """How many learners took each position on each ethical dilemma, between the case's poles.

    One row per dilemma of the case (``dilemma-1``…), the 1–5 scale with a circle per point anyone chose,
    sized by the count and with the count written in it; the case's poles under the ends, and n at the
    right. A position of ``None`` (not placed) is not counted.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language, its activity data the poles.
    positions : Sequence[Mapping[str, int]]
        One mapping per learner: dilemma key -> 1..5.

    Returns
    -------
    Chart
        Table columns: dilemma, pole at 1, the counts per point ``"1"``…``"5"``, pole at 5, n.

    Raises
    ------
    ChartDataError
        (a ValueError) For a dilemma key the case does not have, or a position outside 1–5.
    """
    func = "dilemma_spread"
    if isinstance(positions, Mapping) or not isinstance(positions, Sequence):
        raise ChartDataError(f"{func}: positions must be a sequence of mappings, one per answer")
    keys = _dilemma_keys(case)
    counts = {k: dict.fromkeys(SCALE, 0) for k in keys}
    for i, one in enumerate(positions):
        if not isinstance(one, Mapping):
            raise ChartDataError(f"{func} (answer {i}): an answer must be a mapping of dilemma to position")
        for key, value in one.items():
            if key not in counts:
                raise ChartDataError(f"{func} (answer {i}): unknown dilemma {key!r}; the case has: {keys}")
            point = _point(value, f"{func} (answer {i}): the position of {key!r}")
            if point is not None:
                counts[key][point] += 1
    return _build(_draw_dilemma_spread, case, keys, counts, len(positions))


def _draw_dilemma_spread(
    case: Case, keys: Sequence[str], counts: Mapping[str, Mapping[int, int]], answers: int
) -> Chart:
    """A 1–5 line per dilemma with counted circles, the poles under its ends; the alt text and the table."""
    lang = case.lang
    title = t("class.chart.dilemma.title", lang)
    rows = _Rows(max(len(keys), 1), 1.55, 2.4, 9.55, top=1.25, bottom=0.6)
    sketch = rows.sketch(title)
    pole_w = (rows.x1 - rows.x0) / 2 + 0.5
    peak = max([c for per in counts.values() for c in per.values()] + [1])
    circles, ticks, guides = [], [], []
    top = rows.bottom + rows.count * rows.row_h
    sketch.text(
        _COUNT_X,
        top + 0.1,
        t("chart.spread.n_header", lang),
        bold=True,
        ha="center",
        va="bottom",
        gid="casekit-count-header",
    )
    for row, key in enumerate(keys):
        y = rows.y(row) + 0.25
        sketch.text(
            0.45, y, _fig_text(_dilemma_label(key, lang)), bold=True, va="center", gid="casekit-row-label"
        )
        guides.append([(rows.x0, y), (rows.x1, y)])
        for point in SCALE:
            ticks.append([(rows.x(point), y - 0.08), (rows.x(point), y + 0.08)])
            count = counts[key][point]
            sketch.text(rows.x(point), y + 0.34, str(point), ha="center", va="bottom", gid="casekit-scale")
            if count:
                circles.append(Circle((rows.x(point), y), _count_bubble(count, peak, 0.3)))
                sketch.text(rows.x(point), y, str(count), ha="center", va="center", gid="casekit-count")
        left, right = _dilemma_poles(case, key)
        for text, x, ha in ((left, rows.x0 - 0.2, "left"), (right, rows.x1 + 0.2, "right")):
            lines = _wrap(_fig_text(_truncate(text, 60)), pole_w - 0.4, _AXIS_PT)[:2]
            sketch.text(x, y - 0.36, "\n".join(lines), size=_AXIS_PT, ha=ha, va="top", gid="casekit-pole")
        n = str(sum(counts[key].values()))
        sketch.text(_COUNT_X, y, n, ha="center", va="center", gid="casekit-n")
    sketch.lines(guides, alpha=0.6, width=2.0)
    sketch.lines(ticks, alpha=0.6, width=1.5)
    if circles:
        sketch.add(
            PatchCollection(
                circles, facecolor=OKABE_ITO["sky_blue"], edgecolor=_BLACK, linewidth=1.0, zorder=4
            ),
            "casekit-bubbles",
        )
    note = _fig_text(t("class.chart.dilemma.note", lang, answers=answers))
    sketch.text(0.3, 0.15, note, va="bottom", gid="casekit-note")
    parts = [t("class.chart.dilemma.alt", lang, count=len(keys), answers=answers)]
    table_rows = []
    for key in keys:
        per, (left, right) = counts[key], _dilemma_poles(case, key)
        listed = _join(
            [t("chart.spread.alt_count", lang, count=c, point=p) for p, c in per.items() if c], lang
        )
        label = _dilemma_label(key, lang)
        parts.append(
            t(
                "class.chart.dilemma.alt_item",
                lang,
                dilemma=label,
                left=left,
                right=right,
                counts=listed,
                n=sum(per.values()),
            )
        )
        table_rows.append((label, left, *(per[p] for p in SCALE), right, sum(per.values())))
    columns = [t("chart.col.dilemma", lang), t("chart.col.left_pole", lang)]
    columns += [str(p) for p in SCALE] + [t("chart.col.right_pole", lang), t("chart.col.n", lang)]
    table = pd.DataFrame(table_rows, columns=columns)
    for column in [*(str(p) for p in SCALE), t("chart.col.n", lang)]:
        table[column] = table[column].astype("Int64")
    return Chart(sketch.figure, title, " ".join(parts), table, lang)


_BAR_X0, _BAR_X1, _BAR_LABEL_W = 5.0, 10.3, 4.45  # inches: where bars start and may end, the label room
_NOT_ANSWERED_HATCH = "//"


def _bar_rows(
    title: str,
    labels: Sequence[str],
    counts: Sequence[int],
    total: int,
    texts: Sequence[str],
    hatched: set[int],
) -> tuple[_Sketch, _Rows]:
    """Horizontal bars, one per label: the label at the left, the bar to the scale of ``total``, a text."""
    wrapped = [_wrap(_fig_text(label), _BAR_LABEL_W)[:2] for label in labels]
    row_h = 0.38 if all(len(w) == 1 for w in wrapped) else 0.8
    rows = _Rows(max(len(labels), 1), row_h, _BAR_X0, _BAR_X1, top=0.95, bottom=0.7)
    sketch = rows.sketch(title)
    scale = (_BAR_X1 - _BAR_X0) / max(total, 1)
    bottom = rows.bottom
    top = rows.bottom + rows.count * rows.row_h
    sketch.lines([[(_BAR_X0, bottom), (_BAR_X0, top)]], width=1.4)
    for row, (lines, count, text) in enumerate(zip(wrapped, counts, texts, strict=True)):
        y = rows.y(row)
        sketch.text(_BAR_X0 - 0.2, y, "\n".join(lines), ha="right", va="center", gid="casekit-row-label")
        width = count * scale
        if count:
            face = _WHITE if row in hatched else _tint(OKABE_ITO["blue"], 0.75)
            bar = Rectangle(
                (_BAR_X0, y - 0.13),
                width,
                0.26,
                facecolor=face,
                edgecolor=_BLACK,
                linewidth=1.2,
                zorder=3,
                hatch=_NOT_ANSWERED_HATCH if row in hatched else None,
            )
            sketch.add(bar, "casekit-bar-hatched" if row in hatched else "casekit-bar")
        sketch.text(_BAR_X0 + width + 0.12, y, _fig_text(text), ha="left", va="center", gid="casekit-count")
    return sketch, rows


def _share(count: int, total: int, lang: str) -> str:
    """``count`` as a whole percentage of ``total``, in the language's way of writing it."""
    return t("class.chart.percent", lang, value=round(100 * count / total) if total else 0)


def decision_split(case: Case, choices: Sequence[str | None]) -> Chart:
    """How the class chose at the decision point: a count per option, and "not answered".

    One bar per option of the case's decision-point activity (its own wording), plus a hatched bar for
    the learners who chose nothing; the count and share are written beside each bar.

    Parameters
    ----------
    case : Case
        The case; its decision-point activity gives the options.
    choices : Sequence[str | None]
        One choice per learner: an option id, or ``None`` for not answered.

    Returns
    -------
    Chart
        Table columns: option, count, share.

    Raises
    ------
    ChartDataError
        (a ValueError) For an option id the case's decision point does not have.
    """
    func = "decision_split"
    if isinstance(choices, (str, Mapping)) or not isinstance(choices, Sequence):
        raise ChartDataError(f"{func}: choices must be a sequence of option ids (or None), one per learner")
    options = {
        str(k): str(v) for k, v in (case.activity(registry.DECISION_POINT).get("options") or {}).items()
    }
    counts: Counter[str | None] = Counter()
    for i, choice in enumerate(choices):
        if choice is not None and choice not in options:
            raise ChartDataError(
                f"{func} (answer {i}): unknown option {choice!r}; the case has: {', '.join(options) or '-'}"
            )
        counts[choice] += 1
    return _build(_draw_decision_split, case, options, counts, len(choices))


def _draw_decision_split(
    case: Case, options: Mapping[str, str], counts: Counter[str | None], total: int
) -> Chart:
    """The bars per option and the not-answered bar; the alt text and the table."""
    lang = case.lang
    title = t("class.chart.decision.title", lang)
    none = t("class.chart.not_answered", lang)
    labels = [*options.values(), none]
    values = [*(counts.get(k, 0) for k in options), counts.get(None, 0)]
    texts = [t("class.chart.count_share", lang, count=c, share=_share(c, total, lang)) for c in values]
    sketch, _ = _bar_rows(title, labels, values, total, texts, {len(labels) - 1})
    note = _fig_text(t("class.chart.decision.note", lang, answers=total))
    sketch.text(0.3, 0.15, note, va="bottom", gid="casekit-note")
    parts = [t("class.chart.decision.alt", lang, answers=total)]
    parts += [
        t("class.chart.decision.alt_item", lang, option=label, count=c, share=_share(c, total, lang))
        for label, c in zip(labels, values, strict=True)
    ]
    rows = [(label, c, _share(c, total, lang)) for label, c in zip(labels, values, strict=True)]
    columns = [t(f"class.chart.col.{k}", lang) for k in ("option", "count", "share")]
    table = pd.DataFrame(rows, columns=columns).astype({columns[1]: "Int64"})
    return Chart(sketch.figure, title, " ".join(parts), table, lang)


def _fit(text: str, width: float = _BAR_LABEL_W) -> str:
    """``text`` cut with an ellipsis to fit on one line of ``width`` inches."""
    text = _fig_text(text)
    while len(text) > 4 and _width_in(text) > width:
        text = text[:-2].rstrip() + "…"
    return text


def _answer_name(case: Case, key: str) -> str:
    """The name of an answer key in the answer counts: the question's number and text, or the activity."""
    lang = case.lang
    for group in case.question_groups:
        for q in group.questions:
            if q.id == key:
                return t("class.chart.answers.question", lang, number=q.number, text=q.text)
    head, _, part = key.partition(".")
    if head in registry.DILEMMAS:
        return _dilemma_label(head, lang)
    config = case.activity(head)
    if part:
        fields = config.get("fields") or {}
        name = fields.get(part) if isinstance(fields, Mapping) else None
        return str(name or t(f"class.chart.answers.{key}", lang))
    return str(config.get("title") or t(f"class.chart.answers.{key}", lang))


def answer_counts(case: Case, answered: Mapping[str, int], learners: int) -> Chart:
    """How many of the class answered each question and activity, 0 to ``learners``.

    One bar per answer key of the case (:func:`casekit.registry.answer_keys`, in the journey's order),
    with "k af n" written beside it. A count is what was handed in or shared: a text not ticked for
    sharing is not counted.

    Parameters
    ----------
    case : Case
        The case.
    answered : Mapping[str, int]
        Answer key -> how many learners answered it; a key left out counts 0.
    learners : int
        How many learners there are.

    Returns
    -------
    Chart
        Table columns: answer, count, share.

    Raises
    ------
    ChartDataError
        (a ValueError) For a key the case does not have, or a count below 0 or above ``learners``.
    """
    func = "answer_counts"
    if isinstance(learners, bool) or not isinstance(learners, Integral) or learners < 0:
        raise ChartDataError(f"{func}: learners must be a whole number from 0 up, got {learners!r}")
    if not isinstance(answered, Mapping):
        raise ChartDataError(f"{func}: answered must be a mapping of answer key to count")
    keys = registry.answer_keys(case)
    for key, count in answered.items():
        if key not in keys:
            raise ChartDataError(f"{func}: unknown answer key {key!r}; the case has: {', '.join(keys)}")
        if isinstance(count, bool) or not isinstance(count, Integral) or not 0 <= int(count) <= learners:
            raise ChartDataError(f"{func}: the count of {key!r} must be from 0 to {learners}, got {count!r}")
    counts = [int(answered.get(k, 0)) for k in keys]
    return _build(_draw_answer_counts, case, keys, counts, int(learners))


def _draw_answer_counts(case: Case, keys: Sequence[str], counts: Sequence[int], learners: int) -> Chart:
    """A bar per answer key to the scale of the class; the alt text and the table."""
    lang = case.lang
    title = t("class.chart.answers.title", lang)
    labels = [_answer_name(case, k) for k in keys]
    texts = [t("class.chart.k_of_n", lang, count=c, n=learners) for c in counts]
    sketch, _ = _bar_rows(title, [_fit(label) for label in labels], counts, learners, texts, set())
    note = _fig_text(t("class.chart.answers.note", lang, learners=learners))
    sketch.text(0.3, 0.15, note, va="bottom", gid="casekit-note")
    parts = [t("class.chart.answers.alt", lang, learners=learners)]
    parts += [
        t("class.chart.answers.alt_item", lang, answer=label, count=c, n=learners)
        for label, c in zip(labels, counts, strict=True)
    ]
    rows = [(label, c, _share(c, learners, lang)) for label, c in zip(labels, counts, strict=True)]
    columns = [t(f"class.chart.col.{k}", lang) for k in ("answer", "count", "share")]
    table = pd.DataFrame(rows, columns=columns).astype({columns[1]: "Int64"})
    return Chart(sketch.figure, title, " ".join(parts), table, lang)
