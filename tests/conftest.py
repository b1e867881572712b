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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep `make test`'s xdist groups together (``--dist loadgroup``): pytest-xdist 3.8 marks a grouped
    test by appending ``@<group>`` to ``item._nodeid``, which pytest 9 no longer reads (a node's id is
    ``item._id``), so every test of a group went to any worker and a module-scoped server or venv was made
    once per worker, its tests' order lost. Do the same where pytest 9 reads it (a no-op where xdist's own
    suffix took, or without ``loadgroup``)."""
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import coerce_node_id  # pytest 9's structured node ids
    except ImportError:  # older pytest: xdist's own suffix works
        return
    for item in items:
        names = {
            str(m.args[0] if m.args else m.kwargs.get("name", "default"))
            for m in item.iter_markers("xdist_group")
        }
        if names and "@" not in item.nodeid and hasattr(item, "_id"):
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(sorted(names))}")


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
