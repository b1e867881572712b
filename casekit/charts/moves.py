"""How the class moved between two rounds: slope charts of the speakers on the goal scale and of the
ethical dilemmas, one panel per speaker or dilemma.

In each panel the left column is the first round and the right column the second, both the 1–5 scale from
the bottom up; a counted circle on a column is how many stood at that point, and a line from a point on the
left to a point on the right, as wide as its count and with the count written on it, is how many went that
way (level: they stayed). Only learners who placed the speaker or dilemma in both rounds are counted, so
what leaves a point on the left is what stood there. Made for the classroom screen like the overview
(16:8.4, words of 15–18 pt); the words are from ``casekit/locales/<lang>/class.yaml``
(``class.chart.moves.*``, ``class.moves.sentence``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from casekit._text import lower_first
from casekit.charts._figure import (
    BLACK,
    OKABE_ITO,
    WHITE,
    Chart,
    Sketch,
    build,
    fig_text,
    goal_placements,
    scale_point,
    speaking,
    table_frame,
    tint,
    width_in,
    wrap,
)
from casekit.charts._place import Box, Layout
from casekit.charts._rows import goal_poles
from casekit.errors import ChartDataError
from casekit.i18n import t
from casekit.naming import dilemma_keys, dilemma_label, dilemma_poles
from casekit.registry import SCALE

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = ["dilemma_moves", "goal_moves"]

WIDTH, HEIGHT = 16.0, 8.4  # inches: as the overview, a 16:9 screen less the report's heading
_TITLE_PT, _SUB_PT, _NAME_PT, _POLE_PT, _COUNT_PT, _SMALL_PT = 24.0, 16.0, 18.0, 15.0, 16.0, 14.0
_UP, _DOWN, _STAY = OKABE_ITO["blue"], OKABE_ITO["vermillion"], BLACK
_T = sorted(
    (0.1 + 0.02 * k for k in range(41)), key=lambda f: (abs(f - 0.5), f)
)  # spots on a line, middle first
Pair = tuple[Mapping[str, int | None], Mapping[str, int | None]]


@dataclass(frozen=True)
class _Item:
    """One panel: a speaker or a dilemma, the poles at 1 and 5, and how many went from a to b."""

    key: str
    name: str
    left: str
    right: str
    lines: Counter[tuple[int, int]]

    @property
    def n(self) -> int:
        return sum(self.lines.values())

    def count(self, sign: int) -> int:
        """How many moved up (1), down (-1) or stayed (0)."""
        return sum(c for (a, b), c in self.lines.items() if (b > a) - (b < a) == sign)


def goal_moves(case: Case, pairs: Sequence[Pair], first: str, second: str) -> Chart:
    """How the learners in two rounds moved each speaker on the goal scale: a slope chart per speaker.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language, its goal activity the poles.
    pairs : Sequence[tuple[Mapping[str, int], Mapping[str, int]]]
        One pair per learner in both rounds: the learner's goal placements (speaker id -> 1..5) in the
        first round and in the second. A speaker placed in only one of them is not counted.
    first, second : str
        The two rounds' names, as the class knows them.

    Returns
    -------
    Chart
        Table: one row per speaker: name, how many moved toward 5, toward 1, stayed, n, and every line as
        "from → to: count". The alt text says the same, a sentence per speaker.

    Raises
    ------
    ChartDataError
        (a ValueError) For pairs that are not pairs of mappings, an unknown or silent actor, or a value
        outside 1–5 (the message names the pair's index).
    """
    func = "goal_moves"
    left, right = goal_poles(case)
    lines = {a.id: Counter[tuple[int, int]]() for a in speaking(case)}
    for i, (before, after) in enumerate(_pairs(pairs, func)):
        a = goal_placements(case, before, f"{func} (pair {i}, first round)")
        b = goal_placements(case, after, f"{func} (pair {i}, second round)")
        for key in a.keys() & b.keys():
            lines[key][a[key], b[key]] += 1
    items = [_Item(a.id, a.name, left, right, lines[a.id]) for a in speaking(case)]
    return build(_draw, case, "goals", items, first, second)


def dilemma_moves(case: Case, pairs: Sequence[Pair], first: str, second: str) -> Chart:
    """How the learners in two rounds moved on each ethical dilemma: a slope chart per dilemma.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language, its dilemmas the panels and their poles.
    pairs : Sequence[tuple[Mapping[str, int], Mapping[str, int]]]
        One pair per learner in both rounds: the learner's positions (dilemma key -> 1..5, or ``None``
        for not placed) in the first round and in the second.
    first, second : str
        The two rounds' names.

    Returns
    -------
    Chart
        Table: one row per dilemma, with the columns of :func:`goal_moves`.

    Raises
    ------
    ChartDataError
        (a ValueError) For pairs that are not pairs of mappings, a dilemma the case does not have, or a
        position outside 1–5.
    """
    func = "dilemma_moves"
    keys = dilemma_keys(case)
    lines = {k: Counter[tuple[int, int]]() for k in keys}
    for i, (before, after) in enumerate(_pairs(pairs, func)):
        points = []
        for when, one in (("first", before), ("second", after)):
            found = {}
            for key, value in one.items():
                if key not in lines:
                    raise ChartDataError(f"{func} (pair {i}): unknown dilemma {key!r}; the case has: {keys}")
                point = scale_point(value, f"{func} (pair {i}, {when} round): the position of {key!r}")
                if point is not None:
                    found[key] = point
            points.append(found)
        for key in points[0].keys() & points[1].keys():
            lines[key][points[0][key], points[1][key]] += 1
    items = [_Item(k, dilemma_label(k, case.lang), *dilemma_poles(case, k), lines[k]) for k in keys]
    return build(_draw, case, "dilemmas", items, first, second)


def _pairs(pairs: Sequence[Pair], func: str) -> Sequence[Pair]:
    if isinstance(pairs, Mapping) or not isinstance(pairs, Sequence):
        raise ChartDataError(f"{func}: pairs must be a sequence of (first round, second round) pairs")
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, Sequence) and len(pair) == 2 and all(isinstance(p, Mapping) for p in pair)):
            raise ChartDataError(
                f"{func} (pair {i}): a pair must be two mappings, the first and the second round"
            )
    return pairs


@dataclass(frozen=True)
class _Frame:
    """Where things are, in inches: the panels, the scale's points up the page, the columns."""

    margin: float
    panel_w: float
    y1: float
    y5: float

    def y(self, point: float) -> float:
        return self.y1 + (point - SCALE[0]) * (self.y5 - self.y1) / (SCALE[-1] - SCALE[0])

    def columns(self, panel: int) -> tuple[float, float]:
        """The first and the second round's column of a panel."""
        left = self.margin + panel * self.panel_w
        inset = max(0.5, (self.panel_w - 3.0) / 2)
        return left + inset, left + self.panel_w - inset


