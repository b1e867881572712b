"""Run every benchmark and print one table (``make bench``, ``python -m benchmarks``).

Options: ``--quick`` (fewer runs; skips the notebook runs, the class summary at 5,000 submissions and the
installed-size row) and ``--markdown`` (the table as Markdown, as in ``docs/benchmarks.md``). Progress
goes to stderr, the table to stdout. Each ``bench_*.py`` also runs on its own and prints its part.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import (  # noqa: E402
    bench_answers,
    bench_charts,
    bench_classroom,
    bench_env,
    bench_grid,
    bench_imports,
    bench_live,
    bench_service,
    bench_widgets,
)
from benchmarks._table import LEGEND, Row, render  # noqa: E402


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """One line about where and when this ran."""
    uname = os.uname()
    return (
        f"{uname.sysname} {uname.release} {uname.machine} · {_cpu()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {datetime.date.today().isoformat()}"
    )


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def plan(quick: bool) -> list[tuple[str, Callable[[], list[Row]]]]:
    """The benchmarks in table order."""
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("start-up", lambda: bench_imports.rows(5 if quick else 15)),
    ]
    if not quick:
        steps.append(("notebooks", lambda: bench_widgets.notebook_rows(3)))
    steps += [
        ("widgets", lambda: bench_widgets.widget_rows(30 if quick else 100)),
        ("stakeholder map in the browser", lambda: bench_grid.rows(10 if quick else 40)),
        ("charts", lambda: bench_charts.rows(10 if quick else 30)),
        ("answer store", lambda: bench_answers.rows(100 if quick else 300, 3 if quick else 7)),
        (
            "class summary",
            lambda: bench_classroom.rows((50, 500) if quick else (50, 500, 5000), 1 if quick else 3),
        ),
        ("class summary, flooded ZIP", lambda: bench_classroom.flood_rows(1 if quick else 3)),
        ("live class view", lambda: bench_live.rows((30, 300) if quick else (30, 300, 2000), quick)),
        ("class service", lambda: bench_service.rows((30, 300) if quick else (30, 300, 2000), quick)),
    ]
    if not quick:
        steps.append(("installed size", bench_env.rows))
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, skip the slow rows")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)

    started, load_before = time.perf_counter(), _load()
    rows: list[Row] = []
    for name, step in plan(args.quick):
        print(f"[{time.perf_counter() - started:5.0f} s] {name} …", file=sys.stderr, flush=True)
        rows += step()
    took = time.perf_counter() - started

    print(render(rows, markdown=args.markdown))
    print()
    for line in (
        LEGEND,
        f"machine: {machine()}",
        f"load average: {load_before} at the start, {_load()} at the end; "
        f"{'--quick, ' if args.quick else ''}took {took:.0f} s",
        *(f"note ({row.name}): {note}" for row in rows for note in row.notes),
    ):
        print(f"- {line}" if args.markdown else line)
    failed = [row.name for row in rows if row.verdict in ("OVER", "FAILED")]
    if failed:
        print(("- " if args.markdown else "") + f"over target or failed: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
