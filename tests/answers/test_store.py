"""The answer store: every save is kept, from any thread or process, through crashes; read-only opening
changes nothing; a save waits at most as long as asked."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from casekit.answers import AnswerStore, Revision
from casekit.errors import AnswerStoreBusyError, AnswerStoreError

from .support import IS_ROOT, all_values, folder_files, folder_state, locked, read_only_folder, wal_only

pytestmark = pytest.mark.usefixtures("every_revision_exported")


REPO = Path(__file__).resolve().parents[2]


def _child_env() -> dict[str, str]:
    """The environment for a child Python: finds casekit in this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


class TestSaveAndRead:
    """save/get/history/keys/as_dict: the latest revision is the answer, and every revision is kept."""

    def test_save_then_get(self, store: AnswerStore):
        rev = store.save("organisering-1", "Mit svar")
        assert isinstance(rev, Revision)
        assert rev.key == "organisering-1" and rev.value == "Mit svar" and rev.source == "local"
        assert store.get("organisering-1") == "Mit svar"

    def test_get_missing_key_returns_default(self, store: AnswerStore):
        assert store.get("organisering-2") is None
        assert store.get("organisering-2", "") == ""

    def test_revisions_append_and_latest_wins(self, store: AnswerStore):
        for text in ("første", "anden", "tredje"):
            store.save("dilemma-1", text)
        history = store.history("dilemma-1")
        assert [r.value for r in history] == ["første", "anden", "tredje"]
        assert store.get("dilemma-1") == "tredje"
        assert history[0].revision < history[1].revision < history[2].revision
        assert history[0].saved_at <= history[1].saved_at <= history[2].saved_at

    def test_empty_and_whitespace_text_is_saved(self, store: AnswerStore):
        """Deleting one's text is also an answer: it is saved, and the old text stays in the history."""
        store.save("organisering-1", "tekst")
        store.save("organisering-1", "")
        store.save("organisering-1", "  \n ")
        assert store.get("organisering-1") == "  \n "
        assert [r.value for r in store.history("organisering-1")] == ["tekst", "", "  \n "]

    def test_json_values_of_every_kind(self, store: AnswerStore):
        values = {
            "stakeholder-map": {
                "kim": {"power": 4, "interest": 5},
                "boern-unge": {"power": 1, "interest": 5},
            },
            "goal-divergence": [0.25, -1, None, True],
            "decision-point": 3,
            "proposal": "Kære Flemming\n\nVi foreslår …",
        }
        for key, value in values.items():
            store.save(key, value)
        assert store.as_dict() == values
        assert store.keys() == sorted(values)

    def test_mapping_order_is_kept(self, store: AnswerStore):
        store.save("stakeholder-map", {"kim": {"power": 4, "interest": 5}})
        assert list(store.get("stakeholder-map")["kim"]) == ["power", "interest"]

    def test_revision_records_case_version_lang_and_utc_time(self, tmp_path: Path):
        with AnswerStore.open(tmp_path, case_id="samskabelse", case_version="7", lang="en") as store:
            rev = store.save("etik-1", "x")
        assert (rev.case_version, rev.lang) == ("7", "en")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", rev.saved_at)

    def test_answers_survive_closing_and_reopening(self, tmp_path: Path):
        with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
            store.save("etik-2", "gemt")
            learner = store.learner
        with AnswerStore.open(tmp_path, case_id="samskabelse") as again:
            assert again.get("etik-2") == "gemt"
            assert again.learner == learner

    def test_history_cannot_be_rewritten_even_with_sql(self, store: AnswerStore):
        """Append-only is enforced by the file itself, not only by this class."""
        store.save("etik-1", "original")
        conn = sqlite3.connect(store.path)
        try:
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute("UPDATE revisions SET value = '\"changed\"'")
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute("DELETE FROM revisions")
        finally:
            conn.close()
        assert store.get("etik-1") == "original"


@pytest.mark.usefixtures("journal_mode")
class TestThreads:
    """Widget callbacks run on other threads than the one that opened the store: every save lands."""

    def test_save_from_another_thread(self, store: AnswerStore):
        store.save("organisering-1", "fra hovedtråden")  # the first callback runs on the main thread
        errors: list[BaseException] = []

        def callback() -> None:
            try:
                store.save("organisering-1", "fra en anden tråd")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        thread = threading.Thread(target=callback)
        thread.start()
        thread.join()
        assert errors == []
        assert store.get("organisering-1") == "fra en anden tråd"
        store.save("organisering-1", "og tilbage")
        assert len(store.history("organisering-1")) == 3

    def test_thread_pool_saves_are_all_present(self, store: AnswerStore):
        def work(n: int) -> int:
            store.get(f"k{n % 7}")
            return store.save(f"k{n % 7}", f"svar {n}").revision

        with ThreadPoolExecutor(max_workers=8) as pool:
            numbers = list(pool.map(work, range(400)))
        assert len(set(numbers)) == 400
        assert store.count() == 400
        assert all_values(store) == {f"svar {n}" for n in range(400)}