def _line_h(size: float) -> float:
    return size * 1.2 * 1.16 / 72


def _draw(case: Case, kind: str, items: Sequence[_Item], first: str, second: str) -> Chart:
    """The panels, the counted circles, the lines with their counts; the alt text and the table."""
    lang = case.lang
    title = t(f"class.chart.moves.{kind}_title", lang)
    sketch = Sketch(WIDTH, HEIGHT, title, _TITLE_PT)
    rounds = wrap(
        fig_text(t("class.chart.moves.rounds", lang, first=first, second=second)), WIDTH - 0.6, _SUB_PT
    )
    sketch.text(0.3, HEIGHT - 0.85, "\n".join(rounds), _SUB_PT, va="top", gid="casekit-rounds")
    top = HEIGHT - 0.85 - len(rounds) * _line_h(_SUB_PT) - 0.15
    goals = kind == "goals"
    margin = 2.6 if goals else 0.75
    panel_w = (WIDTH - margin - 0.25) / max(len(items), 1)
    names = [wrap(fig_text(item.name), panel_w - 0.2, _NAME_PT)[:2] for item in items]
    head_h = max((len(n) for n in names), default=1) * _line_h(_NAME_PT) + _line_h(_SMALL_PT)
    pole_w = (margin - 0.45) if goals else panel_w - 0.3
    poles = [
        (
            wrap(fig_text(t("class.chart.moves.pole_up", lang, text=item.right)), pole_w, _POLE_PT),
            wrap(fig_text(t("class.chart.moves.pole_down", lang, text=item.left)), pole_w, _POLE_PT),
        )
        for item in items
    ]
    pole_h = max((max(len(up), len(down)) for up, down in poles), default=1) * _line_h(_POLE_PT)
    note_h = 0.6
    if goals:
        frame = _Frame(margin, panel_w, note_h + max(pole_h - 0.2, 0.0) + 0.45, top - head_h - 0.45)
    else:
        frame = _Frame(margin, panel_w, note_h + pole_h + 0.45, top - head_h - pole_h - 0.45)
    guides, separators = [], []
    for p in SCALE:
        sketch.text(margin - 0.2, frame.y(p), str(p), _COUNT_PT, ha="right", va="center", gid="casekit-scale")
    if goals and items:
        up, down = poles[0]
        x = 0.3
        sketch.text(x, frame.y5 + 0.3, "\n".join(up), _POLE_PT, True, va="bottom", gid="casekit-pole")
        sketch.text(x, frame.y1 - 0.3, "\n".join(down), _POLE_PT, True, va="top", gid="casekit-pole")
    peak = max([c for item in items for c in _columns(item)[0].values()] + [1])
    widest = max([c for item in items for c in item.lines.values()] + [1])
    circles: list[tuple[Circle, str]] = []
    for n, (item, name, (up, down)) in enumerate(zip(items, names, poles, strict=True)):
        left = margin + n * panel_w
        centre = left + panel_w / 2
        if n:
            separators.append([(left, frame.y1 - 0.3), (left, top)])
        sketch.text(
            centre, top, "\n".join(name), _NAME_PT, True, ha="center", va="top", gid="casekit-row-label"
        )
        n_y = top - len(name) * _line_h(_NAME_PT)
        sketch.text(
            centre,
            n_y,
            t("class.chart.moves.n", lang, n=item.n),
            _SMALL_PT,
            ha="center",
            va="top",
            gid="casekit-n",
        )
        if not goals:
            sketch.text(
                centre, frame.y5 + 0.35, "\n".join(up), _POLE_PT, ha="center", va="bottom", gid="casekit-pole"
            )
            sketch.text(
                centre, frame.y1 - 0.35, "\n".join(down), _POLE_PT, ha="center", va="top", gid="casekit-pole"
            )
        xa, xb = frame.columns(n)
        for x in (xa, xb):
            guides.append([(x, frame.y1), (x, frame.y5)])
        guides += [[(xa - 0.25, frame.y(p)), (xb + 0.25, frame.y(p))] for p in SCALE]
        if not item.n:
            text = "\n".join(wrap(fig_text(t("class.chart.moves.nobody", lang)), xb - xa - 0.2, _SMALL_PT))
            sketch.text(centre, frame.y(3), text, _SMALL_PT, ha="center", va="center", gid="casekit-nobody")
            continue
        circles += _panel(sketch, frame, item, (xa, xb), peak, widest)
    sketch.lines(guides, "casekit-guides", 1.0, alpha=0.18)
    if separators:
        sketch.lines(separators, "casekit-separators", 1.0, alpha=0.35)
    for face, gid in (
        (tint(OKABE_ITO["sky_blue"], 0.55), "first"),
        (tint(OKABE_ITO["orange"], 0.55), "second"),
    ):
        patches = [c for c, which in circles if which == gid]
        if patches:
            sketch.add(
                PatchCollection(patches, facecolor=face, edgecolor=BLACK, linewidth=1.2, zorder=4),
                f"casekit-bubbles-{gid}",
            )
    note = wrap(fig_text(t("class.chart.moves.note", lang)), WIDTH - 0.6, _SMALL_PT)
    sketch.text(0.3, 0.12, "\n".join(note[:2]), _SMALL_PT, va="bottom", gid="casekit-note")
    return Chart(sketch.figure, title, _alt(case, kind, items, first, second), _table(case, items), case.lang)


