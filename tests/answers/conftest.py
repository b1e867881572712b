"""Fixtures of the answer store's tests: a store without loading the case, both journal modes, mini case."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.answers import AnswerStore

TEST_DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def mini_case():
    from casekit.loader import load_case_dir

    return load_case_dir(TEST_DATA / "mini")


@pytest.fixture
def store(tmp_path: Path):
    """A fresh store of the case ``samskabelse`` (version 1, Danish), opened without loading the case."""
    with AnswerStore.open(tmp_path / "answers", case_id="samskabelse") as opened:
        yield opened


@pytest.fixture(params=["wal", "delete"])
def journal_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with WAL and with a rollback journal (set by $CASEKIT_JOURNAL, inherited by children)."""
    monkeypatch.setenv("CASEKIT_JOURNAL", request.param)
    return str(request.param)
