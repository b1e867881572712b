"""What a learner waits for before the first cell shows anything: ``import casekit`` + ``load_case()``.

Each figure is a fresh subprocess of this interpreter, timed from start to exit; the three commands take
turns, so a busy machine slows them alike. Floors: ``python -c pass`` (the interpreter alone) and
``python -c "import pandas"`` (the lightest thing a notebook of this kind imports anyway).
Target: ``import casekit; casekit.load_case()`` at most 0.5× ``import pandas``. The same row set says
whether that line imports matplotlib, ipywidgets or pandas (it should import none of them: the charts,
the widgets and the DataFrames are imported when first used).

Run: ``.venv/bin/python benchmarks/bench_imports.py [--quick] [--markdown]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row, interleaved, measured  # noqa: E402

GROUP = "start-up: fresh subprocesses"
PASS = "pass"
PANDAS = "import pandas"
CASEKIT = "import casekit; casekit.load_case()"
HEAVY = ("matplotlib", "ipywidgets", "pandas")
CHECK = (
    "import sys, json, casekit; casekit.load_case(); "
    f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
)


def _run(code: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"`python -c {code!r}` failed:\n{done.stderr[-2000:]}")


def rows(runs: int = 15) -> list[Row]:
    """Start-up rows: the two floors, casekit against each, and which heavy modules it imports."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="casekit-bench-") as folder:
        cwd = Path(folder)  # not the repository: nothing there shadows an installed module
        for code in (PASS, PANDAS, CASEKIT):  # warm the OS file cache once, untimed
            _run(code, cwd)
        times = interleaved(
            {code: (lambda _i, code=code: _run(code, cwd)) for code in (PASS, PANDAS, CASEKIT)}, runs
        )
        done = subprocess.run(
            [sys.executable, "-c", CHECK], cwd=cwd, capture_output=True, text=True, check=True
        )
    loaded = set(json.loads(done.stdout))
    out = [
        measured(
            "python -c pass", times[PASS], unit="ms", floor="(itself)", floor_values=times[PASS], group=GROUP
        ),
        measured(
            "python -c 'import pandas'",
            times[PANDAS],
            unit="ms",
            floor="python -c pass",
            floor_values=times[PASS],
            group=GROUP,
        ),
        measured(
            "import casekit + load_case()",
            times[CASEKIT],
            unit="ms",
            floor="python -c pass",
            floor_values=times[PASS],
            group=GROUP,
        ),
        measured(
            "import casekit + load_case()",
            times[CASEKIT],
            unit="ms",
            floor="import pandas",
            floor_values=times[PANDAS],
            ratio_max=0.5,
            group=GROUP,
        ),
    ]
    for module in HEAVY:
        out.append(
            Row(
                name=f"  … imports {module}?",
                median=None,
                text="yes" if module in loaded else "no",
                target="no",
                verdict="ok" if module not in loaded else "OVER",
                group=GROUP,
            )
        )
    return out


def main(argv: list[str] | None = None) -> None:
    from benchmarks._table import show

    argv = sys.argv[1:] if argv is None else argv
    show(rows(5 if "--quick" in argv else 15), markdown="--markdown" in argv)


if __name__ == "__main__":
    main()