_SAVER = """
import sys, time
from pathlib import Path
from casekit.answers import AnswerStore
folder, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.005)
with AnswerStore.open(folder, case_id="samskabelse") as store:
    for i in range(count):
        store.save(f"{name}-{i % 3}", f"{name} {i}")
"""


@pytest.mark.slow
@pytest.mark.usefixtures("journal_mode")
class TestProcesses:
    """Two notebooks (kernels) writing to one store at once lose nothing."""

    def test_concurrent_processes(self, tmp_path: Path, journal_mode: str):
        folder, go = tmp_path / "answers", tmp_path / "go"
        children = [
            subprocess.Popen(
                [sys.executable, "-c", _SAVER, str(folder), f"p{n}", "60", str(go)], env=_child_env()
            )
            for n in range(4)
        ]
        time.sleep(0.3)  # let all four import casekit, then start them together on a store nobody created yet
        go.touch()
        assert [child.wait(timeout=60) for child in children] == [0, 0, 0, 0]
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.count() == 240
            values = all_values(store)
            assert store.recovered_from is None
            assert store.journal_mode == journal_mode
        assert values == {f"p{n} {i}" for n in range(4) for i in range(60)}
        assert not list(folder.glob("*.corrupt-*"))


_LOOPER = """
import sys
from casekit.answers import AnswerStore
store = AnswerStore.open(sys.argv[1], case_id="samskabelse")
print("ready", flush=True)
i = 0
while True:
    print(store.save(f"k{i % 5}", "tekst æøå " * (i % 50) + str(i)).revision, flush=True)
    i += 1
"""


@pytest.mark.slow
def test_sigkill_loses_no_returned_save(tmp_path: Path, journal_mode: str):
    """A kernel killed right after save() returned loses nothing: every printed revision is on disk."""
    rng = random.Random(20250301)
    folder = tmp_path / "answers"
    deadline = time.monotonic() + 12
    rounds = total = 0
    while rounds < 20 and time.monotonic() < deadline:
        with subprocess.Popen(
            [sys.executable, "-c", _LOOPER, str(folder)], stdout=subprocess.PIPE, text=True, env=_child_env()
        ) as child:
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
            time.sleep(rng.uniform(0.01, 0.15))
            child.send_signal(signal.SIGKILL)
            output = child.stdout.read()
        # Only complete lines count: a number the child printed in full was returned by save().
        printed = [int(line) for line in output.split("\n")[:-1]]
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            on_disk = {r.revision for r in store.revisions()}
            assert store.recovered_from is None
            assert store.journal_mode == journal_mode
        assert journal_mode == "wal" or not Path(f"{store.path}-wal").exists()
        assert set(printed) <= on_disk, f"round {rounds}: lost {sorted(set(printed) - on_disk)}"
        total += len(printed)
        rounds += 1
    assert rounds >= 10 and total > 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_store_used_in_a_forked_child(store: AnswerStore):
    """A store opened before a fork keeps working in both processes (the child opens its own connection)."""
    store.save("etik-1", "før")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            store.save("etik-1", "barn")
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    store.save("etik-1", "efter")
    assert [r.value for r in store.history("etik-1")] == ["før", "barn", "efter"]


def test_far_future_revision_does_not_block_saves(store: AnswerStore):
    """A save after a revision at the end of the calendar gets that same time and wins by its number."""
    end = "9999-12-31T23:59:59.999999+00:00"
    store.import_revisions([Revision("etik-1", "fra fremtiden", end, 0, "1", "da")])
    first = store.save("etik-1", "mit svar")
    second = store.save("etik-1", "mit bedre svar")
    assert first.saved_at == second.saved_at == end
    assert store.get("etik-1") == "mit bedre svar"
    assert [r.value for r in store.history("etik-1")] == ["fra fremtiden", "mit svar", "mit bedre svar"]


