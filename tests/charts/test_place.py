"""Labels placed where nothing else is (casekit.charts._place): the nearest free spot, inside the area,
never over a box taken before, and with a line that crosses no label when one can be had."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from casekit.charts._place import Box, Layout


class TestLayout:
    """Boxes go to the free spot nearest their point."""

    def test_beside_the_point_to_the_right_when_free(self):
        """With nothing in the way, a label sits just right of its point, level with it."""
        layout = Layout(Box(0, 0, 10, 10))
        box = layout.place(5, 5, 1.0, 0.4, gap=0.2)
        assert box is not None and 5.2 <= box.x0 < 5.3 and abs(box.cy - 5) < 0.05

    def test_a_taken_spot_is_never_covered(self):
        """With the right side taken, the label goes elsewhere, still near."""
        layout = Layout(Box(0, 0, 10, 10), [Box(5.1, 4, 7, 6)])
        box = layout.place(5, 5, 1.0, 0.4, gap=0.2)
        assert box is not None and not box.overlaps(Box(5.1, 4, 7, 6))
        assert abs(box.cx - 5) < 2 and abs(box.cy - 5) < 2

    def test_a_full_area_gives_none(self):
        """Where no spot is free, there is no box, and nothing is taken."""
        layout = Layout(Box(0, 0, 2, 2), [Box(0, 0, 2, 2)])
        assert layout.place(1, 1, 0.5, 0.5) is None and len(layout.boxes) == 1

    def test_a_line_through_another_label_is_avoided(self):
        """Of two spots as near, the one whose line to the point crosses no label is chosen."""
        wall = Box(1.0, 0.0, 1.2, 3.0)  # a label right of the point, from the bottom to near the top
        layout = Layout(Box(0, 0, 4, 4), [wall, Box.around(0.5, 1.5, 0.2, 0.2)])
        box = layout.place(0.5, 1.5, 2.5, 0.3, gap=0.15, leader=0.2)
        assert box is not None and not box.overlaps(wall)
        near = box.nearest(0.5, 1.5)
        for k in range(101):  # the straight line from the point to the label stays off the wall
            x, y = 0.5 + (near[0] - 0.5) * k / 100, 1.5 + (near[1] - 1.5) * k / 100
            assert not (wall.x0 + 0.01 < x < wall.x1 - 0.01 and wall.y0 + 0.01 < y < wall.y1 - 0.01)

    def test_first_free_and_the_last_resort(self):
        """The first free of the spots offered is taken; with none free, the least covered one."""
        layout = Layout(Box(0, 0, 10, 10), [Box(0, 0, 1, 1)])
        spots = [Box(0.5, 0.5, 1.5, 1.5), Box(2, 2, 3, 3)]
        assert layout.first_free(spots) == spots[1]
        assert layout.first_free(spots) is None
        assert layout.least_covered(spots) in spots


@given(
    points=st.lists(st.tuples(st.floats(0.5, 9.5), st.floats(0.5, 5.5)), min_size=1, max_size=40),
    width=st.floats(0.3, 2.5),
)
def test_placed_boxes_never_overlap(points, width):
    """However many labels crowd in, the boxes placed stay in the area and never overlap."""
    layout = Layout(Box(0, 0, 10, 6), step=0.1)
    placed = [b for x, y in points if (b := layout.place(x, y, width, 0.35)) is not None]
    for box in placed:
        assert box.inside(layout.area)
    for a, b in itertools.combinations(placed, 2):
        assert not a.overlaps(b)


def _cheapest_checking_every_line(spots, penalty: float) -> int | None:
    """The choice as it was first written, every spot's line checked at once: the oracle that the choice,
    which checks the cheapest spots first and stops early, must agree with spot for spot."""
    cost = spots.cost.copy()
    if spots.far.any() and len(spots.others):
        far = np.flatnonzero(spots.far)
        cost[far[spots.crossing(far)]] += penalty
    best = int(np.argmin(cost))
    return best if math.isfinite(cost[best]) else None


_box = st.builds(
    lambda x, y, w, h: Box(x, y, x + w, y + h),
    st.floats(0, 9), st.floats(0, 5), st.floats(0.05, 3), st.floats(0.05, 1.5),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    taken=st.lists(_box, max_size=40),
    point=st.tuples(st.floats(0.2, 9.8), st.floats(0.2, 5.8)),
    size=st.tuples(st.floats(0.2, 3.0), st.floats(0.1, 0.6)),
    gap=st.sampled_from([0.0, 0.1, 0.3]),
    leader=st.sampled_from([0.0, 0.2, 1.0, math.inf]),
    reach=st.sampled_from([1.5, math.inf]),
    step=st.sampled_from([0.05, 0.1, 0.25]),
)
def test_the_search_finds_the_spot_checking_every_line_would(taken, point, size, gap, leader, reach, step):
    """Checking the cheapest spots' lines first and stopping early finds exactly the spot that checking
    every spot's line finds: the same labels in the same places, only sooner."""
    spots = Layout(Box(0, 0, 10, 6), taken, step=step)._spots(*point, *size, gap, leader, reach)
    assert spots is not None
    penalty = 3.0 if math.isinf(reach) else math.inf
    assert spots.cheapest(penalty) == _cheapest_checking_every_line(spots, penalty)
