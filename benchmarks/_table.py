"""The one row type every benchmark returns, its statistics, and the table (plain text or Markdown).

Every figure is shown with its median, its spread (p10–p90 where there are at least 10 runs, else
min–max), the floor it is compared with (measured in the same run, so that a busy machine slows both) and
the ratio to that floor. A target is either on the ratio ("≤ 1.5× floor") or on the figure itself
("median < 50 ms"); the verdict says which way it went.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

#: How a figure's unit is shown. Values are stored in seconds, bytes or as plain numbers ("B": bytes shown
#: as bytes, for small messages; "bytes": shown in MB).
UNITS = ("s", "ms", "bytes", "B", "x", "text")


@dataclass(frozen=True)
class Row:
    """One figure of the table."""

    name: str
    median: float | None  # seconds, bytes or a plain number (see unit); None for a yes/no row
    lo: float | None = None  # spread: p10 or min
    hi: float | None = None  # spread: p90 or max
    n: int = 1
    unit: str = "s"  # "s" and "ms" both take seconds; "ms" shows them in milliseconds
    floor: str = ""  # what the figure is compared with
    floor_median: float | None = None
    target: str = ""
    verdict: str = ""
    text: str = ""  # the value of a yes/no row
    group: str = ""  # the section this row belongs to
    notes: tuple[str, ...] = field(default=())

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.floor_median:
            return None
        return self.median / self.floor_median


def spread(values: Sequence[float]) -> tuple[float, float]:
    """p10–p90 for 10 or more values, else min–max."""
    ordered = sorted(values)
    if len(ordered) >= 10:
        deciles = statistics.quantiles(ordered, n=10, method="inclusive")
        return deciles[0], deciles[-1]
    return ordered[0], ordered[-1]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), linear between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def timed(action: Callable[[int], object], runs: int) -> list[float]:
    """Wall-clock seconds of ``action(i)`` for i in 0..runs-1."""
    times = []
    for i in range(runs):
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return times


def interleaved(
    actions: dict[str, Callable[[int], object]],
    runs: int,
    before: Callable[[int], object] | None = None,
) -> dict[str, list[float]]:
    """Time each action ``runs`` times, taking turns (a, b, c, a, b, c, …) so that drift in the machine's
    load falls on the figure and its floor alike; ``before(i)``, untimed, sets up each turn (a learner
    shares again, say, so that the view has something new to show)."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for i in range(runs):
        if before is not None:
            before(i)
        for name, action in actions.items():
            start = time.perf_counter()
            action(i)
            times[name].append(time.perf_counter() - start)
    return times


def measured(
    name: str,
    values: Sequence[float],
    *,
    unit: str = "s",
    floor: str = "",
    floor_values: Sequence[float] | None = None,
    ratio_max: float | None = None,
    median_max: float | None = None,
    target: str = "",
    group: str = "",
    stat: str = "median",
) -> Row:
    """A row from raw values. ``ratio_max`` is a target on the ratio to the floor (≤), ``median_max`` a
    target on the figure itself (<, in the stored unit); ``stat="p95"`` reports the 95th percentile
    instead of the median (spread p90–max, and the floor's p95)."""
    centre = percentile(values, 95) if stat == "p95" else statistics.median(values)
    lo, hi = (percentile(values, 90), max(values)) if stat == "p95" else spread(values)
    floor_median = None
    if floor_values:
        floor_median = percentile(floor_values, 95) if stat == "p95" else statistics.median(floor_values)
    verdict = ""
    if ratio_max is not None and floor_median:
        verdict = "ok" if centre / floor_median <= ratio_max else "OVER"
        target = target or f"≤ {ratio_max:g}× floor"
    elif median_max is not None:
        verdict = "ok" if centre < median_max else "OVER"
        if not target:
            shown = median_max * 1000 if unit == "ms" else median_max
            target = f"{stat} < {shown:g} {unit}"
    return Row(
        name=name,
        median=centre,
        lo=lo,
        hi=hi,
        n=len(values),
        unit=unit,
        floor=floor,
        floor_median=floor_median,
        target=target,
        verdict=verdict,
        group=group,
    )


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "bytes":
        return f"{value / 1e6:.1f} MB"
    if unit == "B":
        return f"{value:.0f} B"
    if unit == "x":
        return f"{value:.2f}"
    return f"{value:g}"


def _spread(row: Row) -> str:
    if row.median is None or row.n < 2 or row.lo is None or row.hi is None:
        return ""
    lo, hi = _value(row.lo, row.unit), _value(row.hi, row.unit)
    suffix = f" {row.unit}" if row.unit in ("ms", "s", "B") else ""
    return f"{lo.removesuffix(suffix)}–{hi}"


HEADER = ("figure", "n", "median", "spread", "floor", "floor median", "× floor", "target", "verdict")


def cells(row: Row) -> tuple[str, ...]:
    ratio = row.ratio
    floor_unit = row.unit
    return (
        row.name,
        str(row.n) if row.median is not None else "",
        row.text if row.median is None else _value(row.median, row.unit),
        _spread(row),
        row.floor,
        _value(row.floor_median, floor_unit),
        f"{ratio:.2f}×" if ratio is not None else "",
        row.target,
        row.verdict,
    )


def render(rows: Iterable[Row], *, markdown: bool = False) -> str:
    """The table, with a group heading line before each new group."""
    rows = list(rows)
    if markdown:
        lines = [
            "| " + " | ".join(HEADER) + " |",
            "|" + "|".join(("---", "--:", "--:", "--:", "---", "--:", "--:", "---", "---")) + "|",
        ]
        group = None
        for row in rows:
            if row.group != group:
                group = row.group
                lines.append(f"| **{group}** |" + " |" * (len(HEADER) - 1))
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |")
        return "\n".join(lines)
    table = [cells(row) for row in rows]
    widths = [max(len(r[i]) for r in [HEADER, *table]) for i in range(len(HEADER))]
    right = {1, 2, 3, 5, 6}

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if i in right else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [line(HEADER), "  ".join("-" * w for w in widths)]
    group = None
    for row, values in zip(rows, table, strict=True):
        if row.group != group:
            group = row.group
            out.append(f"[{group}]")
        out.append(line(values))
    return "\n".join(out)


LEGEND = (
    "median over n runs; spread = p10–p90 where n ≥ 10, else min–max; × floor = median / floor median, "
    "the floor measured in the same run, interleaved with the figure where the two are timed alike "
    "(p95 rows: the figure's and the floor's 95th percentiles, spread p90–max)."
)


def show(rows: Iterable[Row], *, markdown: bool = False) -> None:
    """Print the table and its legend."""
    rows = list(rows)
    print(render(rows, markdown=markdown))
    print()
    print(LEGEND)
    for row in rows:
        for note in row.notes:
            print(f"note ({row.name}): {note}")
