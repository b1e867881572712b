"""No command or function that writes a file the user names writes it over an answer store or its side
files: one line on stderr, exit 1, the store's bytes unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit import teaching
from casekit.answers import AnswerStore
from casekit.cli import main
from casekit.errors import AnswerStoreError
from casekit.i18n import t

CASE = "samskabelse"


@pytest.fixture
def store_files(tmp_path: Path) -> dict[str, Path]:
    """A store in WAL mode (its -wal kept by an open connection) and one with a rollback -journal."""
    store = AnswerStore.open(tmp_path / "a", case_id=CASE)
    store.save("organisering-1", "mit svar")
    journal = tmp_path / "b" / f"{CASE}.sqlite"
    with AnswerStore.open(journal, case_id=CASE) as other:
        other.save("organisering-1", "x")
    Path(f"{journal}-journal").write_bytes(b"")  # an empty leftover -journal beside the store
    yield {"store": store.path, "wal": Path(f"{store.path}-wal"), "journal": Path(f"{journal}-journal")}
    store.close()


COMMANDS = {
    "handout": ["handout", "--lang", "da", "-o"],
    "rolecards": ["rolecards", "--lang", "da", "-o"],
    "answers export": ["answers", "export", "--lang", "da", "--answers-dir", "{dir}", "-o"],
    "class summarize": ["class", "summarize", "{dir}", "--lang", "da", "-o"],
}


@pytest.mark.parametrize("which", ["store", "wal", "journal"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_never_writes_over_a_store(
    command: str, which: str, store_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
):
    target = store_files[which]
    before = {p: p.read_bytes() for p in store_files.values()}
    argv = [arg.replace("{dir}", str(store_files["store"].parent)) for arg in COMMANDS[command]]
    assert main([*argv, str(target)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert t("store.error.onto_answers", "da", path=target) in err
    assert {p: p.read_bytes() for p in store_files.values()} == before


def test_write_rolecards_refuses_a_store(store_files: dict[str, Path]):
    before = store_files["store"].read_bytes()
    with pytest.raises(AnswerStoreError, match="sqlite"):
        teaching.write_rolecards(store_files["store"], lang="en")
    assert store_files["store"].read_bytes() == before


def test_outputs_elsewhere_are_written(tmp_path: Path):
    """The check refuses stores only: a handout beside one is written (readable like any document)."""
    out = tmp_path / "a" / "handout.html"
    out.parent.mkdir()
    assert main(["handout", "--lang", "da", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!")
