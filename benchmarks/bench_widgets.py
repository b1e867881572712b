"""How fast the learner's activities respond, and what running the notebooks costs.

Targets (issue "The learner's journey"): a widget change (save + chart redraw) median < 50 ms and
95th percentile < 100 ms; executing each notebook headless costs at most 1.5x a floor notebook that only
imports pandas, matplotlib and ipywidgets and draws one figure.

Run: ``.venv/bin/python benchmarks/bench_widgets.py`` (``--quick`` skips the notebook runs).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLOOR = """
import pandas, matplotlib, ipywidgets
from matplotlib.figure import Figure
fig = Figure(); ax = fig.subplots(); ax.plot([1, 2, 3]); fig
"""


def _timings(action: Callable[[int], None], runs: int) -> list[float]:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _step(control: object) -> None:
    """Move a 1–5 dropdown one step, so every call is a real change."""
    control.value = control.value % 5 + 1  # type: ignore[attr-defined]


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def widget_changes(runs: int = 100) -> list[tuple[str, float, float, str]]:
    import casekit
    from casekit import widgets
    from casekit.answers import AnswerStore

    case = casekit.load_case()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        store = AnswerStore.open(folder, case=case)
        actors = [a.id for a in case.actors]

        stakeholder = widgets.stakeholder_map(case, store)
        # Place everyone first, so the chart draws a full map, as late in a learner's session.
        for i, actor in enumerate(actors):
            stakeholder.inputs[f"{actor}.power"].value = 1 + i % 5
            stakeholder.inputs[f"{actor}.interest"].value = 1 + (i * 3) % 5
        map_times = _timings(lambda i: _step(stakeholder.inputs[f"{actors[i % len(actors)]}.power"]), runs)
        rows.append(("stakeholder map: change + save + redraw", *_summary(map_times)))

        goals = widgets.goal_divergence(case, store)
        speakers = list(goals.inputs)
        goal_times = _timings(lambda i: _step(goals.inputs[speakers[i % len(speakers)]]), runs)
        rows.append(("goal divergence: change + save + 2 charts", *_summary(goal_times)))

        box = widgets.questions(case, store).inputs["organisering-1"]
        text_times = _timings(lambda i: setattr(box, "value", "Et svar " * (i + 1)), runs)
        rows.append(("question: one keystroke (save)", *_summary(text_times)))
    return rows


def _summary(times: list[float]) -> tuple[float, float, str]:
    median, p95 = statistics.median(times), _p95(times)
    verdict = "ok" if median < 50 and p95 < 100 else "SLOW"
    return median, p95, verdict


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Kernels log a transport warning to the inherited stderr; keep the table readable."""
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _execute(path: Path, cwd: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    with _quiet_stderr():
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
        ).execute()
    return time.perf_counter() - start


def notebook_runs(repeats: int = 3) -> list[tuple[str, float, float]]:
    import nbformat

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "notebooks"
        shutil.copytree(REPO / "notebooks", work, ignore=shutil.ignore_patterns("answers"))
        os.environ["CASEKIT_ANSWERS"] = str(Path(folder) / "answers")
        os.environ.setdefault("MPLBACKEND", "Agg")
        floor = work / "floor.ipynb"
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, floor)
        floor_time = statistics.median(_execute(floor, work) for _ in range(repeats))
        rows.append(("floor (pandas + matplotlib + ipywidgets + 1 figure)", floor_time, 1.0))
        for path in sorted(work.glob("0*.ipynb")):
            seconds = statistics.median(_execute(path, work) for _ in range(repeats))
            rows.append((path.stem, seconds, seconds / floor_time))
    return rows


def main() -> None:
    print("Widget changes (ms, 100 changes each; target median < 50, p95 < 100)")
    print(f"{'activity':45} {'median':>8} {'p95':>8}  verdict")
    for name, median, p95, verdict in widget_changes():
        print(f"{name:45} {median:8.1f} {p95:8.1f}  {verdict}")
    if "--quick" in sys.argv:
        return
    print()
    print("Notebook execution, fresh kernel each (s, median of 3; target <= 1.5x floor)")
    print(f"{'notebook':52} {'seconds':>8} {'x floor':>8}")
    for name, seconds, ratio in notebook_runs():
        flag = "" if ratio <= 1.5 else "  OVER"
        print(f"{name:52} {seconds:8.2f} {ratio:8.2f}{flag}")


if __name__ == "__main__":
    main()
