"""Shared fixtures. Every test runs with HOME-like folders pointed into a temporary folder, so that no test
writes to $HOME or to the repository (Jupyter, IPython, matplotlib, XDG and casekit's answer folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).with_name("data")

_ISOLATED = {
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
    "XDG_CONFIG_HOME": "xdg/config",
    "XDG_CACHE_HOME": "xdg/cache",
    "XDG_DATA_HOME": "xdg/data",
    "CASEKIT_ANSWERS": "answers",
}


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory):
    """Point every per-user folder at a session-wide temporary folder (also inherited by subprocesses)."""
    base = tmp_path_factory.mktemp("home")
    saved = {key: os.environ.get(key) for key in _ISOLATED}
    for key, sub in _ISOLATED.items():
        folder = base / sub
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[key] = str(folder)
    os.environ.setdefault("MPLBACKEND", "Agg")
    yield base
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def answers_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty answer folder for one test, named by CASEKIT_ANSWERS."""
    folder = tmp_path / "answers"
    folder.mkdir()
    monkeypatch.setenv("CASEKIT_ANSWERS", str(folder))
    return folder


@pytest.fixture(scope="session")
def case():
    """The real Danish case, as learners get it (frozen, so one copy serves every test)."""
    import casekit

    return casekit.load_case("samskabelse", lang="da")


@pytest.fixture
def store(tmp_path: Path, case):
    """A fresh answer store for the real case, in a temporary folder."""
    from casekit.answers import AnswerStore

    with AnswerStore.open(tmp_path / "answers", case=case) as opened:
        yield opened


@pytest.fixture
def every_revision_exported(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that save in quick succession and follow every revision through an export; the burst
    compaction of exports is pinned by ``answers/test_document.py::TestBursts``."""
    from casekit.answers import document

    monkeypatch.setattr(document, "BURST_SECONDS", 0)
