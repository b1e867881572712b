"""How fast the learner's activities respond, and what running the notebooks costs.

Targets (issue "The learner's journey"): a widget change (save + chart redraw) median < 50 ms and
95th percentile < 100 ms; executing each notebook headless costs at most 1.5x a floor notebook that only
imports pandas, matplotlib and ipywidgets and draws one figure.

Every timed widget change is a real change: a 1–5 dropdown moves one step, or a stakeholder moves one row
on the map's grid (the message its front end sends, handled as the comm hands it over: checked and saved,
no chart), so the value differs from the last one and the store gets a new revision each time (checked
afterwards). The floor for a change is the least it can cost, timed in the same loop, taking turns with
the widgets: one store save of the same size (the map), and with a bare Figure with one text rendered to
SVG (the charts). What the learner waits for in the browser is ``bench_grid.py``'s.

Mirroring to the browser (issue: "adds no visible delay", the same 50 / 100 ms targets): the stakeholder map
on a store filled with a full learner's answers and mirrored by an armed
``casekit.widgets.mirror.BrowserCopy``, each change timed with the copy's send (``flush()``: the export and
the ``payload`` trait set) against the same change on a second, identically filled store with no copy,
taking turns.

Run: ``.venv/bin/python benchmarks/bench_widgets.py [--quick] [--markdown]`` (``--quick`` skips the
notebook runs).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row, interleaved, measured  # noqa: E402

WIDGETS = "widget change → save + redraw (in process)"
NOTEBOOKS = "notebooks: headless run, fresh kernel each"
FLOOR = """
import pandas, matplotlib, ipywidgets
from matplotlib.figure import Figure
fig = Figure(); ax = fig.subplots(); ax.plot([1, 2, 3]); fig
"""


def _step(control: object) -> None:
    """Move a 1–5 dropdown one step, so every call is a real change."""
    control.value = control.value % 5 + 1  # type: ignore[attr-defined]


def _move(grid: Any, key: str) -> None:
    """Move a stakeholder one row up the map's grid (from the top row to the bottom), as its front end's
    message does: every call a real change."""
    place = grid.placements.get(key) or {}
    power, interest = place.get("power") or 0, place.get("interest") or 3
    grid.receive({"type": "place", "seq": 1, "id": key, "power": power % 5 + 1, "interest": interest})


def _bare_svg() -> None:
    import matplotlib
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 6))
    figure.text(0.1, 0.5, "floor", fontsize=13)
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(io.StringIO(), format="svg", metadata={"Date": None})


def widget_rows(runs: int = 100) -> list[Row]:
    """Median and p95 of a change in the stakeholder map and the goal divergence, and one keystroke."""
    import casekit
    from casekit import registry, widgets
    from casekit.answers import AnswerStore

    case = casekit.load_case()
    with tempfile.TemporaryDirectory(prefix="casekit-bench-") as folder:
        store = AnswerStore.open(folder, case=case)
        actors = [a.id for a in case.actors]

        grid = widgets.stakeholder_map(case, store).inputs["grid"]
        # Place everyone first, so every move saves a full map, as late in a learner's session.
        for i, actor in enumerate(actors):
            place = {"power": 1 + i % 5, "interest": 1 + (i * 3) % 5}
            grid.receive({"type": "place", "seq": i, "id": actor, **place})
        goals = widgets.goal_divergence(case, store)
        speakers = list(goals.inputs)
        for i, speaker in enumerate(speakers):
            goals.inputs[speaker].value = 1 + i % 5
        box = widgets.questions(case, store).inputs["organisering-1"]
        before = {
            key: len(store.history(key)) for key in (registry.STAKEHOLDER_MAP, registry.GOAL_DIVERGENCE)
        }
        before["organisering-1"] = len(store.history("organisering-1"))
        map_value = store.latest(registry.STAKEHOLDER_MAP).value  # type: ignore[union-attr]
        _bare_svg()  # the floor's first call (font metrics) is not timed either

        times = interleaved(
            {
                "map": lambda i: _move(grid, actors[i % len(actors)]),
                "goals": lambda i: _step(goals.inputs[speakers[i % len(speakers)]]),
                "text": lambda i: setattr(box, "value", "Et svar " * (i + 1)),
                "floor": lambda i: (store.save("floor-redraw", {**map_value, "n": i}), _bare_svg()),
                "map-save": lambda i: store.save("floor-map", {**map_value, "n": {"power": i}}),
                "save": lambda i: store.save("floor-save", "Et svar " * (i + 1)),
            },
            runs,
        )
        saved = {key: len(store.history(key)) - n for key, n in before.items()}
        store.close()
    notes = tuple(
        f"{key}: {count} revisions for {runs} changes (every change should save)"
        for key, count in saved.items()
        if count != runs
    )
    out = []
    for label, key, floor, floor_key in (
        ("stakeholder map: a move (check + save)", "map", "store.save of the map", "map-save"),
        ("goal divergence (2 charts): change", "goals", "save + bare SVG", "floor"),
    ):
        for stat, limit in (("median", 0.050), ("p95", 0.100)):
            out.append(
                measured(
                    f"{label}, {stat}",
                    times[key],
                    unit="ms",
                    floor=floor,
                    floor_values=times[floor_key],
                    median_max=limit,
                    group=WIDGETS,
                    stat=stat,
                )
            )
    out.append(
        measured(
            "question: one keystroke (save)",
            times["text"],
            unit="ms",
            floor="store.save alone",
            floor_values=times["save"],
            group=WIDGETS,
        )
    )
    if notes:
        out[0] = Row(**{**out[0].__dict__, "notes": notes})
    return out + _mirror_rows(case, runs)


def _mirror_rows(case: Any, runs: int) -> list[Row]:
    """Median and p95 of a stakeholder-map change on a full store with an armed browser copy, the copy's
    send included; the floor is the same change on an identically filled store with no copy."""
    from benchmarks.bench_classroom import _answers  # a full learner's answers: every key of the case
    from casekit import registry, widgets
    from casekit.answers import AnswerStore
    from casekit.widgets.mirror import BrowserCopy

    answers = _answers(case, 1)
    unfilled = sorted(set(registry.answer_keys(case)) - set(answers))
    actors = [a.id for a in case.actors]
    with (
        tempfile.TemporaryDirectory(prefix="casekit-bench-") as mirrored,
        tempfile.TemporaryDirectory(prefix="casekit-bench-") as bare,
    ):
        stores = [AnswerStore.open(folder, case=case) for folder in (mirrored, bare)]
        for store in stores:
            for key, value in answers.items():
                store.save(key, value)
        # A delay no run outlasts: the timer each save arms never fires, and flush() sends in the timed part.
        copy = BrowserCopy(stores[0], case, delay=3600)
        copy.received({"state": "empty"})  # the front end's first report: the copy is armed
        copy.flush()
        grids: list[Any] = [widgets.stakeholder_map(case, store).inputs["grid"] for store in stores]
        for grid in grids:  # the first change of each is not timed
            _move(grid, actors[0])
        copy.flush()
        before = [len(store.history(registry.STAKEHOLDER_MAP)) for store in stores]
        sends, size = copy.sends, len(copy.payload.encode("utf-8"))

        def mirrored_change(i: int) -> None:
            _move(grids[0], actors[i % len(actors)])
            copy.flush()

        times = interleaved(
            {
                "copy": mirrored_change,
                "bare": lambda i: _move(grids[1], actors[i % len(actors)]),
            },
            runs,
        )
        saved = [
            len(store.history(registry.STAKEHOLDER_MAP)) - n for store, n in zip(stores, before, strict=True)
        ]
        sent = copy.sends - sends
        latest = stores[0].latest(registry.STAKEHOLDER_MAP)
        in_copy = json.loads(copy.payload)["answers"][registry.STAKEHOLDER_MAP]["value"]
        copy.flush()
        copy.close()
        for store in stores:
            store.close()
    notes = []
    if unfilled:
        notes.append(f"not in the filled store (bench_classroom's answers): {', '.join(unfilled)}")
    notes += [
        f"{name}: {count} revisions for {runs} changes (every change should save)"
        for name, count in zip(("with the copy", "without"), saved, strict=True)
        if count != runs
    ]
    if sent != runs:
        notes.append(f"the copy sent {sent} times for {runs} changes (every flush after a save should send)")
    if latest is None or in_copy != latest.value:
        notes.append("the copy's last payload is not the store's latest stakeholder map")
    out = [
        measured(
            f"stakeholder map + browser copy ({size / 1000:.0f} KB export): move + send, {stat}",
            times["copy"],
            unit="ms",
            floor="same change, no copy",
            floor_values=times["bare"],
            median_max=limit,
            group=WIDGETS,
            stat=stat,
        )
        for stat, limit in (("median", 0.050), ("p95", 0.100))
    ]
    if notes:
        out[0] = Row(**{**out[0].__dict__, "notes": tuple(notes)})
    return out


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


def _execute(path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    with _quiet_stderr():
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()


def _learner_notebooks(work: Path) -> tuple[list[Path], bool]:
    """The learner notebooks in the copy: ``0*.ipynb``, and ``en/0*.ipynb`` (made from ``en/0*.py`` with
    jupytext where only the text form is there)."""
    found = sorted(work.glob("0*.ipynb"))
    english = work / "en"
    converted = False
    if english.is_dir():
        made = sorted(english.glob("0*.ipynb"))
        if not made:
            converted = True
            import jupytext

            for text in sorted(english.glob("0*.py")):
                target = text.with_suffix(".ipynb")
                jupytext.write(jupytext.read(text), target)
                made.append(target)
        found += made
    return found, converted


def notebook_rows(repeats: int = 3) -> list[Row]:
    """Each learner notebook executed headless, against the floor notebook, taking turns each round."""
    import nbformat

    saved_env = {name: os.environ.get(name) for name in ("CASEKIT_ANSWERS", "MPLBACKEND")}
    with tempfile.TemporaryDirectory(prefix="casekit-bench-") as folder:
        work = Path(folder) / "notebooks"
        shutil.copytree(
            REPO / "notebooks", work, ignore=shutil.ignore_patterns("answers", ".ipynb_checkpoints")
        )
        os.environ["CASEKIT_ANSWERS"] = str(Path(folder) / "answers")
        os.environ.setdefault("MPLBACKEND", "Agg")
        floor = work / "floor.ipynb"
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, floor)
        paths, converted = _learner_notebooks(work)
        failed: dict[Path, str] = {}

        def run(path: Path) -> Callable[[int], None]:
            def once(_: int) -> None:
                if path in failed:
                    return
                try:
                    _execute(path)
                except Exception as exc:  # a broken notebook is a row that says so, not a crash
                    failed[path] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:160]}"

            return once

        try:
            _execute(floor)  # the first kernel start reads every file cold; not timed
            times = interleaved({"floor": run(floor), **{str(p): run(p) for p in paths}}, repeats)
        finally:
            for name, value in saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    floor_name = "floor notebook"
    out = [
        measured(
            "floor: pandas + mpl + ipywidgets + 1 fig",
            times["floor"],
            floor="(itself)",
            floor_values=times["floor"],
            group=NOTEBOOKS,
        )
    ]
    for path in paths:
        name = str(path.relative_to(work).with_suffix(""))
        if converted and path.parent.name == "en":
            name += " (.py)"
        if path in failed:
            out.append(
                Row(
                    name=name,
                    median=None,
                    text="failed",
                    verdict="FAILED",
                    group=NOTEBOOKS,
                    notes=(failed[path],),
                )
            )
            continue
        out.append(
            measured(
                name,
                times[str(path)],
                floor=floor_name,
                floor_values=times["floor"],
                ratio_max=1.5,
                group=NOTEBOOKS,
            )
        )
    if converted:
        out[0] = Row(
            **{
                **out[0].__dict__,
                "notes": (
                    "notebooks/en/ holds only the .py text forms: each was made into an .ipynb with "
                    "jupytext in the temporary copy, then run",
                ),
            }
        )
    return out


def rows(quick: bool = False) -> list[Row]:
    """This file's rows: widget changes, and (not with ``quick``) the notebook runs."""
    out = widget_rows(30 if quick else 100)
    if not quick:
        out += notebook_rows(3)
    return out


def main(argv: list[str] | None = None) -> None:
    from benchmarks._table import show

    argv = sys.argv[1:] if argv is None else argv
    show(rows("--quick" in argv), markdown="--markdown" in argv)


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - start:.0f} s)")
