"""Labels that never cover one another: each box is put, one after the other, at the free spot nearest to
what it labels, where it overlaps no box taken before it (other labels, markers, a grid's own words).

The class's overview grid and its move charts place their labels here. Everything is in inches on the
figure, as the charts draw (:class:`casekit.charts._figure.Sketch`). The search is a numpy pass over a
lattice of candidate spots, so a chart of forty labels places them in a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Box", "Layout"]

_BATCH = 512
"""How many candidate spots :meth:`_Spots.cheapest` checks for crossing lines at a time."""


@dataclass(frozen=True)
class Box:
    """A rectangle in inches: its left, bottom, right and top edges."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, x: float, y: float, w: float, h: float) -> Box:
        """The box of width ``w`` and height ``h`` centred on (x, y)."""
        return cls(x - w / 2, y - h / 2, x + w / 2, y + h / 2)

    @property
    def cx(self) -> float:
        """The middle, across."""
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        """The middle, up."""
        return (self.y0 + self.y1) / 2

    def overlaps(self, other: Box) -> bool:
        """Whether the two share more than an edge."""
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: Box) -> bool:
        """Whether this box lies within ``other`` (edges may touch)."""
        eps = 1e-9
        return (
            self.x0 >= other.x0 - eps
            and self.x1 <= other.x1 + eps
            and self.y0 >= other.y0 - eps
            and self.y1 <= other.y1 + eps
        )

    def nearest(self, x: float, y: float) -> tuple[float, float]:
        """The point of the box nearest to (x, y)."""
        return min(max(x, self.x0), self.x1), min(max(y, self.y0), self.y1)


class Layout:
    """The boxes taken so far on a figure, and the area new labels must stay inside.

    Parameters
    ----------
    area : Box
        Where labels may go.
    taken : Iterable[Box]
        What is there already and must not be covered (markers, the grid's own words).
    step : float
        The lattice of candidate spots, in inches.
    """

    def __init__(self, area: Box, taken: Iterable[Box] = (), step: float = 0.05) -> None:
        self.area = area
        self.step = step
        self.boxes: list[Box] = list(taken)

    def take(self, box: Box) -> Box:
        """Mark ``box`` as taken; returns it."""
        self.boxes.append(box)
        return box

    def free(self, box: Box) -> bool:
        """Whether ``box`` is inside the area and overlaps nothing taken."""
        return box.inside(self.area) and not any(box.overlaps(other) for other in self.boxes)

    def place(
        self, x: float, y: float, w: float, h: float, gap: float = 0.1, leader: float = math.inf
    ) -> Box | None:
        """The free box of width ``w`` and height ``h`` nearest to the point (x, y), taken; ``None`` when no
        spot in the area is free.

        Nearest is by the distance from the point to the box, plus a little for a box that is not level with
        the point or lies left of it, so that a label sits to the right of its marker where it can. ``gap``
        keeps the box at least that far from the point. A box farther than ``leader`` gets a line from the
        point to it. The spots within an inch and a half whose line would cross no taken box are tried first,
        then the whole area, where such a line costs three inches more.
        """
        for reach in (1.5, math.inf):
            found = self._search(x, y, w, h, gap, leader, reach)
            if found is not None:
                return self.take(found)
        return None

    def _search(
        self, x: float, y: float, w: float, h: float, gap: float, leader: float, reach: float
    ) -> Box | None:
        spots = self._spots(x, y, w, h, gap, leader, reach)
        if spots is None:
            return None
        best = spots.cheapest(3.0 if math.isinf(reach) else math.inf)
        return None if best is None else spots.box(best)

    def _spots(
        self, x: float, y: float, w: float, h: float, gap: float, leader: float, reach: float
    ) -> _Spots | None:
        """The lattice of spots within ``reach`` of the point, with what each costs before its line is
        checked (infinite where it is taken, too close, or outside); ``None`` if there is no spot at all."""
        area = self.area
        x0, x1 = max(area.x0, x - reach - w), min(area.x1 - w, x + reach)
        y0, y1 = max(area.y0, y - reach - h), min(area.y1 - h, y + reach)
        # the lattice is anchored to the area, so that a spot found near and one found far agree
        xs = area.x0 + self.step * np.arange(
            math.ceil((x0 - area.x0) / self.step - 1e-9), math.floor((x1 - area.x0) / self.step + 1e-9) + 1
        )
        ys = area.y0 + self.step * np.arange(
            math.ceil((y0 - area.y0) / self.step - 1e-9), math.floor((y1 - area.y0) / self.step + 1e-9) + 1
        )
        if not len(xs) or not len(ys):
            return None
        left, bottom = (a.ravel() for a in np.meshgrid(xs, ys))
        right, top = left + w, bottom + h
        dx = np.maximum(np.maximum(left - x, 0.0), x - right)
        dy = np.maximum(np.maximum(bottom - y, 0.0), y - top)
        distance = np.hypot(dx, dy)
        cost = distance + 0.15 * np.abs(bottom + h / 2 - y) + 0.1 * (left + w / 2 < x)
        cost[distance < gap] = np.inf
        far = np.zeros(len(cost), dtype=bool)
        others = np.empty((0, 4))
        if self.boxes:
            held = np.array([(b.x0, b.y0, b.x1, b.y1) for b in self.boxes])
            near = held[(held[:, 2] > x0) & (held[:, 0] < x1 + w) & (held[:, 3] > y0) & (held[:, 1] < y1 + h)]
            if len(near):
                hit = (
                    (left[:, None] < near[:, 2])
                    & (near[:, 0] < right[:, None])
                    & (bottom[:, None] < near[:, 3])
                    & (near[:, 1] < top[:, None])
                ).any(axis=1)
                cost[hit] = np.inf
                far = np.isfinite(cost) & (distance > leader)
                others = near[
                    ~((near[:, 0] <= x) & (x <= near[:, 2]) & (near[:, 1] <= y) & (y <= near[:, 3]))
                ]
        return _Spots(x, y, left, bottom, right, top, cost, far, others)

    def first_free(self, boxes: Sequence[Box]) -> Box | None:
        """The first of ``boxes`` that is free, taken; ``None`` if none is."""
        for box in boxes:
            if self.free(box):
                return self.take(box)
        return None

    def least_covered(self, boxes: Sequence[Box]) -> Box:
        """Of ``boxes`` (not empty), the one that overlaps the fewest taken boxes, taken: the last resort."""
        best = min(boxes, key=lambda b: sum(b.overlaps(other) for other in self.boxes))
        return self.take(best)


