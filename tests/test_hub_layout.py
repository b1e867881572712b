"""The layout nbgitpuller makes on a JupyterHub: the repository one folder down in the home folder
(``~/casekit/``), read-only to the learner, with the answers outside it (``CASEKIT_ANSWERS``)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IGNORED = (".git", ".venv", "*_cache", ".hypothesis", "__pycache__", "answers", ".ipynb_checkpoints")
IGNORED_TOO = ("node_modules", "e2e-artifacts", "build", "dist", "handout.html")


def _learner_notebooks(notebooks: Path) -> list[Path]:
    return sorted(notebooks.glob("*.ipynb")) + sorted((notebooks / "en").glob("*.ipynb"))


def _snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under root, with its modification time, size and permission bits."""
    seen = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            info = path.lstat()
            seen[path.relative_to(root).as_posix()] = (
                info.st_mtime_ns,
                info.st_size,
                stat.S_IMODE(info.st_mode),
            )
    return seen


def _chmod_tree(root: Path, *, writable: bool) -> None:
    for folder, dirs, files in os.walk(root):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            mode = stat.S_IMODE(os.lstat(name).st_mode)
            os.chmod(name, mode | stat.S_IWUSR if writable else mode & ~0o222, follow_symlinks=False)


@pytest.mark.slow
def test_learner_notebooks_run_from_a_read_only_pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run in ~/casekit/notebooks with CASEKIT_ANSWERS beside the pull, the notebooks write nothing in it."""
    import nbformat
    from nbclient import NotebookClient

    home = tmp_path / "home"
    pulled = home / "casekit"
    shutil.copytree(REPO, pulled, ignore=shutil.ignore_patterns(*IGNORED, *IGNORED_TOO), symlinks=True)
    answers = home / "casekit-answers"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CASEKIT_ANSWERS", str(answers))
    monkeypatch.delenv("CASEKIT_CLASS", raising=False)
    notebooks = _learner_notebooks(pulled / "notebooks")
    assert any(p.name == "00_start.ipynb" for p in notebooks)

    # As root chmod does not stop a write, so the test compares the tree before and after instead.
    _chmod_tree(pulled, writable=False)
    before = _snapshot(pulled)
    try:
        for where in notebooks:
            notebook = nbformat.read(where, as_version=4)
            NotebookClient(
                notebook,
                timeout=300,
                kernel_name="python3",
                resources={"metadata": {"path": str(where.parent)}},
            ).execute()
        after = _snapshot(pulled)
    finally:
        _chmod_tree(pulled, writable=True)

    assert (answers / "samskabelse.sqlite").is_file(), sorted(p.name for p in answers.glob("*"))
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    assert not (added or removed or changed), f"written in the pull: {added=} {removed=} {changed=}"
