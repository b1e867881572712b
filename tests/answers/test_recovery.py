"""Damage is survived, never destroyed: damaged files are moved aside, what a -wal or -journal holds is
recovered, and a store deleted while in use is put back."""

from __future__ import annotations

import json
import logging
import random
import re
import sqlite3
from pathlib import Path
from typing import ClassVar

import pytest

from casekit.answers import AnswerStore, recovery
from casekit.errors import AnswerStoreError

from .support import (
    IS_ROOT,
    all_values,
    folder_files,
    folder_state,
    page_of,
    read_only_folder,
    readable_rows,
    stored_rows,
    wal_only,
)

pytestmark = pytest.mark.usefixtures("every_revision_exported")


@pytest.mark.usefixtures("journal_mode")
class TestDamagedFile:
    """A damaged store is moved aside unchanged, a fresh store starts, and the store says so."""

    @staticmethod
    def _truncated(tmp_path: Path) -> bytes:
        with AnswerStore.open(tmp_path / "source", case_id="samskabelse") as source:
            for i in range(200):
                source.save(f"k{i % 20}", "x" * 400 + str(i))
        data = source.path.read_bytes()
        return data[: len(data) // 2]

    @pytest.mark.parametrize("kind", ["truncated", "random", "text"])
    def test_damaged_file_is_moved_aside(
        self, tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture, journal_mode: str
    ):
        damaged = {
            "truncated": lambda: self._truncated(tmp_path),
            "random": lambda: random.Random(7).randbytes(6000),
            "text": lambda: b"Dette er ikke en database.\n",
        }[kind]()
        folder = tmp_path / "answers"
        folder.mkdir()
        file = folder / "samskabelse.sqlite"
        file.write_bytes(damaged)
        companion = "-wal" if journal_mode == "wal" else "-journal"
        Path(f"{file}{companion}").write_bytes(b"companion bytes")

        with caplog.at_level(logging.WARNING, logger="casekit.answers"):
            store = AnswerStore.open(folder, case_id="samskabelse")
        with store:
            moved = store.recovered_from
            assert moved is not None and moved.parent == folder
            assert re.fullmatch(r"samskabelse\.corrupt-\d{8}T\d{6}Z\.sqlite", moved.name)
            assert moved.read_bytes() == damaged
            assert Path(f"{moved}{companion}").read_bytes() == b"companion bytes"
            assert store.journal_mode == journal_mode
            store.save("organisering-1", "ny start")
            assert store.get("organisering-1") == "ny start"
            assert "beskadiget" in (store.recovery_message() or "")
        assert any("damaged" in r.getMessage() for r in caplog.records)
        with AnswerStore.open(folder, case_id="samskabelse") as again:
            assert again.recovered_from is None
            assert again.get("organisering-1") == "ny start"

    def test_second_recovery_never_overwrites_the_first(self, tmp_path: Path):
        kept = []
        for n in range(2):
            (tmp_path / "samskabelse.sqlite").write_bytes(f"skrald {n}".encode())
            with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
                assert store.recovered_from is not None
                kept.append(store.recovered_from)
        assert kept[0] != kept[1]
        assert [p.read_bytes() for p in kept] == [b"skrald 0", b"skrald 1"]

    def test_zero_length_file_is_an_empty_store(self, tmp_path: Path):
        (tmp_path / "samskabelse.sqlite").write_bytes(b"")
        with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
            assert store.recovered_from is None
            assert store.recovery_message() is None
            store.save("etik-3", "ok")
        assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == []


@pytest.mark.usefixtures("journal_mode")
class TestSalvage:
    """A damaged store file is moved aside unchanged, and every revision that can still be read from it is
    put into the new store; the learner is told how many, and which answers lost revisions."""

    TOTAL = 300

    @classmethod
    def _damaged(cls, tmp_path: Path, kind: str) -> tuple[Path, set, bytes, str]:
        """A store of TOTAL revisions (some over a page long) with one page overwritten by garbage; returns
        its folder, the rows it held, the damaged bytes and its learner."""
        with AnswerStore.open(tmp_path / "source", case_id="samskabelse") as source:
            for i in range(cls.TOTAL):
                source.save(f"etik-{i % 20}", f"svar {i} æøå " + "x" * (i * 17 % 6000))
            learner = source.learner
        rows = stored_rows(source.path)
        page, size = page_of(source.path, kind), 4096
        data = bytearray(source.path.read_bytes())
        data[(page - 1) * size : page * size] = random.Random(page).randbytes(size)
        folder = tmp_path / "answers"
        folder.mkdir()
        (folder / "samskabelse.sqlite").write_bytes(data)
        return folder, rows, bytes(data), learner

    @pytest.mark.parametrize("kind", ["leaf", "root", "index", "first"])
    def test_every_readable_revision_is_put_back(self, tmp_path: Path, kind: str):
        """One page of garbage in a leaf of the revisions table loses only that page's revisions, named by
        answer; in the table's root page, the first page or the index, none (the leaf pages are read one by
        one). The damaged file is kept byte for byte."""
        folder, rows, damaged, learner = self._damaged(tmp_path, kind)
        readable = readable_rows(folder / "samskabelse.sqlite", self.TOTAL)
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.recovered_from is not None and store.recovered_from.read_bytes() == damaged
            recovered = stored_rows(store.path)
            assert readable <= recovered <= rows
            assert store.recovered_count == len(recovered) == store.count()
            assert store.learner == learner
            missing = rows - recovered
            assert sum(store.unrecovered.values()) == len(missing)
            assert set(store.unrecovered) == {key for key, _, _ in missing}
            message = store.recovery_message() or ""
            assert str(len(recovered)) in message and store.recovered_from.name in message
            if kind == "leaf":
                assert 0 < len(missing) < 20 and "kunne ikke læses" in message
                assert all(key in message for key in store.unrecovered)
            else:
                assert recovered == rows and "mangler der ingen" in message
            store.save("etik-1", "videre")
        with AnswerStore.open(folder, case_id="samskabelse") as again:
            assert again.recovered_from is None and again.get("etik-1") == "videre"

    def test_truncated_file_keeps_its_first_half(self, tmp_path: Path):
        """A file cut in half (a sync tool, a full disk) gives back the revisions in the half that is left."""
        with AnswerStore.open(tmp_path / "source", case_id="samskabelse") as source:
            for i in range(self.TOTAL):
                source.save(f"k{i % 20}", "x" * 400 + str(i))
        rows = stored_rows(source.path)
        data = source.path.read_bytes()
        (tmp_path / "samskabelse.sqlite").write_bytes(data[: len(data) // 2])
        with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
            assert store.recovered_from is not None
            assert stored_rows(store.path) <= rows and store.count() > self.TOTAL // 3
            assert str(store.count()) in (store.recovery_message() or "")

    def test_another_case_is_not_put_back(self, tmp_path: Path):
        """A damaged store of another case at this path stays aside; its answers are not taken in."""
        with AnswerStore.open(tmp_path / "source", case_id="andet") as source:
            for i in range(self.TOTAL):
                source.save(f"k{i % 20}", "x" * 400 + str(i))
        data = bytearray(source.path.read_bytes())
        data[20 * 4096 : 21 * 4096] = bytes(4096)
        (tmp_path / "samskabelse.sqlite").write_bytes(data)
        with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
            assert store.recovered_from is not None and store.recovered_from.read_bytes() == data
            assert store.count() == 0 and store.unrecovered == {}
            assert "tom svarfil" in (store.recovery_message() or "")

    def test_revision_garbled_where_quick_check_does_not_look(self, tmp_path: Path):
        """The last overflow page of a long answer overwritten with zeros passes PRAGMA quick_check, but that
        revision no longer reads back: the file counts as damaged, every other revision is put back, the
        answer is named, and reading the store works."""
        folder = tmp_path / "answers"
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            for n in range(10):
                store.save(f"etik-{n % 3}", f"svar {n}")
            store.save("lang-1", "y" * 9000)
            path = store.path
        data = bytearray(path.read_bytes())
        last = next(
            n
            for n in range(len(data) // 4096)
            if data[n * 4096 : n * 4096 + 4] == bytes(4) and b"y" * 500 in data[n * 4096 : (n + 1) * 4096]
        )
        data[last * 4096 + 4 : (last + 1) * 4096] = bytes(4092)  # the chain still ends here: only text lost
        path.write_bytes(data)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        conn.close()
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.recovered_from is not None and store.recovered_from.read_bytes() == data
            assert store.count() == 10 and store.unrecovered == {"lang-1": 1}
            assert len(store.revisions()) == 10 and store.get("lang-1") is None
            assert "lang-1" in (store.recovery_message() or "")

    @pytest.mark.parametrize(
        ("lang", "words"),
        [
            ("da", ["intet er ændret", "notesbøger", "ny svarfil"]),
            ("en", ["nothing has been changed", "notebooks", "new answer file"]),
        ],
    )
    def test_read_only_advice_is_what_opening_to_save_does(self, tmp_path: Path, lang: str, words: list[str]):
        """Opened read-only, a damaged store is refused with advice; doing what it says (opening the store to
        save in, as a notebook does) keeps the damaged file unchanged under a new name, carries the answers
        that can be read into a new file, and says what could not be read."""
        folder, rows, damaged, _ = self._damaged(tmp_path, "leaf")
        with pytest.raises(AnswerStoreError) as info:
            AnswerStore.open(folder, case_id="samskabelse", lang=lang, read_only=True)
        assert all(word in str(info.value) for word in words)
        assert folder_files(folder) == ["samskabelse.sqlite"]
        with AnswerStore.open(folder, case_id="samskabelse", lang=lang) as store:
            assert store.recovered_from is not None and store.recovered_from.read_bytes() == damaged
            assert 0 < store.count() < len(rows) and store.unrecovered
            assert all(key in (store.recovery_message() or "") for key in store.unrecovered)

    def test_damaged_file_not_named_as_a_store(self, tmp_path: Path):
        """A damaged SQLite file not named like a store is refused read-only just as opening it to save in
        refuses it (never moved), not with advice to open it to save in."""
        folder, _, damaged, _ = self._damaged(tmp_path, "leaf")
        odd = folder / "svar.bin"
        (folder / "samskabelse.sqlite").rename(odd)
        messages = []
        for read_only in (True, False):
            with pytest.raises(AnswerStoreError) as info:
                AnswerStore.open(odd, case_id="samskabelse", read_only=read_only)
            messages.append(str(info.value))
        assert messages[0] == messages[1] and "ikke en svarfil" in messages[0]
        assert (
            not [name for name in folder_files(folder) if "corrupt" in name] and odd.read_bytes() == damaged
        )


class TestStrayJournal:
    """A -journal SQLite cannot roll back (no journal header, or one of another page size) beside an intact
    store is set aside, renamed and kept; the store is used as it is."""

    JUNK: ClassVar[dict[str, bytes]] = {
        "text": b"ikke en journal " * 40,
        # A journal header (magic, 0 records, sector size 512) of 1024-byte pages, beside a 4096-byte store.
        "other-page-size": bytes.fromhex("d9d505f920a163d7")
        + bytes(12)
        + bytes.fromhex("0000020000000400")
        + b"\x01" * 2000,
    }

    @staticmethod
    def _store(tmp_path: Path) -> tuple[Path, dict]:
        folder = tmp_path / "answers"
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            for n in range(40):
                store.save(f"etik-{n % 5}", f"svar {n}")
            return folder, store.as_dict()

    @pytest.mark.parametrize("junk", sorted(JUNK))
    def test_stray_journal_is_set_aside(self, tmp_path: Path, junk: str, journal_mode: str):
        folder, answers = self._store(tmp_path)
        file = folder / "samskabelse.sqlite"
        Path(f"{file}-journal").write_bytes(self.JUNK[junk])
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.recovered_from is None and store.recovery_message() is None
            assert store.as_dict() == answers and store.count() == 40
            assert store.journal_mode == journal_mode
            store.save("etik-9", "videre")
        kept = [p for p in folder.iterdir() if p.name.endswith(".sqlite-journal")]
        assert len(kept) == 1 and re.fullmatch(
            r"samskabelse\.corrupt-\d{8}T\d{6}Z\.sqlite-journal", kept[0].name
        )
        assert kept[0].read_bytes() == self.JUNK[junk]
        assert not Path(f"{file}-journal").exists()
        with AnswerStore.open(folder, case_id="samskabelse") as again:
            assert again.count() == 41

    def test_read_only_reads_around_a_stray_journal(self, tmp_path: Path, journal_mode: str):
        """Opened read-only, a store beside a stray -journal is read as it is; nothing is moved."""
        folder, answers = self._store(tmp_path)
        Path(f"{folder / 'samskabelse.sqlite'}-journal").write_bytes(self.JUNK["text"])
        before = folder_state(folder)
        with AnswerStore.open(folder, case_id="samskabelse", read_only=True) as store:
            assert store.as_dict() == answers
        assert folder_state(folder) == before


@pytest.mark.usefixtures("journal_mode")
class TestDeletedStore:
    """A store file deleted while a notebook runs is put back on the next save; nothing is lost."""

    def test_deleted_files_are_put_back(self, tmp_path: Path, caplog: pytest.LogCaptureFixture):
        """Saves after the .sqlite, -wal and -shm were deleted put every earlier answer back at the path."""
        folder = tmp_path / "answers"
        store = AnswerStore.open(folder, case_id="samskabelse")
        for n in range(3):
            store.save(f"etik-{n}", f"svar {n}")
        for extra in ("", "-wal", "-shm"):
            Path(f"{store.path}{extra}").unlink(missing_ok=True)
        with caplog.at_level(logging.WARNING, logger="casekit.answers"):
            store.save("etik-3", "svar 3")
        assert store.restored == 1 and "slettet" in (store.restore_message() or "")
        assert any("deleted" in r.getMessage() for r in caplog.records)
        store.close()
        with AnswerStore.open(folder, case_id="samskabelse") as again:
            assert again.as_dict() == {f"etik-{n}": f"svar {n}" for n in range(4)}
            assert again.recovered_from is None

    def test_deleted_folder_is_made_again(self, tmp_path: Path):
        """A learner who deletes the whole answers folder loses nothing: the folder and file come back."""
        import shutil

        folder = tmp_path / "answers"
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            store.save("etik-1", "før")
            learner = store.learner
            shutil.rmtree(folder)
            store.save("etik-2", "efter")
        with AnswerStore.open(folder, case_id="samskabelse") as again:
            assert again.as_dict() == {"etik-1": "før", "etik-2": "efter"}
            assert again.learner == learner

    def test_store_started_afresh_meanwhile_is_merged_into(self, tmp_path: Path):
        """If another notebook started a new store at the path, the old answers are merged into it."""
        folder = tmp_path / "answers"
        first = AnswerStore.open(folder, case_id="samskabelse")
        first.save("etik-1", "gammel 1")
        first.save("etik-2", "gammel 2")
        for extra in ("", "-wal", "-shm"):
            Path(f"{first.path}{extra}").unlink(missing_ok=True)
        with AnswerStore.open(folder, case_id="samskabelse") as second:
            second.save("etik-3", "fra den anden notesbog")
        first.save("etik-4", "ny")
        first.close()
        with AnswerStore.open(folder, case_id="samskabelse") as again:
            assert again.as_dict() == {
                "etik-1": "gammel 1",
                "etik-2": "gammel 2",
                "etik-3": "fra den anden notesbog",
                "etik-4": "ny",
            }


class TestWalWithoutMainFile:
    """A -wal beside an empty or missing main file is damage: both are kept, and the answers recovered."""

    @pytest.mark.parametrize("main", ["empty", "missing"])
    def test_answers_are_recovered_from_the_wal(self, tmp_path: Path, main: str):
        """The main file and -wal are moved aside as found, and the -wal's revisions start the new store."""
        values = [f"svar {n} æøå" for n in range(12)]
        wal = wal_only(tmp_path, values)
        folder = tmp_path / "answers"
        folder.mkdir()
        file = folder / "samskabelse.sqlite"
        if main == "empty":
            file.write_bytes(b"")
        Path(f"{file}-wal").write_bytes(wal)
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            moved = store.recovered_from
            assert moved is not None and re.fullmatch(
                r"samskabelse\.corrupt-\d{8}T\d{6}Z\.sqlite", moved.name
            )
            assert Path(f"{moved}-wal").read_bytes() == wal
            assert moved.exists() == (main == "empty")
            assert store.recovered_count == 12
            assert "12" in (store.recovery_message() or "")
            assert sorted(r.value for r in store.revisions()) == sorted(values)
            assert store.learner == "elev-abc123"
            store.save("etik-9", "videre")
        with AnswerStore.open(folder, case_id="samskabelse") as again:
            assert again.count() == 13 and again.recovered_from is None

    def test_unreadable_wal_is_kept_and_reported(self, tmp_path: Path):
        """A -wal from which nothing can be read is still kept, and the learner is told nothing was saved."""
        (tmp_path / "samskabelse.sqlite").write_bytes(b"")
        (tmp_path / "samskabelse.sqlite-wal").write_bytes(b"wal bytes")
        with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
            assert store.recovered_from is not None and store.recovered_count == 0
            assert Path(f"{store.recovered_from}-wal").read_bytes() == b"wal bytes"
            assert "intet kunne læses" in (store.recovery_message() or "")

    def test_main_file_alone_holds_every_answer(self, store: AnswerStore, tmp_path: Path):
        """Every save is checkpointed: a copy of only the .sqlite (no -wal) has every answer."""
        import shutil

        for n in range(30):
            store.save(f"k{n % 4}", f"svar {n}")
        copy = tmp_path / "copy" / "kopi.sqlite"
        copy.parent.mkdir()
        shutil.copyfile(store.path, copy)
        with AnswerStore.open(copy, case_id="samskabelse") as copied:
            assert copied.count() == 30
            assert copied.as_dict() == store.as_dict()


class TestCannotMoveAside:
    """A damaged store that cannot be moved aside is reported from the catalog; nothing is changed."""

    def test_failed_move_is_undone_and_reported(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        """If the -wal cannot be moved after the main file was, the main file is moved back."""
        (tmp_path / "samskabelse.sqlite").write_bytes(b"skrald")
        (tmp_path / "samskabelse.sqlite-wal").write_bytes(b"wal")
        before = folder_state(tmp_path)
        real = recovery.rename_no_overwrite

        def rename(source: Path, target: Path) -> bool:
            if source.name.endswith("-wal"):
                raise PermissionError(13, "Permission denied", str(source))
            return real(source, target)

        monkeypatch.setattr(recovery, "rename_no_overwrite", rename)
        with pytest.raises(AnswerStoreError, match=r"samskabelse\.sqlite") as info:
            AnswerStore.open(tmp_path, case_id="samskabelse")
        message = str(info.value)
        assert "flyttes til side" in message and "ikke adgang" in message and "Errno" not in message
        assert isinstance(info.value.__cause__, PermissionError)
        assert {n: b for n, (b, _) in folder_state(tmp_path).items()} == {
            n: b for n, (b, _) in before.items()
        }

    @pytest.mark.skipif(IS_ROOT, reason="chmod does not stop root from renaming")
    def test_damaged_store_in_a_read_only_folder(self, tmp_path: Path):
        """In a 0o555 folder a damaged store raises AnswerStoreError, not PermissionError."""
        (tmp_path / "samskabelse.sqlite").write_bytes(b"skrald")
        before = folder_state(tmp_path)
        with read_only_folder(tmp_path), pytest.raises(AnswerStoreError, match="flyttes til side"):
            AnswerStore.open(tmp_path, case_id="samskabelse")
        assert folder_state(tmp_path) == before


class TestInterruptedJournal:
    """A write interrupted in rollback-journal mode loses no answer saved before it; a -journal without
    its main file is kept and read."""

    @staticmethod
    def _interrupted(tmp_path: Path) -> Path:
        """A rollback-journal store copied with its hot -journal in the middle of a write (a kill)."""
        import shutil

        source = tmp_path / "source" / "samskabelse.sqlite"
        with AnswerStore.open(source, case_id="samskabelse") as store:
            for n in range(6):  # small: the revisions table is one page, which the write changes
                store.save(f"k{n % 3}", f"svar {n}")
        raw = sqlite3.connect(source, isolation_level=None)
        raw.execute("PRAGMA cache_size = 1")  # spill the changed pages into the main file before COMMIT
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("PRAGMA user_version = 7")  # page 1 goes into the -journal too
        for _ in range(200):
            raw.execute(
                "INSERT INTO revisions (key, value, saved_at, case_version, lang, source)"
                " VALUES ('k9', ?, '2025-03-01T09:00:00.000000+00:00', '1', 'da', 'local')",
                (json.dumps("y" * 400),),
            )
        folder = tmp_path / "answers"
        folder.mkdir()
        for extra in ("", "-journal"):
            shutil.copyfile(f"{source}{extra}", folder / f"samskabelse.sqlite{extra}")
        raw.execute("ROLLBACK")
        raw.close()
        return folder

    def test_interrupted_write_is_rolled_back_on_open(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        """A hot -journal is rolled back when the store opens: the answers saved before it are all there; a
        read-only opening refuses it without changing anything."""
        monkeypatch.setenv("CASEKIT_JOURNAL", "delete")
        folder = self._interrupted(tmp_path)
        before = folder_state(folder)
        with pytest.raises(AnswerStoreError, match="afbrudt"):
            AnswerStore.open(folder, case_id="samskabelse", read_only=True)
        assert folder_state(folder) == before
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.recovered_from is None and store.count() == 6 and store.keys() == ["k0", "k1", "k2"]
        assert folder_files(folder) == ["samskabelse.sqlite"]

    @pytest.mark.parametrize("main", ["empty", "missing"])
    def test_journal_without_main_file_is_kept_and_read(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main: str
    ):
        """A -journal beside an empty or missing main file is moved aside as found, and what it holds
        starts the new store."""
        monkeypatch.setenv("CASEKIT_JOURNAL", "delete")
        folder = self._interrupted(tmp_path)
        file = folder / "samskabelse.sqlite"
        journal = Path(f"{file}-journal").read_bytes()
        if main == "empty":
            file.write_bytes(b"")
        else:
            file.unlink()
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            moved = store.recovered_from
            assert moved is not None and Path(f"{moved}-journal").read_bytes() == journal
            assert store.recovered_count == 6 and store.count() == 6
            assert all_values(store) == {f"svar {n}" for n in range(6)}
            assert "-journal" in (store.recovery_message() or "")
            assert store.journal_mode == "delete"
