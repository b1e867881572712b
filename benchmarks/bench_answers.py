"""Benchmark the answer store: one save, exports of a large store, and importing an export.

Every timing happens in a temporary folder, and each figure takes turns with its floor, timed in the
same loop:

* one save (a new revision, fsync'd: ``synchronous=FULL`` in WAL mode) against a bare ``sqlite3`` INSERT +
  COMMIT of the same text into a one-table file with the same settings: the least a durable append costs;
* export (HTML with the case's question texts, JSON) of a full store (64 answers, the most a store holds,
  × 32 revisions: ≈ 2,000 revisions) against
  reading every row of that file with one SELECT and writing ``json.dumps`` of them: the least any export
  of it costs;
* importing that JSON export into a new store against ``json.loads`` of the file and one
  ``executemany`` INSERT of its revisions into a fresh file in one transaction.

Targets: one save median < 5 ms; HTML export of that store < 1 s.

Run: ``.venv/bin/python benchmarks/bench_answers.py [--quick] [--markdown]``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row, interleaved, measured  # noqa: E402
from casekit.answers import MAX_KEYS, AnswerStore  # noqa: E402

GROUP = "answer store (in process)"
KEYS = MAX_KEYS  # as many different answers as a store may hold
REVISIONS = 32  # ≈ 2,000 revisions in all, as many as the 100 × 20 of earlier versions of this benchmark
TEXT = "Samskabelse kræver, at alle parter får ejerskab – også børn og unge. " * 4  # ≈ 280 characters


def _bare_db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE r (n INTEGER PRIMARY KEY, key TEXT, value TEXT, saved_at TEXT)")
    return conn


def _history_file(path: Path, case: object) -> Path:
    """A JSON export of a long-used store: the case's text answers (questions, proposal) and further keys up
    to the limit, each with REVISIONS revisions saved minutes apart (so every one is kept in an export:
    saves within a minute of each other count as one burst, and only the last of a burst is exported)."""
    from datetime import datetime, timedelta, timezone

    from casekit import registry
    from casekit.clock import format_time

    keys = [q.id for q in case.questions] + list(registry.PROPOSAL_TEXTS)  # type: ignore[attr-defined]
    keys += [f"answer-{n:03d}" for n in range(KEYS - len(keys))]
    start = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    answers = {}
    for k, key in enumerate(keys):
        history = [
            {
                "value": f"{TEXT} ({revision})",
                "saved_at": format_time(start + timedelta(minutes=5 * (revision * KEYS + k))),
                "case_version": case.version,  # type: ignore[attr-defined]
                "lang": "da",
            }
            for revision in range(REVISIONS)
        ]
        answers[key] = {"value": history[-1]["value"], "history": history}
    doc = {
        "format": "casekit-answers",
        "schema_version": 1,
        "case": {"id": "samskabelse", "version": case.version, "lang": "da"},  # type: ignore[attr-defined]
        "exported_at": format_time(start + timedelta(days=30)),
        "answers": answers,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def rows(saves: int = 300, repeats: int = 7) -> list[Row]:
    """One save, HTML and JSON export of a large store, and import of the JSON, each with its floor."""
    from casekit.loader import load_case

    case = load_case("samskabelse", lang="da")
    with tempfile.TemporaryDirectory(prefix="casekit-bench-") as tmp:
        base = Path(tmp)

        bare = _bare_db(base / "bare.sqlite")
        with AnswerStore.open(base / "saves", case_id="samskabelse") as store:
            before = store.count()
            save_times = interleaved(
                {
                    "save": lambda i: store.save(f"key-{i % 10}", f"{TEXT} {i}"),
                    "floor": lambda i: bare.execute(
                        "INSERT INTO r (key, value, saved_at) VALUES (?, ?, ?)",
                        (f"key-{i % 10}", json.dumps(f"{TEXT} {i}"), "2025-03-04T10:00:00+00:00"),
                    ),
                },
                saves,
            )
            saved = store.count() - before
        bare.close()

        full = AnswerStore.open(base / "full", case_id="samskabelse")
        full.import_file(_history_file(base / "history.json", case))
        with full:
            exported = full.export(base / "full.json")
            kept = sum(len(e["history"]) for e in json.loads(exported.read_text("utf-8"))["answers"].values())
            full.export(base / "warm.html", "html", case=case)  # the first HTML export imports matplotlib

            def read_and_dump(i: int) -> None:
                conn = sqlite3.connect(f"file:{full.path}?mode=ro", uri=True)
                try:
                    data = conn.execute("SELECT * FROM revisions ORDER BY revision").fetchall()
                finally:
                    conn.close()
                (base / f"floor-{i}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

            export_times = interleaved(
                {
                    "html": lambda i: full.export(base / f"out-{i}.html", "html", case=case),
                    "json": lambda i: full.export(base / f"out-{i}.json", "json"),
                    "floor": read_and_dump,
                },
                repeats,
            )

        def import_into_fresh(i: int) -> None:
            with AnswerStore.open(base / f"import-{i}", case_id="samskabelse") as target:
                target.import_file(exported)

        def bare_import(i: int) -> None:
            doc = json.loads(exported.read_text(encoding="utf-8"))
            conn = _bare_db(base / f"bare-import-{i}.sqlite")
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT INTO r (key, value, saved_at) VALUES (?, ?, ?)",
                [
                    (key, json.dumps(rev["value"], ensure_ascii=False), rev["saved_at"])
                    for key, entry in doc["answers"].items()
                    for rev in entry["history"]
                ],
            )
            conn.execute("COMMIT")
            conn.close()

        import_times = interleaved({"import": import_into_fresh, "floor": bare_import}, repeats)
        size_kb = exported.stat().st_size // 1024

    notes = () if saved == saves else (f"{saved} revisions stored for {saves} saves",)
    if kept != KEYS * REVISIONS:
        notes += (f"the export holds {kept} of the store's {KEYS * REVISIONS} revisions",)
    sizes = f"{KEYS} answers × {REVISIONS} revisions, {size_kb} KB"
    save_row = measured(
        "one save (new revision, fsync)",
        save_times["save"],
        unit="ms",
        floor="bare sqlite INSERT",
        floor_values=save_times["floor"],
        median_max=0.005,
        group=GROUP,
    )
    return [
        Row(**{**save_row.__dict__, "notes": notes}),
        measured(
            f"export HTML ({sizes})",
            export_times["html"],
            unit="ms",
            floor="SELECT + json.dumps",
            floor_values=export_times["floor"],
            median_max=1.0,
            target="median < 1 s",
            group=GROUP,
        ),
        measured(
            "export JSON (same store)",
            export_times["json"],
            unit="ms",
            floor="SELECT + json.dumps",
            floor_values=export_times["floor"],
            group=GROUP,
        ),
        measured(
            "import that export into a new store",
            import_times["import"],
            unit="ms",
            floor="json.loads + executemany",
            floor_values=import_times["floor"],
            group=GROUP,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    from benchmarks._table import show

    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    show(rows(100 if quick else 300, 3 if quick else 7), markdown="--markdown" in argv)


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - start:.0f} s)")
