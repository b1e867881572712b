"""Benchmark the class summary: ``casekit class summarize ZIP -o report.html`` on LMS ZIPs of hand-ins.

Run: ``.venv/bin/python benchmarks/bench_classroom.py [--quick] [--markdown] [sizes…]`` (default 50 500
5000; ``--quick``: 50 and 500, one run each). Everything happens in a temporary folder. Each ZIP holds
one folder per student (Moodle-style names) with a realistic export of the real case, every activity and
question answered, three revisions each. Each figure is the median of 3 fresh subprocesses, shown beside a
floor measured in the same run (the two take turns): a fresh subprocess that imports pandas and
matplotlib, reads every file of the ZIP, parses its JSON and saves one figure.
Targets: 500 submissions at most 3× the floor; close to linear growth (t5000 / t500 near the ideal 10).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row, interleaved, measured  # noqa: E402
from casekit import registry  # noqa: E402 - after the sys.path fix above
from casekit.loader import load_case  # noqa: E402

REPEATS = 3
SIZES = (50, 500, 5000)
TEXT = "Samskabelse kræver, at alle parter får ejerskab – også børn og unge, familier og frivillige. " * 3

SUMMARIZE = """
import argparse, sys
from casekit.cli import classroom as class_cli
parser = argparse.ArgumentParser(prog="casekit")
class_cli.add_parsers(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args(["class", "summarize", sys.argv[1], "-o", sys.argv[2]])
sys.exit(args.handler(args))
"""

FLOOR = """
import json, sys, zipfile
import pandas, matplotlib
from matplotlib.figure import Figure
with zipfile.ZipFile(sys.argv[1]) as archive:
    docs = [json.loads(archive.read(info)) for info in archive.infolist() if not info.is_dir()]
figure = Figure(figsize=(11.5, 6))
figure.text(0.1, 0.5, f"{len(docs)} files")
figure.savefig(sys.argv[2], format="svg")
"""


def _answers(case: Any, i: int) -> dict[str, Any]:
    speakers = [a.id for a in case.actors if a.speaks]
    answers: dict[str, Any] = {
        registry.STAKEHOLDER_MAP: {
            a.id: {"power": (i + j) % 5 + 1, "interest": (i * 7 + j * 3) % 5 + 1}
            for j, a in enumerate(case.actors)
        },
        registry.DECISION_POINT: {
            "choice": ("interesser", "maal-foerst", None)[i % 3],
            "justification": TEXT,
        },
        registry.GOAL_DIVERGENCE: {actor: (i * 3 + j) % 5 + 1 for j, actor in enumerate(speakers)},
        registry.PARTICIPATION_PLAN: {a.id: registry.LEVELS[(i + j) % 5] for j, a in enumerate(case.actors)},
    }
    for n, key in enumerate(registry.DILEMMAS):
        answers[key] = {
            "position": (i + n) % 5 + 1,
            "left": "",
            "right": "",
            "justification": TEXT,
            "paragraphs": ["del-1 ¶3", "del-2 ¶2"],
            "missing_voices": "Børnene og de unge selv.",
        }
    for q in case.questions:
        answers[q.id] = f"{TEXT} ({i})"
    for key in registry.PROPOSAL_TEXTS:
        answers[key] = f"{TEXT} ({i})"
    return answers


def _export(case: Any, i: int) -> bytes:
    entries = {}
    for key, value in _answers(case, i).items():
        history = [
            {
                "value": value,
                "saved_at": f"2025-03-0{r + 1}T09:{i % 60:02d}:00.000000+00:00",
                "case_version": "1",
                "lang": "da",
            }
            for r in range(3)
        ]
        entries[key] = {"value": value, "history": history}
    doc = {
        "format": "casekit-answers",
        "schema_version": 1,
        "case": {"id": case.id, "version": case.version, "lang": case.lang},
        "learner": f"elev-{i:06x}",
        "exported_at": "2025-03-04T10:00:00.000000+00:00",
        "answers": entries,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _lms_zip(path: Path, case: Any, count: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            archive.writestr(
                f"Studerende Nummer {i}_{100000 + i}_assignsubmission_file_/svar.json", _export(case, i)
            )


GROUP = "class summary: casekit class summarize ZIP (fresh subprocesses)"


def _run(code: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"failed: {done.stderr[-2000:]}")


def rows(sizes: tuple[int, ...] = SIZES, repeats: int = REPEATS) -> list[Row]:
    """The summary at each size against its floor, the 3× target at 500, and the growth 500 → 5000."""
    case = load_case("samskabelse", lang="da")
    out = []
    medians: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="casekit-bench-") as tmp:
        folder = Path(tmp)
        for count in sizes:
            zip_path = folder / f"hand-ins-{count}.zip"
            _lms_zip(zip_path, case, count)
            times = interleaved(
                {
                    "floor": lambda _i, z=zip_path: _run(FLOOR, str(z), str(folder / "floor.svg")),
                    "summary": lambda _i, z=zip_path: _run(SUMMARIZE, str(z), str(folder / "report.html")),
                },
                repeats,
            )
            row = measured(
                f"{count} submissions ({zip_path.stat().st_size / 1e6:.1f} MB ZIP)",
                times["summary"],
                floor="read ZIP + JSON + 1 fig",
                floor_values=times["floor"],
                ratio_max=3.0 if count == 500 else None,
                group=GROUP,
            )
            out.append(row)
            medians[count] = statistics.median(times["summary"])
    if 500 in medians and 5000 in medians:
        growth = medians[5000] / medians[500]
        out.append(
            Row(
                name="growth: t5000 / t500",
                median=growth,
                unit="x",
                floor="ideal (linear)",
                floor_median=10.0,
                target="≤ 10 (linear)",
                verdict="ok" if growth <= 10 else "OVER",
                group=GROUP,
                n=repeats,
            )
        )
    return out


FLOOD_FILES = 12
FLOOD_REVISIONS = 370_000
FLOOD_GROUP = "class summary of a revision-flooded ZIP (fresh subprocesses)"


def _flood_zip(path: Path, case: Any, genuine: int = 20) -> None:
    """An LMS ZIP of ``genuine`` hand-ins and :data:`FLOOD_FILES` exports of :data:`FLOOD_REVISIONS` tiny
    revisions each (about 18 MB each, under the 20 MB import limit): the hostile hand-in the class-robustness
    issue measured at 113 s."""
    item = '{"value":"a","saved_at":"2025-03-01T09:00:00Z"}'
    history = "[" + ",".join([item] * FLOOD_REVISIONS) + "]"
    flood = (
        '{"format":"casekit-answers","schema_version":1,'
        f'"case":{{"id":"{case.id}","version":"{case.version}","lang":"{case.lang}"}},'
        f'"learner":"elev-f10000","answers":{{"organisering-1":{{"value":"a","history":{history}}}}}}}'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(genuine):
            archive.writestr(
                f"Studerende Nummer {i}_{100000 + i}_assignsubmission_file_/svar.json", _export(case, i)
            )
        for i in range(FLOOD_FILES):
            archive.writestr(f"Oversvømmelse {i}_{200000 + i}_assignsubmission_file_/svar.json", flood)


def flood_rows(repeats: int = REPEATS) -> list[Row]:
    """``casekit class summarize`` of the flooded ZIP against the floor (read the ZIP, parse every file's
    JSON, save one figure): every flooded file is refused by its count, the genuine ones summarized."""
    case = load_case("samskabelse", lang="da")
    with tempfile.TemporaryDirectory(prefix="casekit-bench-flood-") as tmp:
        folder = Path(tmp)
        zip_path = folder / "flood.zip"
        _flood_zip(zip_path, case)
        report = folder / "report.html"
        times = interleaved(
            {
                "floor": lambda _i: _run(FLOOR, str(zip_path), str(folder / "floor.svg")),
                "summary": lambda _i: _run(SUMMARIZE, str(zip_path), str(report)),
            },
            repeats,
        )
        size = zip_path.stat().st_size / 1e6
    return [
        measured(
            f"20 hand-ins + {FLOOD_FILES} × {FLOOD_REVISIONS:,} revisions ({size:.1f} MB ZIP)",
            times["summary"],
            floor="read ZIP + JSON + 1 fig",
            floor_values=times["floor"],
            ratio_max=2.0,
            group=FLOOD_GROUP,
        )
    ]


def main(argv: list[str] | None = None) -> None:
    from benchmarks._table import show

    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    sizes = tuple(int(a) for a in argv if a.isdigit()) or ((50, 500) if quick else SIZES)
    found = rows(sizes, 1 if quick else REPEATS)
    if "--flood" in argv or not quick:
        found += flood_rows(1 if quick else REPEATS)
    show(found, markdown="--markdown" in argv)


if __name__ == "__main__":
    main()