@dataclass(frozen=True)
class _Spots:
    """Candidate spots for a label of the point (x, y): each spot's box (rows of ``left``, ``bottom``,
    ``right``, ``top``), its cost before its line is checked, whether it is far enough to get a line
    (``far``), and the boxes such a line must not cross (``others``)."""

    x: float
    y: float
    left: np.ndarray
    bottom: np.ndarray
    right: np.ndarray
    top: np.ndarray
    cost: np.ndarray
    far: np.ndarray
    others: np.ndarray

    def box(self, i: int) -> Box:
        return Box(float(self.left[i]), float(self.bottom[i]), float(self.right[i]), float(self.top[i]))

    def crossing(self, spots: np.ndarray) -> np.ndarray:
        """Whether the line from the point to each of ``spots`` (indexes) crosses one of the others."""
        ends = np.stack(
            [
                np.clip(self.x, self.left[spots], self.right[spots]),
                np.clip(self.y, self.bottom[spots], self.top[spots]),
            ],
            1,
        )
        return _crossing(self.x, self.y, ends, self.others)

    def cheapest(self, penalty: float) -> int | None:
        """The spot of the lowest cost once a far spot whose line crosses a box costs ``penalty`` more (the
        first such spot, as ``argmin`` takes it); ``None`` if none is free. The spots are tried cheapest
        first, a batch at a time, and only their lines are checked, until no spot left can beat the best
        found: a few hundred lines instead of every spot's."""
        cost = self.cost
        free = np.flatnonzero(np.isfinite(cost))
        order = free[np.argsort(cost[free], kind="stable")]
        best, best_cost = -1, math.inf
        for start in range(0, len(order), _BATCH):
            batch = order[start : start + _BATCH]
            if cost[batch[0]] > best_cost:  # the cheapest spot left cannot beat the best found
                break
            final = cost[batch]  # a copy (fancy indexing): the penalties stay out of ``cost``
            check = self.far[batch]
            if check.any() and len(self.others):
                final[np.flatnonzero(check)[self.crossing(batch[check])]] += penalty
            lowest = float(final.min())
            if lowest < best_cost or (lowest == best_cost and math.isfinite(lowest)):
                candidate = int(batch[final == lowest].min())
                if lowest < best_cost or candidate < best:
                    best, best_cost = candidate, lowest
        return None if best < 0 else best


def _crossing(x: float, y: float, ends: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """For each segment from (x, y) to a row of ``ends``, whether it passes through one of ``boxes`` (rows
    of left, bottom, right, top; shrunk a hair, so a segment along an edge does not count): the slab test,
    where the segment is ``(x, y) + s * (end - (x, y))`` for ``s`` from 0 to 1."""
    if not len(boxes):
        return np.zeros(len(ends), dtype=bool)
    inner = boxes + np.array([0.01, 0.01, -0.01, -0.01])
    enter, leave = np.zeros((len(ends), len(boxes))), np.ones((len(ends), len(boxes)))
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis, start in ((0, x), (1, y)):
            d = (ends[:, axis] - start)[:, None]
            s0, s1 = (inner[:, axis] - start) / d, (inner[:, axis + 2] - start) / d
            level = d == 0  # a segment level with this axis is in the slab all along, or never
            inside = (inner[:, axis] < start) & (start < inner[:, axis + 2])
            enter = np.maximum(enter, np.where(level, np.where(inside, 0.0, np.inf), np.minimum(s0, s1)))
            leave = np.minimum(leave, np.where(level, np.where(inside, 1.0, -np.inf), np.maximum(s0, s1)))
    return np.asarray((enter < leave).any(axis=1))
