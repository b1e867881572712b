"""Where the store file lives, what it is called, and which files are stores."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from casekit.answers import AnswerStore, default_answers_dir, is_store_file, store_file_name
from casekit.errors import AnswerStoreError

from .support import folder_files

pytestmark = pytest.mark.usefixtures("every_revision_exported")


class TestLocation:
    """Where the store file lives and what it is called."""

    def test_env_folder_is_used(self, answers_dir: Path):
        with AnswerStore.open(case_id="samskabelse") as store:
            assert store.path == answers_dir / "samskabelse.sqlite"
            assert store.case_id == "samskabelse"

    def test_answers_folder_beside_the_notebooks(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.delenv("CASEKIT_ANSWERS", raising=False)
        (tmp_path / "notebooks").mkdir()
        monkeypatch.chdir(tmp_path)
        assert default_answers_dir() == tmp_path / "notebooks" / "answers"
        monkeypatch.chdir(tmp_path / "notebooks")  # a kernel's cwd is the notebook's folder
        assert default_answers_dir() == tmp_path / "notebooks" / "answers"

    def test_folder_path_or_file_path(self, tmp_path: Path):
        with AnswerStore.open(tmp_path / "a", case_id="samskabelse") as store:
            assert store.path == tmp_path / "a" / "samskabelse.sqlite"
        with AnswerStore.open(tmp_path / "b" / "mine.sqlite", case_id="samskabelse") as store:
            assert store.path == tmp_path / "b" / "mine.sqlite"

    def test_learner_names_the_file(self, tmp_path: Path):
        with AnswerStore.open(tmp_path, case_id="samskabelse", learner="Søren Ærø") as store:
            assert store.path.name == "samskabelse-soeren-aeroe.sqlite"
            assert store.learner == "Søren Ærø"
        assert store_file_name("samskabelse", "🙂") == store_file_name("samskabelse", "🙂")

    def test_pseudonym_when_no_learner_is_given(self, tmp_path: Path):
        """A learner who gives no name gets a random pseudonym, kept for the life of the store."""
        with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
            assert re.fullmatch(r"elev-[0-9a-f]{6}", store.learner)
            assert store.created_at

    def test_case_argument_supplies_id_version_and_lang(self, tmp_path: Path, mini_case):
        with AnswerStore.open(tmp_path, case=mini_case) as store:
            assert (store.case_id, store.case_version, store.lang) == ("mini", "3", "da")

    def test_file_of_another_case_is_refused(self, tmp_path: Path):
        file = tmp_path / "x.sqlite"
        AnswerStore.open(file, case_id="samskabelse").close()
        with pytest.raises(AnswerStoreError, match="mini"):
            AnswerStore.open(file, case_id="mini")

    def test_missing_store_without_create(self, tmp_path: Path):
        with pytest.raises(AnswerStoreError, match=r"samskabelse\.sqlite"):
            AnswerStore.open(tmp_path, case_id="samskabelse", create=False)
        assert list(tmp_path.iterdir()) == []

    def test_foreign_sqlite_database_is_refused_and_left_alone(self, tmp_path: Path):
        file = tmp_path / "other.sqlite"
        conn = sqlite3.connect(file)
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.commit()
        conn.close()
        before = file.read_bytes()
        with pytest.raises(AnswerStoreError, match="casekit"):
            AnswerStore.open(file, case_id="samskabelse")
        assert file.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]


class TestOtherFile:
    """A store path that is some other file is refused, and the file left exactly as it was."""

    @pytest.mark.parametrize("content", [b"Mine noter\n", b""])
    def test_other_file_is_refused(self, tmp_path: Path, content: bytes):
        """A learner's own file (noter.txt) is never moved aside or replaced by a database."""
        file = tmp_path / "noter.txt"
        file.write_bytes(content)
        with pytest.raises(AnswerStoreError, match=r"noter\.txt") as info:
            AnswerStore.open(file, case_id="samskabelse")
        assert "ikke en svarfil" in str(info.value)
        assert file.read_bytes() == content and folder_files(tmp_path) == ["noter.txt"]
        with pytest.raises(AnswerStoreError, match=r"noter\.txt"):
            AnswerStore.open(file, case_id="samskabelse", read_only=True)

    def test_damaged_store_of_our_kind_is_still_moved_aside(self, tmp_path: Path):
        """A .db file that is not a database is a damaged store of ours: moved aside, not refused."""
        file = tmp_path / "svar.db"
        file.write_bytes(b"skrald")
        with AnswerStore.open(file, case_id="samskabelse") as store:
            assert store.recovered_from is not None
            assert store.recovered_from.read_bytes() == b"skrald"


def test_is_store_file(tmp_path: Path, store: AnswerStore):
    """A SQLite file and its -wal/-shm/-journal are store files; other files and missing paths are not."""
    store.save("etik-1", "x")
    assert is_store_file(store.path)
    assert is_store_file(f"{store.path}-wal")
    Path(f"{store.path}-journal").write_bytes(b"")
    assert is_store_file(f"{store.path}-journal")
    (tmp_path / "a.txt").write_text("x")
    assert not is_store_file(tmp_path / "a.txt")
    assert not is_store_file(tmp_path / "nothing.sqlite")
    assert not is_store_file(tmp_path)
    (tmp_path / "a.txt-wal").write_text("x")
    assert not is_store_file(tmp_path / "a.txt-wal")


@pytest.mark.parametrize(
    ("name", "file_name"),
    [
        ("Søren Ærø", "soeren-aeroe"),
        ("anne - marie", "anne---marie"),
        ("_anne_", "_anne_"),
        (".hidden.", "hidden"),
        ("Ça va", "ca-va"),
    ],
)
def test_a_learner_s_store_keeps_the_name_it_was_made_with(name: str, file_name: str):
    """The learner-name rule of the store's file name is the one stores were made with from the start:
    a learner's existing store is found again (a changed rule would open a new, empty one)."""
    from casekit.answers.location import learner_slug

    assert learner_slug(name) == file_name
