"""The class's charts: a whole class's answers, without names. Where the class placed a stakeholder on the
power–interest grid, how it spread on the goal scale and the dilemmas, how it chose at the decision point,
and how many answered each question and activity. Words from ``casekit/locales/<lang>/class.yaml``
(``class.chart.*``) and the charts' catalog."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.patches import Circle, Rectangle

from casekit import registry
from casekit.charts._figure import (
    AXIS_PT,
    BLACK,
    OKABE_ITO,
    WHITE,
    Chart,
    Sketch,
    build,
    case_actor,
    fig_text,
    goal_placements,
    join_names,
    own_actor,
    scale_point,
    speaking,
    tint,
    truncate,
    width_in,
    wrap,
)
from casekit.charts._rows import COUNT_X, Rows, goal_poles, goal_rows
from casekit.charts.grid import BAND, COL_W, ORIGIN, QUADRANTS, Grid, class_points, quadrant_of
from casekit.errors import ChartDataError
from casekit.i18n import t
from casekit.naming import dilemma_keys, dilemma_label, dilemma_poles
from casekit.registry import SCALE

if TYPE_CHECKING:
    from casekit.case import Actor, Case

__all__ = ["answer_counts", "decision_split", "dilemma_spread", "goal_spread", "stakeholder_spread"]

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
    if name is not None:
        actor = own_actor(registry.own_stakeholder_key(1), {"name": name}, func)
        key = (True, actor.name.casefold())
    else:
        actor = case_actor(case, actor_id, func)
        key = (False, actor.id)
    points = class_points(case, placements, func).get(key, (actor, []))[1]
    cells: Counter[tuple[int, int]] = Counter(points)
    return build(_draw_stakeholder_spread, case, actor, cells, len(placements))


def _draw_stakeholder_spread(
    case: Case, actor: Actor, cells: Counter[tuple[int, int]], answers: int
) -> Chart:
    """The grid with its quadrants, a counted circle per chosen cell; the alt text and the table."""
    lang = case.lang
    bottom = ORIGIN
    row = {p: bottom + BAND + _SPREAD_ROW_H * (p - SCALE[0]) for p in SCALE}
    grid = Grid(row, dict.fromkeys(SCALE, _SPREAD_ROW_H), bottom + _SPREAD_ROW_H * len(SCALE) + 2 * BAND)
    title = t("class.chart.stakeholder.title", lang, name=actor.name)
    sketch = Sketch(grid.right + 0.3, grid.top + 1.0, truncate(title, 70))
    grid.draw(sketch, lang, "casekit-scale")
    peak, circles = max(cells.values(), default=1), []
    for (power, interest), count in sorted(cells.items()):
        x, y = grid.col(interest) + COL_W / 2, row[power] + _SPREAD_ROW_H / 2
        circles.append(Circle((x, y), _count_bubble(count, peak, 0.42)))
        sketch.text(x, y, str(count), bold=True, ha="center", va="center", gid="casekit-count")
    if circles:
        sketch.add(
            PatchCollection(circles, facecolor=WHITE, edgecolor=BLACK, linewidth=1.6, zorder=4),
            "casekit-bubbles",
        )
    placed = sum(cells.values())
    note = t("class.chart.stakeholder.note", lang, placed=placed, answers=answers)
    sketch.text(0.3, 0.15, fig_text(note), va="bottom", gid="casekit-note")
    parts = [t("class.chart.stakeholder.alt", lang, name=actor.name, placed=placed, answers=answers)]
    for key in QUADRANTS:
        in_quadrant = sum(c for (p, i), c in cells.items() if quadrant_of(p, i) == key)
        if in_quadrant:
            listed = join_names(
                [
                    t("class.chart.stakeholder.alt_cell", lang, count=c, power=p, interest=i)
                    for (p, i), c in sorted(cells.items(), reverse=True)
                    if quadrant_of(p, i) == key
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
    checked = [goal_placements(case, one, f"goal_spread (answer {i})") for i, one in enumerate(placements)]
    return build(_draw_goal_spread, case, checked)


def _draw_goal_spread(case: Case, placements: Sequence[Mapping[str, int]]) -> Chart:
    """The rows with a counted circle per point that has placements, with the alt text and the table."""
    lang, speakers = case.lang, speaking(case)
    counts = {a.id: dict.fromkeys(SCALE, 0) for a in speakers}
    for one in placements:
        for actor_id, point in one.items():
            counts[actor_id][point] += 1
    title = t("chart.spread.title", lang)
    rows, sketch = goal_rows(case, title, t("chart.spread.n_header", lang))
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
        sketch.text(COUNT_X, rows.y(row), n, ha="center", va="center", gid="casekit-n")
    if circles:
        bubbles = PatchCollection(
            circles, facecolor=OKABE_ITO["sky_blue"], edgecolor=BLACK, linewidth=1.0, zorder=4
        )
        sketch.add(bubbles, "casekit-bubbles")
    note = fig_text(t("chart.spread.note", lang, sets=len(placements)))
    sketch.text(0.3, 0.15, note, va="bottom", gid="casekit-note")
    data: dict[str, Any] = {t("chart.col.name", lang): [a.name for a in speakers]}
    for point in SCALE:
        data[str(point)] = pd.array([counts[a.id][point] for a in speakers], dtype="Int64")
    data[t("chart.col.n", lang)] = pd.array([sum(counts[a.id].values()) for a in speakers], dtype="Int64")
    left, right = goal_poles(case)
    parts = [t("chart.spread.alt", lang, left=left, right=right, sets=len(placements))]
    for actor in speakers:
        per = counts[actor.id]
        listed = join_names(
            [t("chart.spread.alt_count", lang, count=c, point=p) for p, c in per.items() if c], lang
        )
        parts.append(t("chart.spread.alt_item", lang, name=actor.name, counts=listed, n=sum(per.values())))
    return Chart(sketch.figure, title, " ".join(parts), pd.DataFrame(data), lang)


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
    keys = dilemma_keys(case)
    counts = {k: dict.fromkeys(SCALE, 0) for k in keys}
    for i, one in enumerate(positions):
        if not isinstance(one, Mapping):
            raise ChartDataError(f"{func} (answer {i}): an answer must be a mapping of dilemma to position")
        for key, value in one.items():
            if key not in counts:
                raise ChartDataError(f"{func} (answer {i}): unknown dilemma {key!r}; the case has: {keys}")
            point = scale_point(value, f"{func} (answer {i}): the position of {key!r}")
            if point is not None:
                counts[key][point] += 1
    return build(_draw_dilemma_spread, case, keys, counts, len(positions))


def _draw_dilemma_spread(
    case: Case, keys: Sequence[str], counts: Mapping[str, Mapping[int, int]], answers: int
) -> Chart:
    """A 1–5 line per dilemma with counted circles, the poles under its ends; the alt text and the table."""
    lang = case.lang
    title = t("class.chart.dilemma.title", lang)
    rows = Rows(max(len(keys), 1), 1.55, 2.4, 9.55, top=1.25, bottom=0.6)
    sketch = rows.sketch(title)
    pole_w = (rows.x1 - rows.x0) / 2 + 0.5
    peak = max([c for per in counts.values() for c in per.values()] + [1])
    circles, ticks, guides = [], [], []
    top = rows.bottom + rows.count * rows.row_h
    sketch.text(
        COUNT_X,
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
            0.45, y, fig_text(dilemma_label(key, lang)), bold=True, va="center", gid="casekit-row-label"
        )
        guides.append([(rows.x0, y), (rows.x1, y)])
        for point in SCALE:
            ticks.append([(rows.x(point), y - 0.08), (rows.x(point), y + 0.08)])
            count = counts[key][point]
            sketch.text(rows.x(point), y + 0.34, str(point), ha="center", va="bottom", gid="casekit-scale")
            if count:
                circles.append(Circle((rows.x(point), y), _count_bubble(count, peak, 0.3)))
                sketch.text(rows.x(point), y, str(count), ha="center", va="center", gid="casekit-count")
        left, right = dilemma_poles(case, key)
        for text, x, ha in ((left, rows.x0 - 0.2, "left"), (right, rows.x1 + 0.2, "right")):
            lines = wrap(fig_text(truncate(text, 60)), pole_w - 0.4, AXIS_PT)[:2]
            sketch.text(x, y - 0.36, "\n".join(lines), size=AXIS_PT, ha=ha, va="top", gid="casekit-pole")
        n = str(sum(counts[key].values()))
        sketch.text(COUNT_X, y, n, ha="center", va="center", gid="casekit-n")
    sketch.lines(guides, alpha=0.6, width=2.0)
    sketch.lines(ticks, alpha=0.6, width=1.5)
    if circles:
        sketch.add(
            PatchCollection(
                circles, facecolor=OKABE_ITO["sky_blue"], edgecolor=BLACK, linewidth=1.0, zorder=4
            ),
            "casekit-bubbles",
        )
    note = fig_text(t("class.chart.dilemma.note", lang, answers=answers))
    sketch.text(0.3, 0.15, note, va="bottom", gid="casekit-note")
    parts = [t("class.chart.dilemma.alt", lang, count=len(keys), answers=answers)]
    table_rows = []
    for key in keys:
        per, (left, right) = counts[key], dilemma_poles(case, key)
        listed = join_names(
            [t("chart.spread.alt_count", lang, count=c, point=p) for p, c in per.items() if c], lang
        )
        label = dilemma_label(key, lang)
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
) -> tuple[Sketch, Rows]:
    """Horizontal bars, one per label: the label at the left, the bar to the scale of ``total``, a text."""
    wrapped = [wrap(fig_text(label), _BAR_LABEL_W)[:2] for label in labels]
    row_h = 0.34 if all(len(w) == 1 for w in wrapped) else 0.8  # 20 rows fit a projected screen
    rows = Rows(max(len(labels), 1), row_h, _BAR_X0, _BAR_X1, top=0.95, bottom=0.7)
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
            face = WHITE if row in hatched else tint(OKABE_ITO["blue"], 0.75)
            bar = Rectangle(
                (_BAR_X0, y - 0.13),
                width,
                0.26,
                facecolor=face,
                edgecolor=BLACK,
                linewidth=1.2,
                zorder=3,
                hatch=_NOT_ANSWERED_HATCH if row in hatched else None,
            )
            sketch.add(bar, "casekit-bar-hatched" if row in hatched else "casekit-bar")
        sketch.text(_BAR_X0 + width + 0.12, y, fig_text(text), ha="left", va="center", gid="casekit-count")
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
    return build(_draw_decision_split, case, options, counts, len(choices))


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
    note = fig_text(t("class.chart.decision.note", lang, answers=total))
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
    text = fig_text(text)
    while len(text) > 4 and width_in(text) > width:
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
        return dilemma_label(head, lang)
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
    return build(_draw_answer_counts, case, keys, counts, int(learners))


def _draw_answer_counts(case: Case, keys: Sequence[str], counts: Sequence[int], learners: int) -> Chart:
    """A bar per answer key to the scale of the class; the alt text and the table."""
    lang = case.lang
    title = t("class.chart.answers.title", lang)
    labels = [_answer_name(case, k) for k in keys]
    texts = [t("class.chart.k_of_n", lang, count=c, n=learners) for c in counts]
    sketch, _ = _bar_rows(title, [_fit(label) for label in labels], counts, learners, texts, set())
    note = fig_text(t("class.chart.answers.note", lang, learners=learners))
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