def _columns(item: _Item) -> tuple[Counter[int], Counter[int]]:
    """How many stood at each point in the first round and in the second."""
    before, after = Counter[int](), Counter[int]()
    for (a, b), c in item.lines.items():
        before[a] += c
        after[b] += c
    return before, after


def _radius(count: int, peak: int) -> float:
    return max(0.15 + 0.15 * math.sqrt(count / peak), 0.22 if count >= 10 else 0.0)


def _panel(
    sketch: Sketch, frame: _Frame, item: _Item, columns: tuple[float, float], peak: int, widest: int
) -> list[tuple[Circle, str]]:
    """One speaker's or dilemma's circles and lines, each line's count where no other count or circle is."""
    xa, xb = columns
    before, after = _columns(item)
    circles, taken = [], []
    radius = {}
    for x, counts, which in ((xa, before, "first"), (xb, after, "second")):
        for point, count in counts.items():
            r = radius[which, point] = _radius(count, peak)
            y = frame.y(point)
            circles.append((Circle((x, y), r), which))
            taken.append(Box.around(x, y, 2 * r, 2 * r))
            sketch.text(
                x, y, str(count), _COUNT_PT, True, ha="center", va="center", gid="casekit-column-count"
            )
    layout = Layout(Box(xa - 0.3, frame.y1 - 0.45, xb + 0.3, frame.y5 + 0.45), taken)
    chips = []
    for (a, b), count in sorted(item.lines.items(), key=lambda line: (-line[1], line[0])):
        colour = _UP if b > a else _DOWN if b < a else _STAY
        share = (count - 1) / (widest - 1) if widest > 1 else 0.0  # a line of one is thin, the widest thick
        ya, yb = frame.y(a), frame.y(b)
        arrow = FancyArrowPatch(
            (xa, ya),
            (xb, yb),
            arrowstyle="-|>",
            mutation_scale=14 + 6 * share,
            shrinkA=radius["first", a] * 72 + 1,
            shrinkB=radius["second", b] * 72 + 1,
            color=colour,
            linewidth=1.3 + 4.2 * share,
            alpha=0.55 if colour == _STAY else 0.9,
            zorder=3,
        )
        sketch.add(arrow, "casekit-move-line")
        length = math.hypot(xb - xa, yb - ya)
        ux, uy = (xb - xa) / length, (yb - ya) / length
        sx, sy = xa + ux * radius["first", a], ya + uy * radius["first", a]
        ex, ey = xb - ux * radius["second", b], yb - uy * radius["second", b]
        text = str(count)
        w, h = width_in(text, _COUNT_PT, True) + 0.16, _line_h(_COUNT_PT) + 0.04
        spots = [Box.around(sx + f * (ex - sx), sy + f * (ey - sy), w, h) for f in _T]
        mid = spots[0]  # on a crowded panel, the free spot nearest to the middle of the line
        box = (
            layout.first_free(spots)
            or layout.place(mid.cx, mid.cy, w, h, gap=0.0)
            or layout.least_covered(spots)
        )
        chips.append(Rectangle((box.x0, box.y0), box.x1 - box.x0, box.y1 - box.y0, edgecolor=colour))
        sketch.text(
            box.cx,
            box.cy,
            text,
            _COUNT_PT,
            True,
            ha="center",
            va="center",
            gid="casekit-move-count",
            label=f"{item.key}:{a}:{b}",
        )
    if chips:
        sketch.add(
            PatchCollection(
                chips,
                facecolor=WHITE,
                match_original=False,
                linewidth=1.4,
                zorder=4.5,
                edgecolor=[c.get_edgecolor() for c in chips],
            ),
            "casekit-move-chips",
        )
    return circles


