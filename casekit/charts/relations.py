"""The relations diagram: who initiated, leads, reports to, sits in the project group, represents and
interrupts whom, in a hand-made layered layout (no graph library)."""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from casekit.charts._figure import (
    BLACK,
    LINE_H,
    OKABE_ITO,
    WHITE,
    Chart,
    Sketch,
    build,
    fig_text,
    join_names,
    table_frame,
    tint,
    width_in,
    wrap,
)
from casekit.i18n import t

if TYPE_CHECKING:
    from casekit.case import Actor, Case

__all__ = ["relations_diagram"]

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
    "member_of": (BLACK, "solid", 1.2),
    "represents": (BLACK, (0, (1.5, 2)), 2.2),
    "initiated_by": (OKABE_ITO["reddish_purple"], (0, (7, 2, 1.5, 2)), 2.4),
    "interrupts": (OKABE_ITO["vermillion"], (0, (2.5, 1.5)), 3.0),
}
_SPARE_STYLES: tuple[tuple[str, Any, float], ...] = (
    (OKABE_ITO["orange"], (0, (8, 3)), 2.0),
    (OKABE_ITO["sky_blue"], (0, (4, 1.5, 1, 1.5, 1, 1.5)), 2.0),
)
_ABSENT_DASH = (0, (4, 2.5))
_GROUP_FACE = tint(OKABE_ITO["sky_blue"], 0.16)
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
        return max(width_in(line) for line in self.lines) + 2 * 0.12

    @functools.cached_property
    def height(self) -> float:
        """The box's height in inches."""
        if self.inner:
            rows = sum(max(n.height for n in row) for row in self.inner)
            return _GROUP_HEADER + rows + _GROUP_ROW_GAP * (len(self.inner) - 1) + _GROUP_PAD
        return len(self.lines) * LINE_H + 2 * 0.1

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
            nodes[actor.id] = _Node(actor, rank, wrap(fig_text(actor.name), 1.7, hyphenate=False))
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


def _draw_node(sketch: Sketch, node: _Node) -> None:
    """A box (a dashed one for an actor not at the table, a frame for a group) and its name."""
    absent, group = not node.actor.at_table, bool(node.inner)
    box = FancyBboxPatch(
        (node.x - node.width / 2, node.y - node.height / 2),
        node.width,
        node.height,
        boxstyle=f"round,pad=0,rounding_size={0.14 if group else 0.08}",
        facecolor=_GROUP_FACE if group else WHITE,
        edgecolor=BLACK,
        linewidth=1.8 if absent or group else 1.4,
        linestyle=_ABSENT_DASH if absent else "solid",
        zorder=1 if group else 3,
        label=node.actor.id,
    )
    sketch.add(box, "casekit-group" if group else "casekit-node-absent" if absent else "casekit-node")
    if group:
        x, y = node.x - node.width / 2 + _GROUP_PAD, node.y + node.height / 2 - _GROUP_HEADER / 2
        text, ha, bold = fig_text(node.actor.name), "left", True
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


def _draw_edges(sketch: Sketch, case: Case, nodes: Mapping[str, _Node]) -> None:
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


def _draw_legend(sketch: Sketch, case: Case, nodes: Mapping[str, _Node], top: float) -> None:
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
                facecolor=_GROUP_FACE if kind == "frame" else WHITE,
                edgecolor=BLACK,
                linewidth=1.6,
                linestyle=_ABSENT_DASH if kind == "absent" else "solid",
            )
            sketch.add(sample, "casekit-key")
        else:
            color, dash, width = _edge_style(kind, case)
            sketch.lines([[(x, y), (x + 0.75, y)]], "casekit-key", width, colors=color, linestyles=dash)
        sketch.text(x + 0.9, y, fig_text(label), va="center", gid="casekit-legend")


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
    return build(_draw_relations, case)


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
    sketch = Sketch(_NET_WIDTH, 1.0 + body_h + 0.55 + legend_h, title)
    _place_rows(rows, sketch.height - 1.0)
    absent_rows = [row for row in rows if row[0].rank == _ABSENT_RANK]
    if absent_rows:
        line_y = max(n.y + n.height / 2 for n in absent_rows[0]) + _ROW_GAP / 2
        sketch.lines(
            [[(_NET_MARGIN, line_y), (_NET_WIDTH - _NET_MARGIN, line_y)]], alpha=0.5, linestyles=(0, (4, 3))
        )
        heading = fig_text(t("chart.relations.absent_row", lang))
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
        parts.append(t("chart.relations.alt_absent", lang, names=join_names(absent, lang)))
    table = table_frame(lang, ("source", "relation", "target", "evidence"), rows_out)
    return Chart(sketch.figure, title, " ".join(parts), table, lang)
