"""The learner notebooks: paired with their text form, committed clean, and run top to bottom."""

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
IPYNBS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_there_are_notebooks():
    assert any(p.stem == "00_start" for p in IPYNBS)


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
    work = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, work, ignore=shutil.ignore_patterns("answers", ".ipynb_checkpoints"))
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
            str(work / ipynb.name),
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
