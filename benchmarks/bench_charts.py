"""How fast each chart is built and rendered to HTML (PNG + base64), as a widget does on every change.

Budget (issue "The learner's journey"): save + redraw median < 50 ms, 95th percentile < 100 ms; the chart's
share should stay under ~35 ms median. Each run changes one placement, as a learner does, and times
``chart_function(...).to_html()`` on the real case with every actor placed. "first" is the first call in
the process (glyph bitmaps not cached yet); "cpu" is the median CPU time of this thread, which stays
meaningful when other work shares the machine and the wall-clock numbers drift up.

Run: ``.venv/bin/python benchmarks/bench_charts.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any


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


def measure(runs: int = 30) -> list[tuple[str, float, float, float, float, float]]:
    """(chart, first ms, median ms, p95 ms, median CPU ms, PNG KB) for each chart."""
    from casekit import charts

    rows = []
    for name, build in _cases().items():
        times, cpu = [], []
        for i in range(runs + 1):
            start, start_cpu = time.perf_counter(), time.thread_time()
            result = build(i)
            for chart in result if isinstance(result, tuple) else (result,):
                chart.to_html()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
        shown = result if isinstance(result, tuple) else (result,)
        size = sum(len(c.to_png(dpi=charts.HTML_DPI)) for c in shown) / 1024
        timed = times[1:]
        rows.append((name, times[0], statistics.median(timed), _p95(timed), statistics.median(cpu[1:]), size))
    return rows


def main(argv: list[str] | None = None) -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per chart (default 30)")
    args, _ = parser.parse_known_args(argv)
    rows = measure(args.runs)
    width = max(len(r[0]) for r in rows)
    print(
        f"{'chart':<{width}}  {'first ms':>8}  {'median ms':>9}  {'p95 ms':>7}  {'cpu ms':>6}  {'png KB':>6}"
    )
    for name, first, median, p95, cpu, size in rows:
        print(f"{name:<{width}}  {first:>8.1f}  {median:>9.1f}  {p95:>7.1f}  {cpu:>6.1f}  {size:>6.1f}")


if __name__ == "__main__":
    main()
