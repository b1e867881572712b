"""Benchmark the answer store: one save, exports of a full store, and importing an export.

Run: ``.venv/bin/python benchmarks/bench_answers.py``. Everything happens in a temporary folder.
Targets: one save median < 5 ms; HTML export of 100 answers × 20 revisions < 1 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

from casekit.answers import AnswerStore  # noqa: E402 - after the sys.path fix above
from casekit.export import export_html, export_json, export_markdown  # noqa: E402

SAVES = 500
KEYS = 100
REVISIONS = 20
REPEATS = 7
TEXT = "Samskabelse kræver, at alle parter får ejerskab – også børn og unge. " * 4  # ≈ 280 characters


def _timed(fn: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _load_case():
    try:
        from casekit.loader import load_case

        return load_case("samskabelse", lang="da")
    except Exception as exc:  # the benchmark still runs, with answers listed by key
        print(f"(case not loaded: {exc}; HTML/Markdown without question texts)", file=sys.stderr)
        return None


def _full_store(folder: Path) -> AnswerStore:
    store = AnswerStore.open(folder, case_id="samskabelse")
    for revision in range(REVISIONS):
        for key in range(KEYS):
            store.save(f"answer-{key:03d}", f"{TEXT} ({revision})")
    return store


def main() -> None:
    """Measure and print a plain-text table."""
    case = _load_case()
    rows: list[tuple[str, int, list[float], str]] = []
    with tempfile.TemporaryDirectory(prefix="casekit-bench-") as tmp:
        base = Path(tmp)

        with AnswerStore.open(base / "saves", case_id="samskabelse") as store:
            counter = iter(range(10**9))
            times = _timed(lambda: store.save(f"key-{next(counter) % 10}", TEXT), SAVES)
            rows.append(("save (one revision, fsync)", SAVES, times, "median < 5 ms"))
            times = _timed(lambda: store.get("key-3"), SAVES)
            rows.append(("get (latest of a key)", SAVES, times, ""))

        start = time.perf_counter()
        full = _full_store(base / "full")
        fill = time.perf_counter() - start
        with full:
            sizes = f"{KEYS} answers × {REVISIONS} revisions"

            def reopen() -> None:
                AnswerStore.open(full.path, case_id="samskabelse").close()

            def to_file() -> None:
                full.export(base / "out.html", "html", case=case)

            rows.append((f"open existing store ({sizes})", REPEATS, _timed(reopen, REPEATS), ""))
            rows.append(("as_dict", REPEATS, _timed(full.as_dict, REPEATS), ""))
            rows.append(("export HTML", REPEATS, _timed(lambda: export_html(full, case), REPEATS), "< 1 s"))
            rows.append(("export JSON", REPEATS, _timed(lambda: export_json(full), REPEATS), ""))
            rows.append(
                ("export Markdown", REPEATS, _timed(lambda: export_markdown(full, case), REPEATS), "")
            )
            # The first HTML file export in a process imports casekit.charts (matplotlib) for the figures.
            rows.append(("store.export('html'), first in process", 1, _timed(to_file, 1), ""))
            rows.append(("store.export('html') to a file", REPEATS, _timed(to_file, REPEATS), "< 1 s"))
            exported = full.export(base / "full.json")

        def import_into_fresh() -> None:
            with AnswerStore.open(base / f"import-{time.perf_counter_ns()}", case_id="samskabelse") as target:
                target.import_file(exported)

        label = f"import that JSON into a new store ({exported.stat().st_size // 1024} KB)"
        rows.append((label, REPEATS, _timed(import_into_fresh, REPEATS), ""))

    _print_table(rows)
    print(f"\nfilling the store ({KEYS * REVISIONS} saves) took {fill:.2f} s")


def _print_table(rows: list[tuple[str, int, list[float], str]]) -> None:
    header = ("operation", "n", "median ms", "p95 ms", "target")
    lines = [
        (name, str(n), f"{statistics.median(times) * 1000:.2f}", f"{_p95(times) * 1000:.2f}", target)
        for name, n, times, target in rows
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    for i, row in enumerate([header, *lines]):
        cells = [
            row[0].ljust(widths[0]),
            *(cell.rjust(w) for cell, w in zip(row[1:4], widths[1:4], strict=True)),
            row[4],
        ]
        print("  ".join(cells).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main()