@pytest.mark.usefixtures("journal_mode")
class TestReadOnly:
    """read_only=True never creates, moves or changes anything, even where it cannot write."""

    def _filled(self, tmp_path: Path) -> Path:
        folder = tmp_path / "answers"
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            for n in range(5):
                store.save(f"etik-{n % 2}", f"svar {n}")
        return folder

    def test_closed_store_in_a_read_only_folder(self, tmp_path: Path):
        """A store nobody has open is read in a 0o555 folder with every file, byte and mtime unchanged."""
        folder = self._filled(tmp_path)
        before = folder_state(folder)
        with read_only_folder(folder), AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
            assert ro.as_dict() == {"etik-0": "svar 4", "etik-1": "svar 3"}
            assert ro.count() == 5 and ro.learner
            with pytest.raises(AnswerStoreError, match="skrivebeskyttet"):
                ro.save("etik-0", "nej")
            with pytest.raises(AnswerStoreError, match="skrivebeskyttet"):
                ro.import_revisions([Revision("etik-0", "nej", "2025-03-01T10:00:00+00:00", 0, "1", "da")])
        assert folder_state(folder) == before

    def test_store_in_use_is_read_with_its_wal(self, tmp_path: Path):
        """While a notebook has the store open, a read-only opening (mode=ro) sees its latest save."""
        folder = self._filled(tmp_path)
        with AnswerStore.open(folder, case_id="samskabelse") as writer:
            writer.save("etik-0", "nyeste")
            before = folder_state(folder)
            with AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
                assert ro.get("etik-0") == "nyeste"
            assert folder_state(folder) == before

    def test_falls_back_to_immutable_when_mode_ro_cannot_open(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """If mode=ro cannot open the -shm (a read-only folder), the file is read as immutable."""
        folder = self._filled(tmp_path)
        with AnswerStore.open(folder, case_id="samskabelse") as writer:
            writer.save("etik-0", "nyeste")
            real = sqlite3.connect
            uris: list[str] = []

            def connect(database, *args, **kwargs):  # type: ignore[no-untyped-def]
                uris.append(str(database))
                if "mode=ro" in str(database):
                    raise sqlite3.OperationalError("unable to open database file")
                return real(database, *args, **kwargs)

            monkeypatch.setattr(sqlite3, "connect", connect)
            with AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
                assert ro.get("etik-0") == "nyeste"  # checkpointed into the main file
            assert any("immutable=1" in uri for uri in uris)

    @pytest.mark.skipif(IS_ROOT, reason="chmod does not stop root from writing")
    def test_read_only_folder_really_refuses_writing(self, tmp_path: Path):
        """In a 0o555 folder a normal opening cannot write, while a read-only opening still reads."""
        folder = self._filled(tmp_path)
        with read_only_folder(folder):
            with AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
                assert ro.count() == 5
            with pytest.raises(AnswerStoreError), AnswerStore.open(folder, case_id="samskabelse") as rw:
                rw.save("etik-0", "x")

    @pytest.mark.parametrize("damage", [b"Ikke en database", b"SQLite format 3\x00" + b"\xff" * 200])
    def test_damaged_store_is_reported_not_moved(self, tmp_path: Path, damage: bytes):
        """A damaged file opened read-only raises, says where, and is left where and as it was."""
        (tmp_path / "samskabelse.sqlite").write_bytes(damage)
        before = folder_state(tmp_path)
        with pytest.raises(AnswerStoreError, match=r"samskabelse\.sqlite") as info:
            AnswerStore.open(tmp_path, case_id="samskabelse", read_only=True)
        assert "beskadiget" in str(info.value) and "intet er ændret" in str(info.value)
        assert folder_state(tmp_path) == before

    def test_missing_store_creates_nothing(self, tmp_path: Path):
        """A read-only opening of a store that does not exist raises and creates no folder or file."""
        with pytest.raises(AnswerStoreError, match="samskabelse"):
            AnswerStore.open(tmp_path / "answers", case_id="samskabelse", read_only=True)
        assert folder_files(tmp_path) == []

    def test_wal_without_main_file_is_left_alone(self, tmp_path: Path):
        """Read-only does not recover an orphan -wal (that moves files): it says the store is damaged."""
        Path(tmp_path / "samskabelse.sqlite").write_bytes(b"")
        Path(tmp_path / "samskabelse.sqlite-wal").write_bytes(wal_only(tmp_path, ["a"]))
        folder_state = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        with pytest.raises(AnswerStoreError, match="beskadiget"):
            AnswerStore.open(tmp_path, case_id="samskabelse", read_only=True)
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == folder_state


def test_system_errors_are_said_in_catalog_words(tmp_path: Path):
    """An OSError on opening becomes an AnswerStoreError in the catalog's words, naming the path."""
    (tmp_path / "fil").write_text("x")
    with pytest.raises(AnswerStoreError) as info:
        AnswerStore.open(tmp_path / "fil" / "answers", case_id="samskabelse")
    assert "en del af stien er en fil" in str(info.value) and "Errno" not in str(info.value)
    assert isinstance(info.value.__cause__, OSError)


@pytest.mark.usefixtures("journal_mode")
class TestBusy:
    """Another process's long write lock never freezes the kernel: saves wait at most ``wait`` seconds."""

    def test_save_with_wait_raises_busy_in_time(self, store: AnswerStore):
        """save(wait=0.2) under a held lock raises AnswerStoreBusyError within half a second."""
        store.save("etik-1", "før")
        with locked(store.path, 1.5):
            start = time.monotonic()
            with pytest.raises(AnswerStoreBusyError, match="etik-1"):
                store.save("etik-1", "under låsen", wait=0.2)
            assert time.monotonic() - start < 0.5
        assert store.save("etik-1", "efter", wait=0.2).value == "efter"
        assert [r.value for r in store.history("etik-1")] == ["før", "efter"]