def _line_list(item: _Item, lang: str) -> str:
    return t("chart.list_sep", lang).join(
        t("class.chart.moves.line", lang, start=a, end=b, count=c) for (a, b), c in sorted(item.lines.items())
    )


def _sentence(item: _Item, lang: str) -> str:
    """The item's move as the class's text says it (``class.moves.sentence``)."""
    return t(
        "class.moves.sentence",
        lang,
        name=item.name,
        right_count=item.count(1),
        left_count=item.count(-1),
        stayed=item.count(0),
        n=item.n,
        right=lower_first(item.right),
        left=lower_first(item.left),
    )


def _alt(case: Case, kind: str, items: Sequence[_Item], first: str, second: str) -> str:
    lang = case.lang
    if kind == "goals":
        left, right = goal_poles(case)
        parts = [
            t(
                "class.chart.moves.alt_goals",
                lang,
                count=len(items),
                left=left,
                right=right,
                first=first,
                second=second,
            )
        ]
    else:
        parts = [t("class.chart.moves.alt_dilemmas", lang, count=len(items), first=first, second=second)]
    for item in items:
        parts.append(_sentence(item, lang))
        if item.n:
            parts.append(t("class.chart.moves.alt_lines", lang, lines=_line_list(item, lang)))
    return " ".join(parts)


def _table(case: Case, items: Sequence[_Item]) -> pd.DataFrame:
    lang = case.lang
    rows = [(i.name, i.count(1), i.count(-1), i.count(0), i.n, _line_list(i, lang) or None) for i in items]
    keys = ("name", "toward_right", "toward_left", "stayed", "n", "lines")
    return table_frame(lang, keys, rows, ints=(1, 2, 3, 4))
