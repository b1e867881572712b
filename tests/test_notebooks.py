"""The learner notebooks and the instructor's (notebooks/instructor/): paired with their text form, committed
clean, and run top to bottom."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
INSTRUCTOR = NOTEBOOKS / "instructor"
IPYNBS = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(INSTRUCTOR.glob("*.ipynb"))
SNAPSHOTS = Path(__file__).with_name("data") / "notebook_outputs"
CHECK_TAG = "casekit-check-output"


def _checked(path: Path) -> bool:
    return any(CHECK_TAG in c.get("metadata", {}).get("tags", []) for c in jupytext.read(path).cells)


def _name(path: Path) -> str:
    """A notebook's place under notebooks/ without the suffix: ``01_del1``, ``instructor/00_undervisning``."""
    return path.relative_to(NOTEBOOKS).with_suffix("").as_posix()


def _ids(paths: list[Path]) -> list[str]:
    return [_name(p) for p in paths]


def test_there_are_notebooks():
    assert any(p.stem == "00_start" for p in IPYNBS)


def test_there_is_an_instructor_notebook():
    assert any(_name(p) == "instructor/00_undervisning" for p in IPYNBS)


@pytest.mark.parametrize("ipynb", IPYNBS, ids=_ids(IPYNBS))
class TestNotebookFiles:
    """What a learner double-clicks and what a reviewer reads say the same, and carry no outputs."""

    def test_paired_text_form_is_in_sync(self, ipynb: Path):
        text_form = ipynb.with_suffix(".py")
        assert text_form.is_file(), f"{ipynb.name} has no paired {text_form.name}"
        a = jupytext.read(ipynb)
        b = jupytext.read(text_form)
        cells_a = [(c.cell_type, c.source.strip()) for c in a.cells]
        cells_b = [(c.cell_type, c.source.strip()) for c in b.cells]
        assert cells_a == cells_b, f"{ipynb.name} and {text_form.name} differ: run `make sync-notebooks`"
        assert a.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"

    def test_committed_without_outputs(self, ipynb: Path):
        data = json.loads(ipynb.read_text(encoding="utf-8"))
        for cell in data["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, ipynb.name
        assert "widgets" not in data["metadata"], f"{ipynb.name} carries widget state"


@pytest.mark.slow
@pytest.mark.parametrize("ipynb", IPYNBS, ids=_ids(IPYNBS))
def test_notebook_runs_top_to_bottom(ipynb: Path, tmp_path: Path):
    """nbval runs every cell in a fresh kernel (a copy, so nothing is written into the repository)."""
    work = _copy_notebooks(tmp_path)
    env = {**os.environ, "CASEKIT_ANSWERS": str(tmp_path / "answers"), "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-q",
            "-o",
            "addopts=",
            "-W",
            "error",
            str(work / ipynb.relative_to(NOTEBOOKS)),
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _copy_notebooks(tmp_path: Path) -> Path:
    work = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, work, ignore=shutil.ignore_patterns("answers", ".ipynb_checkpoints"))
    return work


@pytest.mark.slow
@pytest.mark.parametrize("ipynb", [p for p in IPYNBS if _checked(p)], ids=_name)
def test_checked_outputs_match_their_snapshots(ipynb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Cells tagged casekit-check-output (a table, a count) print what tests/data/notebook_outputs holds.

    The notebooks are committed without outputs, so nbval has nothing to compare with; the expected text
    lives beside the tests instead. CASEKIT_UPDATE_SNAPSHOTS=1 rewrites the files after a deliberate change.
    """
    import nbformat
    from nbclient import NotebookClient

    work = _copy_notebooks(tmp_path)
    monkeypatch.setenv("CASEKIT_ANSWERS", str(tmp_path / "answers"))
    where = work / ipynb.relative_to(NOTEBOOKS)
    notebook = nbformat.read(where, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(where.parent)}}
    ).execute()
    checked = [c for c in notebook.cells if CHECK_TAG in c.metadata.get("tags", [])]
    for n, cell in enumerate(checked, start=1):
        text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs) + "\n"
        snapshot = SNAPSHOTS / f"{ipynb.stem}-{n}.txt"
        if os.environ.get("CASEKIT_UPDATE_SNAPSHOTS") == "1":
            snapshot.parent.mkdir(parents=True, exist_ok=True)
            snapshot.write_text(text, encoding="utf-8")
        assert snapshot.is_file(), f"no snapshot {snapshot.name}: run with CASEKIT_UPDATE_SNAPSHOTS=1 once"
        assert text == snapshot.read_text(encoding="utf-8"), f"{ipynb.name}, checked cell {n} changed"
