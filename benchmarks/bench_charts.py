"""How fast each chart is built and rendered to HTML (SVG + base64), as a widget does on every change.

Budget (issue "The learner's journey"): save + redraw median < 50 ms, 95th percentile < 100 ms; the chart's
share should stay under ~35 ms median. Each run changes one placement, as a learner does, and times
``chart_function(...).to_html()`` on the real case with every actor placed. "first" is the first call in
the process (font metrics not read yet); "cpu" is the median CPU time of this thread, which stays
meaningful when other work shares the machine and the wall-clock numbers drift up. "x floor" divides the
median by a floor measured in the same run: a bare Figure with one text saved as SVG with text as text,
the least any SVG chart costs. "html KB" is the HTML payload (the SVG, base64) a widget sends; "png KB"
is ``to_png(dpi=80)`` of the same chart, for comparison.

Run: ``.venv/bin/python benchmarks/bench_charts.py [--runs N]`` (its own, wider table) or through
``python -m benchmarks``, which takes :func:`rows` (median, spread and ratio to the floor per chart).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row  # noqa: E402

GROUP = "chart redraw: build + to_html (in process)"
#: Charts redrawn on a learner's change, and the share of the 50 ms change budget they may take.
REDRAWN = ("stakeholder_map (all placed)", "goal widget (divergence + spread)", "dilemma_positions")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _cases() -> dict[str, Callable[[int], Any]]:
    """Chart name -> a function of the run number that returns what a redraw shows."""
    import casekit
    from casekit import charts

    case = casekit.load_case("samskabelse")
    rng = random.Random(2024)
    actors = [a.id for a in case.actors]
    speakers = [a.id for a in case.actors if a.speaks]
    placements = {a: {"power": rng.randint(1, 5), "interest": rng.randint(1, 5)} for a in actors}
    goals = {a: rng.randint(1, 5) for a in speakers}
    klass = [{a: rng.randint(1, 5) for a in speakers} for _ in range(30)]
    poles = {
        "dilemma-1": ("Kommunal styring af processen", "Deltagernes egen dagsorden"),
        "dilemma-2": ("Individuelle beslutninger", "Fælles beslutninger"),
        "dilemma-3": ("Forskellige kompetencer", "Ensartede krav"),
    }

    def moved(i: int) -> dict[str, dict[str, int]]:
        changed = dict(placements)
        changed[actors[i % len(actors)]] = {"power": i % 5 + 1, "interest": (i * 3) % 5 + 1}
        return changed

    def goals_moved(i: int) -> dict[str, int]:
        return {**goals, speakers[i % len(speakers)]: i % 5 + 1}

    return {
        "stakeholder_map (all placed)": lambda i: charts.stakeholder_map(case, moved(i)),
        "relations_diagram": lambda i: charts.relations_diagram(case),
        "goal_divergence": lambda i: charts.goal_divergence(case, goals_moved(i)),
        "goal_spread (1 learner)": lambda i: charts.goal_spread(case, [goals_moved(i)]),
        "goal_spread (class of 30)": lambda i: charts.goal_spread(case, [*klass[1:], goals_moved(i)]),
        "goal widget (divergence + spread)": lambda i: (
            charts.goal_divergence(case, goals_moved(i)),
            charts.goal_spread(case, [goals_moved(i)]),
        ),
        "dilemma_positions": lambda i: charts.dilemma_positions(
            case, {k: (i + n) % 5 + 1 for n, k in enumerate(poles)}, poles
        ),
    }


def _floor(runs: int) -> float:
    """Median ms of the least an SVG chart costs: a bare 11 x 6 in Figure, one text, saved as SVG."""
    return statistics.median(_floor_times(runs))


def _floor_times(runs: int) -> list[float]:
    """Ms of each run of the floor (after one untimed call)."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    def once(_: int) -> None:
        figure = Figure(figsize=(11, 6))
        figure.text(0.1, 0.5, "floor", fontsize=13)
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            figure.savefig(io.StringIO(), format="svg", metadata={"Date": None})

    once(0)
    return _time(once, runs)[0]


def _time(action: Callable[[int], Any], runs: int) -> tuple[list[float], list[float], Any]:
    """Wall-clock and thread CPU ms of ``action(i)`` for each run, and the last result."""
    times, cpu, result = [], [], None
    for i in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        result = action(i)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return times, cpu, result


def measure(runs: int = 30) -> tuple[float, list[tuple[str, float, float, float, float, float, float]]]:
    """The floor's median ms, and (chart, first ms, median ms, p95 ms, CPU ms, HTML KB, PNG KB) per chart."""

    def shown(result: Any) -> tuple:
        return result if isinstance(result, tuple) else (result,)

    floor = _floor(runs)
    rows = []
    for name, build in _cases().items():
        times, cpu, result = _time(lambda i, build=build: [c.to_html() for c in shown(build(i))], runs + 1)
        html = sum(len(page) for page in result) / 1024
        png = sum(len(c.to_png(dpi=80)) for c in shown(build(0))) / 1024
        timed = times[1:]
        rows.append(
            (name, times[0], statistics.median(timed), _p95(timed), statistics.median(cpu[1:]), html, png)
        )
    return floor, rows


def rows(runs: int = 30) -> list[Row]:
    """Each chart's redraw against the bare-SVG floor, all taking turns in one loop."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from benchmarks._table import interleaved, measured

    def shown(result: Any) -> tuple:
        return result if isinstance(result, tuple) else (result,)

    def floor(_: int) -> None:
        figure = Figure(figsize=(11, 6))
        figure.text(0.1, 0.5, "floor", fontsize=13)
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            figure.savefig(io.StringIO(), format="svg", metadata={"Date": None})

    actions: dict[str, Callable[[int], Any]] = {
        name: (lambda i, build=build: [c.to_html() for c in shown(build(i + 1))])
        for name, build in _cases().items()
    }
    actions["floor"] = floor
    for action in actions.values():  # the first call in the process (font metrics) is not counted
        action(-1)
    times = interleaved(actions, runs)
    floor_times = times.pop("floor")
    return [
        measured(
            name,
            values,
            unit="ms",
            floor="Figure + 1 text, SVG",
            floor_values=floor_times,
            median_max=0.035 if name in REDRAWN else None,
            group=GROUP,
        )
        for name, values in times.items()
    ]


def main(argv: list[str] | None = None) -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per chart (default 30)")
    args, _ = parser.parse_known_args(argv)
    floor, rows = measure(args.runs)
    width = max(len(r[0]) for r in rows)
    head = ("first ms", "median ms", "p95 ms", "cpu ms", "x floor", "html KB", "png KB")
    print(f"{'chart':<{width}}  " + "  ".join(f"{h:>9}" for h in head))
    for name, first, median, p95, cpu, html, png in rows:
        cells = (first, median, p95, cpu, median / floor, html, png)
        print(f"{name:<{width}}  " + "  ".join(f"{c:>9.1f}" for c in cells))
    print(f"{'floor (Figure + 1 text, SVG)':<{width}}  {'':>9}  {floor:>9.1f}")


if __name__ == "__main__":
    main()
