"""The answer store: every save is kept, from any thread or process, through crashes and damaged files."""

from __future__ import annotations

import contextlib
import json
import logging
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
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from casekit.answers import (
    MAX_ANSWER_BYTES,
    MAX_KEYS,
    AnswerStore,
    ImportResult,
    Revision,
    SaveQueue,
    default_answers_dir,
    is_store_file,
    store_file_name,
)
from casekit.clock import format_time
from casekit.errors import AnswerImportError, AnswerStoreBusyError, AnswerStoreError, AnswerTooBigError

pytestmark = pytest.mark.usefixtures("every_revision_exported")


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def mini_case():
    from casekit.loader import load_case_dir

    return load_case_dir(Path(__file__).with_name("data") / "mini")


@pytest.fixture
def store(tmp_path: Path):
    with AnswerStore.open(tmp_path / "answers", case_id="samskabelse") as opened:
        yield opened


@pytest.fixture(params=["wal", "delete"])
def journal_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with WAL and with a rollback journal (set by $CASEKIT_JOURNAL, inherited by children)."""
    monkeypatch.setenv("CASEKIT_JOURNAL", request.param)
    return str(request.param)


def _child_env() -> dict[str, str]:
    """The environment for a child Python: finds casekit in this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def _all_values(store: AnswerStore) -> set:
    """Every value of every revision in the store."""
    return {r.value for r in store.revisions()}


def _snapshot(store: AnswerStore) -> tuple[dict, dict[str, int]]:
    """The latest answers and how many revisions each key has."""
    counts: dict[str, int] = {}
    for rev in store.revisions():
        counts[rev.key] = counts.get(rev.key, 0) + 1
    return store.as_dict(), counts


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


class TestValidation:
    """Bad keys and values that are not JSON get a clear AnswerStoreError naming the key and the type."""

    @pytest.mark.parametrize("key", ["", "Organisering-1", "a b", "æble", "spørgsmål/1", None, 5])
    def test_invalid_key(self, store: AnswerStore, key):
        with pytest.raises(AnswerStoreError, match=re.escape(repr(key))):
            store.save(key, "x")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("value", "type_name"),
        [
            (object(), "object"),
            ({1, 2}, "set"),
            (b"bytes", "bytes"),
            (float("nan"), "NaN"),
            ({(1, 2): "x"}, "tuple"),
        ],
    )
    def test_value_that_is_not_json(self, store: AnswerStore, value, type_name):
        with pytest.raises(AnswerStoreError) as info:
            store.save("stakeholder-map", value)
        assert '"stakeholder-map"' in str(info.value) and type_name in str(info.value)
        assert store.keys() == []

    def test_english_message_for_an_english_store(self, tmp_path: Path):
        with (
            AnswerStore.open(tmp_path, case_id="samskabelse", lang="en") as store,
            pytest.raises(AnswerStoreError, match="cannot be saved"),
        ):
            store.save("etik-1", object())

    def test_invalid_case_id(self, tmp_path: Path):
        with pytest.raises(AnswerStoreError, match="Samskabelse"):
            AnswerStore.open(tmp_path, case_id="Samskabelse")


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
        assert _all_values(store) == {f"svar {n}" for n in range(400)}


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
            values = _all_values(store)
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


class TestImport:
    """Importing merges: nothing in the store is lost, and a bad file changes nothing."""

    def _export(self, store: AnswerStore, tmp_path: Path) -> Path:
        return store.export(tmp_path / "svar.json")

    def test_round_trip_keeps_text_exactly(self, tmp_path: Path):
        """Danish letters, emoji, newlines and an answer just under the size limit survive export → import."""
        big = ("Æblegrød og øllebrød på Ålborg havn 🙂\n" * 3000)[:50_000]
        assert len(json.dumps(big, ensure_ascii=False).encode()) <= MAX_ANSWER_BYTES
        with AnswerStore.open(tmp_path / "a", case_id="samskabelse") as source:
            source.save("organisering-1", "æøå ÆØÅ")
            source.save("organisering-1", "æøå ÆØÅ 🙂👩🏽‍🏫\nlinje to\r\n\ttre")
            source.save("proposal", big)
            source.save("stakeholder-map", {"kim": {"power": 4, "interest": 5}})
            source.save("etik-1", "")
            path = self._export(source, tmp_path)
            expected = source.as_dict()
            expected_history: dict[str, list[tuple]] = {}
            for r in source.revisions():
                expected_history.setdefault(r.key, []).append((r.value, r.saved_at, r.case_version, r.lang))
        assert "æøå ÆØÅ 🙂".encode() in path.read_bytes()  # UTF-8, not \\u escapes
        with AnswerStore.open(tmp_path / "b", case_id="samskabelse") as target:
            result = target.import_file(path)
            assert result == ImportResult(added=5, already_present=0, keys=tuple(sorted(expected)))
            assert target.as_dict() == expected
            assert target.get("proposal") == big
            for key, history in expected_history.items():
                got = [(r.value, r.saved_at, r.case_version, r.lang) for r in target.history(key)]
                assert got == history
                assert {r.source for r in target.history(key)} == {"import"}
            assert target.import_file(path).added == 0  # importing twice adds nothing

    def test_merge_keeps_local_answers_and_newest_wins(self, tmp_path: Path):
        with AnswerStore.open(tmp_path / "a", case_id="samskabelse") as other:
            other.save("etik-1", "fra Binder")
            other.save("etik-2", "kun på Binder")
            path = self._export(other, tmp_path)
        with AnswerStore.open(tmp_path / "b", case_id="samskabelse") as store:
            store.save("etik-1", "på den bærbare")  # saved later than the export's revision
            store.save("etik-3", "kun lokalt")
            store.import_file(path)
            assert store.as_dict() == {
                "etik-1": "på den bærbare",
                "etik-2": "kun på Binder",
                "etik-3": "kun lokalt",
            }
            assert [r.value for r in store.history("etik-1")] == ["fra Binder", "på den bærbare"]

    def test_newer_imported_revision_becomes_the_answer(self, store: AnswerStore, tmp_path: Path):
        """An imported revision from a clock running ahead is the answer, and a later local save wins."""
        store.save("etik-1", "gammel")
        ahead = format_time(datetime.now(timezone.utc) + timedelta(hours=20))
        doc = _document({"etik-1": [("fra fremtiden", ahead)]})
        path = tmp_path / "f.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        store.import_file(path)
        assert store.get("etik-1") == "fra fremtiden"
        # A local save after that is still the answer, even though the clock is "behind" the import.
        rev = store.save("etik-1", "skrevet nu")
        assert store.get("etik-1") == "skrevet nu"
        assert rev.saved_at > ahead

    def test_import_bytes(self, store: AnswerStore):
        doc = _document({"etik-1": [("hej", "2025-03-01T10:00:00Z")]})
        result = store.import_bytes(json.dumps(doc).encode("utf-8"), name="svar.json")
        assert result.added == 1
        assert store.history("etik-1")[0].saved_at == "2025-03-01T10:00:00.000000+00:00"


def _document(entries: dict[str, list[tuple[object, str]]], /, **overrides: object) -> dict:
    """An export document with ``entries`` as {key: [(value, saved_at), ...]}, fields overridden."""
    doc: dict = {
        "format": "casekit-answers",
        "schema_version": 1,
        "case": {"id": "samskabelse", "version": "1", "lang": "da"},
        "learner": "elev-abc123",
        "exported_at": "2025-03-01T10:00:00+00:00",
        "answers": {
            key: {
                "value": history[-1][0],
                "history": [
                    {"value": v, "saved_at": s, "case_version": "1", "lang": "da"} for v, s in history
                ],
            }
            for key, history in entries.items()
        },
    }
    doc.update(overrides)
    return doc


def _good_then(bad_key: str, bad_entry: object) -> bytes:
    """A document whose first answer is fine and whose second is broken: nothing may be written."""
    doc = _document({"aaa-fine": [("fint", "2025-03-01T10:00:00+00:00")]})
    doc["answers"][bad_key] = bad_entry
    return json.dumps(doc).encode("utf-8")


def _entry(**item: object) -> dict:
    base = {"value": "x", "saved_at": "2025-03-01T10:00:00+00:00", "case_version": "1", "lang": "da"}
    base.update(item)
    return {"value": "x", "history": [{k: v for k, v in base.items() if v is not _DROP}]}


_DROP = object()

BAD_FILES = [
    pytest.param(b"{ not json", ["ikke gyldig JSON", "linje 1"], id="not-json"),
    pytest.param('{"format": "Århus"}'.encode("latin-1"), ["UTF-8"], id="not-utf8"),
    pytest.param(b"[1, 2]", ["JSON-objekt", "en liste"], id="top-level-list"),
    pytest.param(json.dumps(_document({}, format="x")).encode(), ['"format"', '"x"'], id="wrong-format"),
    pytest.param(json.dumps({"answers": {}}).encode(), ['"format"'], id="no-format"),
    pytest.param(json.dumps(_document({}, schema_version=2)).encode(), ["nyere", "2"], id="newer-schema"),
    pytest.param(json.dumps(_document({}, schema_version=0)).encode(), ["ukendt", "0"], id="unknown-schema"),
    pytest.param(
        json.dumps(_document({}, schema_version="1")).encode(),
        ["schema_version", "et heltal"],
        id="schema-str",
    ),
    pytest.param(
        json.dumps(_document({}, case={"id": "mini", "version": "1", "lang": "da"})).encode(),
        ['"mini"', '"samskabelse"'],
        id="other-case",
    ),
    pytest.param(
        json.dumps(_document({}, case="samskabelse")).encode(), ['"case"', "et objekt"], id="case-str"
    ),
    pytest.param(
        json.dumps(_document({}, answers=[])).encode(), ['"answers"', "et objekt"], id="answers-list"
    ),
    pytest.param(
        _good_then("etik-1", {"value": "x", "history": "x"}),
        ["answers.etik-1.history", "en liste"],
        id="history-not-list",
    ),
    pytest.param(
        _good_then("etik-1", {"value": "x", "history": []}), ["answers.etik-1.history"], id="history-empty"
    ),
    pytest.param(
        _good_then("etik-1", {"value": "x"}), ["answers.etik-1.history", "mangler"], id="history-missing"
    ),
    pytest.param(_good_then("etik-1", "x"), ["answers.etik-1", "et objekt"], id="entry-not-object"),
    pytest.param(
        _good_then("etik-1", _entry(saved_at=5)),
        ["answers.etik-1.history[0].saved_at", "tekst", "et tal"],
        id="saved-at-number",
    ),
    pytest.param(
        _good_then("etik-1", _entry(saved_at="i går")), ["history[0].saved_at", "i går"], id="saved-at-bad"
    ),
    pytest.param(
        _good_then("etik-1", _entry(saved_at=_DROP)), ["history[0].saved_at", "mangler"], id="no-saved-at"
    ),
    pytest.param(_good_then("etik-1", _entry(value=_DROP)), ["history[0].value", "mangler"], id="no-value"),
    pytest.param(_good_then("etik-1", _entry(lang=3)), ["history[0].lang", "tekst"], id="lang-number"),
    pytest.param(_good_then("Etik 1", _entry()), ['"Etik 1"', "svar-id"], id="bad-key"),
    pytest.param(b'{"format": "casekit-answers", "x": NaN}', ["JSON"], id="nan"),
]


class TestImportRefusals:
    """Each kind of bad file is refused with a message that says what and where; the store is unchanged."""

    @pytest.mark.parametrize(("content", "expected"), BAD_FILES)
    def test_bad_file(self, store: AnswerStore, tmp_path: Path, content: bytes, expected: list[str]):
        store.save("etik-1", "mit svar")
        store.save("etik-1", "mit bedre svar")
        before = _snapshot(store)
        path = tmp_path / "upload.json"
        path.write_bytes(content)
        with pytest.raises(AnswerImportError) as info:
            store.import_file(path)
        message = str(info.value)
        assert "upload.json" in message
        for piece in expected:
            assert piece in message
        assert _snapshot(store) == before
        with pytest.raises(AnswerImportError):
            store.import_bytes(content, name="upload.json")
        assert _snapshot(store) == before

    def test_huge_file_is_refused_before_reading(self, store: AnswerStore, tmp_path: Path, monkeypatch):
        path = tmp_path / "huge.json"
        with path.open("wb") as fh:
            fh.truncate(20 * 1024 * 1024 + 1)  # sparse: costs no disk

        def no_reading(self: Path) -> bytes:  # pragma: no cover - must not be called
            raise AssertionError("the file was read before its size was checked")

        monkeypatch.setattr(Path, "read_bytes", no_reading)
        with pytest.raises(AnswerImportError, match="for stor"):
            store.import_file(path)
        with pytest.raises(AnswerImportError, match="20,0 MB"):
            store.import_bytes(b" " * (20 * 1024 * 1024 + 1))
        assert store.count() == 0

    def test_missing_file(self, store: AnswerStore, tmp_path: Path):
        with pytest.raises(AnswerImportError, match=r"findes-ikke\.json"):
            store.import_file(tmp_path / "findes-ikke.json")

    def test_message_in_the_store_language(self, tmp_path: Path):
        with (
            AnswerStore.open(tmp_path, case_id="samskabelse", lang="en") as store,
            pytest.raises(AnswerImportError, match="is not valid JSON"),
        ):
            store.import_bytes(b"nope", name="x.json")

    def test_byte_order_mark_is_accepted(self, store: AnswerStore):
        doc = _document({"etik-1": [("hej", "2025-03-01T10:00:00+00:00")]})
        assert store.import_bytes("\ufeff".encode() + json.dumps(doc).encode()).added == 1


# -- the store's safeguards ----------------------------------------------------------------------------------
def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


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


def _wal_only(tmp_path: Path, values: list[str]) -> bytes:
    """The -wal of a store whose every revision is still only in the -wal (as an older casekit left it)."""
    from casekit import answers

    source = tmp_path / "wal-source" / "samskabelse.sqlite"
    source.parent.mkdir()
    conn = sqlite3.connect(source, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    for statement in answers._split_sql(answers._SCHEMA):
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("format", "casekit-answer-store"),
            ("store_schema", "1"),
            ("case_id", "samskabelse"),
            ("learner", "elev-abc123"),
            ("created_at", "2025-03-01T09:00:00.000000+00:00"),
        ],
    )
    for n, text in enumerate(values):
        conn.execute(
            "INSERT INTO revisions (key, value, saved_at, case_version, lang, source)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (f"etik-{n % 3}", json.dumps(text), f"2025-03-01T09:{n:02d}:00.000000+00:00", "1", "da", "local"),
        )
    wal = Path(f"{source}-wal").read_bytes()
    conn.close()
    return wal


class TestWalWithoutMainFile:
    """A -wal beside an empty or missing main file is damage: both are kept, and the answers recovered."""

    @pytest.mark.parametrize("main", ["empty", "missing"])
    def test_answers_are_recovered_from_the_wal(self, tmp_path: Path, main: str):
        """The main file and -wal are moved aside as found, and the -wal's revisions start the new store."""
        values = [f"svar {n} æøå" for n in range(12)]
        wal = _wal_only(tmp_path, values)
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


def test_far_future_revision_does_not_block_saves(store: AnswerStore):
    """A save after a revision at the end of the calendar gets that same time and wins by its number."""
    end = "9999-12-31T23:59:59.999999+00:00"
    store.import_revisions([Revision("etik-1", "fra fremtiden", end, 0, "1", "da")])
    first = store.save("etik-1", "mit svar")
    second = store.save("etik-1", "mit bedre svar")
    assert first.saved_at == second.saved_at == end
    assert store.get("etik-1") == "mit bedre svar"
    assert [r.value for r in store.history("etik-1")] == ["fra fremtiden", "mit svar", "mit bedre svar"]


class TestUnstorableText:
    """Text UTF-8 cannot hold (lone surrogates) is saved with U+FFFD in their place, and counted."""

    def test_lone_surrogate_is_replaced(self, store: AnswerStore):
        """A half-pasted emoji is saved as U+FFFD, the rest of the text kept, and the count reported."""
        rev = store.save("etik-1", "abc\ud83d")
        assert rev.value == "abc\ufffd" and rev.replaced == 1
        assert store.get("etik-1") == "abc\ufffd"

    def test_surrogates_everywhere_in_a_value(self, store: AnswerStore):
        """Pairs are joined; lone halves in list items and mapping keys are replaced; keys stay distinct."""
        high, other_high = chr(0xD83D), chr(0xD83E)
        value = {"a" + high: ["x\ude00", "\ud83d\ude00"], "a" + other_high: "ok", "plain": "\ufffd"}
        rev = store.save("stakeholder-map", value)
        assert rev.replaced == 3
        assert store.get("stakeholder-map") == {
            "a\ufffd": ["x\ufffd", "😀"],
            "a\ufffd\ufffd": "ok",
            "plain": "\ufffd",
        }
        assert store.save("etik-2", "😀 og \ufffd").replaced == 0


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
        assert file.read_bytes() == content and _files(tmp_path) == ["noter.txt"]
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


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` with its bytes and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


@contextlib.contextmanager
def _read_only_folder(folder: Path):
    """``folder`` and its files made read-only (0o555/0o444) while the block runs."""
    files = list(folder.iterdir())
    for p in files:
        p.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(0o755)
        for p in files:
            p.chmod(0o644)


_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


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
        before = _state(folder)
        with _read_only_folder(folder), AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
            assert ro.as_dict() == {"etik-0": "svar 4", "etik-1": "svar 3"}
            assert ro.count() == 5 and ro.learner
            with pytest.raises(AnswerStoreError, match="skrivebeskyttet"):
                ro.save("etik-0", "nej")
            with pytest.raises(AnswerStoreError, match="skrivebeskyttet"):
                ro.import_revisions([Revision("etik-0", "nej", "2025-03-01T10:00:00+00:00", 0, "1", "da")])
        assert _state(folder) == before

    def test_store_in_use_is_read_with_its_wal(self, tmp_path: Path):
        """While a notebook has the store open, a read-only opening (mode=ro) sees its latest save."""
        folder = self._filled(tmp_path)
        with AnswerStore.open(folder, case_id="samskabelse") as writer:
            writer.save("etik-0", "nyeste")
            before = _state(folder)
            with AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
                assert ro.get("etik-0") == "nyeste"
            assert _state(folder) == before

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

    @pytest.mark.skipif(_ROOT, reason="chmod does not stop root from writing")
    def test_read_only_folder_really_refuses_writing(self, tmp_path: Path):
        """In a 0o555 folder a normal opening cannot write, while a read-only opening still reads."""
        folder = self._filled(tmp_path)
        with _read_only_folder(folder):
            with AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
                assert ro.count() == 5
            with pytest.raises(AnswerStoreError), AnswerStore.open(folder, case_id="samskabelse") as rw:
                rw.save("etik-0", "x")

    @pytest.mark.parametrize("damage", [b"Ikke en database", b"SQLite format 3\x00" + b"\xff" * 200])
    def test_damaged_store_is_reported_not_moved(self, tmp_path: Path, damage: bytes):
        """A damaged file opened read-only raises, says where, and is left where and as it was."""
        (tmp_path / "samskabelse.sqlite").write_bytes(damage)
        before = _state(tmp_path)
        with pytest.raises(AnswerStoreError, match=r"samskabelse\.sqlite") as info:
            AnswerStore.open(tmp_path, case_id="samskabelse", read_only=True)
        assert "beskadiget" in str(info.value) and "intet er ændret" in str(info.value)
        assert _state(tmp_path) == before

    def test_missing_store_creates_nothing(self, tmp_path: Path):
        """A read-only opening of a store that does not exist raises and creates no folder or file."""
        with pytest.raises(AnswerStoreError, match="samskabelse"):
            AnswerStore.open(tmp_path / "answers", case_id="samskabelse", read_only=True)
        assert _files(tmp_path) == []

    def test_wal_without_main_file_is_left_alone(self, tmp_path: Path):
        """Read-only does not recover an orphan -wal (that moves files): it says the store is damaged."""
        Path(tmp_path / "samskabelse.sqlite").write_bytes(b"")
        Path(tmp_path / "samskabelse.sqlite-wal").write_bytes(_wal_only(tmp_path, ["a"]))
        folder_state = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        with pytest.raises(AnswerStoreError, match="beskadiget"):
            AnswerStore.open(tmp_path, case_id="samskabelse", read_only=True)
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == folder_state


class TestCannotMoveAside:
    """A damaged store that cannot be moved aside is reported from the catalog; nothing is changed."""

    def test_failed_move_is_undone_and_reported(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        """If the -wal cannot be moved after the main file was, the main file is moved back."""
        from casekit import answers

        (tmp_path / "samskabelse.sqlite").write_bytes(b"skrald")
        (tmp_path / "samskabelse.sqlite-wal").write_bytes(b"wal")
        before = _state(tmp_path)
        real = answers._rename_no_overwrite

        def rename(source: Path, target: Path) -> bool:
            if source.name.endswith("-wal"):
                raise PermissionError(13, "Permission denied", str(source))
            return real(source, target)

        monkeypatch.setattr(answers, "_rename_no_overwrite", rename)
        with pytest.raises(AnswerStoreError, match=r"samskabelse\.sqlite") as info:
            AnswerStore.open(tmp_path, case_id="samskabelse")
        message = str(info.value)
        assert "flyttes til side" in message and "ikke adgang" in message and "Errno" not in message
        assert isinstance(info.value.__cause__, PermissionError)
        assert {n: b for n, (b, _) in _state(tmp_path).items()} == {n: b for n, (b, _) in before.items()}

    @pytest.mark.skipif(_ROOT, reason="chmod does not stop root from renaming")
    def test_damaged_store_in_a_read_only_folder(self, tmp_path: Path):
        """In a 0o555 folder a damaged store raises AnswerStoreError, not PermissionError."""
        (tmp_path / "samskabelse.sqlite").write_bytes(b"skrald")
        before = _state(tmp_path)
        with _read_only_folder(tmp_path), pytest.raises(AnswerStoreError, match="flyttes til side"):
            AnswerStore.open(tmp_path, case_id="samskabelse")
        assert _state(tmp_path) == before


def test_system_errors_are_said_in_catalog_words(tmp_path: Path):
    """An OSError on opening becomes an AnswerStoreError in the catalog's words, naming the path."""
    (tmp_path / "fil").write_text("x")
    with pytest.raises(AnswerStoreError) as info:
        AnswerStore.open(tmp_path / "fil" / "answers", case_id="samskabelse")
    assert "en del af stien er en fil" in str(info.value) and "Errno" not in str(info.value)
    assert isinstance(info.value.__cause__, OSError)


@contextlib.contextmanager
def _locked(path: Path, seconds: float):
    """Another connection holds a write transaction (BEGIN IMMEDIATE) on ``path`` for ``seconds``."""
    started = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        started.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(5)
    try:
        yield
    finally:
        thread.join()


@pytest.mark.usefixtures("journal_mode")
class TestBusy:
    """Another process's long write lock never freezes the kernel: saves wait at most ``wait`` seconds."""

    def test_save_with_wait_raises_busy_in_time(self, store: AnswerStore):
        """save(wait=0.2) under a held lock raises AnswerStoreBusyError within half a second."""
        store.save("etik-1", "før")
        with _locked(store.path, 1.5):
            start = time.monotonic()
            with pytest.raises(AnswerStoreBusyError, match="etik-1"):
                store.save("etik-1", "under låsen", wait=0.2)
            assert time.monotonic() - start < 0.5
        assert store.save("etik-1", "efter", wait=0.2).value == "efter"
        assert [r.value for r in store.history("etik-1")] == ["før", "efter"]

    def test_queue_saves_after_the_lock_in_order(self, store: AnswerStore):
        """Under a 3 s lock submit returns within ~1.5 s; queued saves land afterwards, in order."""
        store.save("etik-1", "før")
        queue = SaveQueue(store, wait=1.0)
        done: list[tuple[object, object]] = []
        with _locked(store.path, 3.0):
            start = time.monotonic()
            assert queue.submit("etik-1", "første", lambda rev, err: done.append((rev, err))) is None
            assert time.monotonic() - start < 1.5
            assert queue.submit("etik-1", "anden", lambda rev, err: done.append((rev, err))) is None
            assert queue.pending() == 2
        assert queue.flush(10)
        assert queue.pending() == 0
        assert [r.value for r in store.history("etik-1")] == ["før", "første", "anden"]
        assert [(rev.value, err) for rev, err in done] == [("første", None), ("anden", None)]  # type: ignore[attr-defined]

    def test_flush_returns_after_on_done(self, store: AnswerStore):
        """flush() returns once the queued save's on_done has run (the status line says "Gemt" by then)."""
        queue = SaveQueue(store, wait=0.2, retry=0.05)
        finished: list[str] = []

        def slow_on_done(rev: object, err: object) -> None:
            time.sleep(0.3)
            finished.append("on_done")

        with _locked(store.path, 0.5):
            assert queue.submit("etik-1", "kø", slow_on_done) is None
        assert queue.flush(10)
        assert finished == ["on_done"]

    def test_queue_saves_at_once_when_free(self, store: AnswerStore):
        """A submit to a free store saves at once, returns the revision and does not call on_done."""
        calls: list[object] = []
        rev = SaveQueue(store).submit("etik-1", "nu", lambda *a: calls.append(a))
        assert isinstance(rev, Revision) and rev.value == "nu" and calls == []
        with pytest.raises(AnswerStoreError, match="'Etik'"):
            SaveQueue(store).submit("Etik", "x", lambda *a: None)

    def test_queue_keeps_a_failed_save_and_retries(
        self, store: AnswerStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ):
        """A queued save that fails is reported, kept and retried; an on_done that raises is only logged."""
        queue = SaveQueue(store, wait=0.1, retry=0.05, max_backoff=0.2)
        real = store.save
        failures = iter([AnswerStoreBusyError("busy"), AnswerStoreError("disk"), AnswerStoreError("disk")])

        def flaky(key: str, value: object, *, wait: float | None = None) -> Revision:
            error = next(failures, None)
            if error is not None:
                raise error
            return real(key, value, wait=wait)

        monkeypatch.setattr(store, "save", flaky)
        seen: list[tuple[object, object]] = []

        def on_done(rev: object, err: object) -> None:
            seen.append((rev, err))
            raise RuntimeError("a broken callback")

        with caplog.at_level(logging.WARNING, logger="casekit.answers"):
            assert queue.submit("etik-1", "vedholdende", on_done) is None
            assert queue.flush(10)
        assert [type(err).__name__ for _, err in seen] == ["AnswerStoreError", "AnswerStoreError", "NoneType"]
        assert seen[-1][0].value == "vedholdende"  # type: ignore[attr-defined]
        assert store.get("etik-1") == "vedholdende"
        assert any("on_done" in r.getMessage() for r in caplog.records)


class TestSizeLimits:
    """One answer is at most MAX_ANSWER_BYTES of JSON; a store holds at most MAX_KEYS different answers."""

    def test_too_big_answer_is_refused(self, store: AnswerStore):
        """A value over the limit raises AnswerTooBigError naming the key, its size and the limit."""
        store.save("proposal", "x" * (MAX_ANSWER_BYTES - 2))  # the quotes make it exactly the limit
        with pytest.raises(AnswerTooBigError, match="proposal") as info:
            store.save("proposal", "æ" * MAX_ANSWER_BYTES)
        assert "128,0 KB" in str(info.value) and "64,0 KB" in str(info.value)
        assert store.count() == 1

    def test_too_many_keys_are_refused(self, store: AnswerStore):
        """The key after the MAX_KEYS-th is refused; the existing keys can still be saved."""
        for n in range(MAX_KEYS):
            store.save(f"k{n}", "x")
        with pytest.raises(AnswerTooBigError, match=rf"k-ny.*{MAX_KEYS}"):
            store.save("k-ny", "x")
        with pytest.raises(AnswerTooBigError, match="k-ny"):
            SaveQueue(store).submit("k-ny", "x", lambda *a: None)
        assert store.save("k0", "y").value == "y"

    def test_import_over_the_limits_writes_nothing(self, store: AnswerStore):
        """An import with a value too big, or too many new keys, is refused whole, the key named."""
        store.save("etik-1", "mit svar")
        at = "2025-03-01T10:00:00.000000+00:00"
        big = [
            Revision("etik-2", "ok", at, 0, "1", "da"),
            Revision("etik-3", "x" * MAX_ANSWER_BYTES, at, 0, "1", "da"),
        ]
        with pytest.raises(AnswerTooBigError, match="etik-3"):
            store.import_revisions(big)
        many = [Revision(f"k{n}", "x", at, 0, "1", "da") for n in range(MAX_KEYS)]
        with pytest.raises(AnswerTooBigError, match=f"k{MAX_KEYS - 1}"):
            store.import_revisions(many)
        assert store.count() == 1 and store.keys() == ["etik-1"]


def test_new_errors_are_public():
    """The new error classes are AnswerStoreErrors and exported from casekit."""
    import casekit

    assert issubclass(casekit.AnswerStoreBusyError, AnswerStoreError)
    assert issubclass(casekit.AnswerTooBigError, AnswerStoreError)
    assert {"AnswerStoreBusyError", "AnswerTooBigError"} <= set(casekit.__all__)


# -- network and FUSE folders: a rollback journal instead of WAL ---------------------------------------------
_MOUNTS = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/l1,upperdir=/var/lib/u,workdir=/var/lib/w
40 27 0:60 / /home rw,relatime shared:5 - autofs auto.home rw,fd=7
41 40 0:61 /export/home /home rw,relatime shared:6 - nfs4 srv:/export/home rw,vers=4.2,sec=sys
42 41 8:1 / /home/kim/scratch rw,relatime - ext4 /dev/sda1 rw
43 27 0:62 / /mnt/my\040drive rw,nosuid,nodev master:3 - fuse.sshfs kim@host:/data rw,user_id=1000
44 27 0:63 / /srv/data rw - cifs //nas/data rw,vers=3.0
broken line without a separator
"""


class TestNetworkFolder:
    """On NFS, SMB or FUSE the store keeps a rollback journal instead of WAL, with the same guarantees."""

    def test_mountinfo_parser(self):
        """Mount points are unescaped (\\040: a space) and paired with their fstype; bad lines are skipped."""
        from casekit import answers

        mounts = answers._parse_mountinfo(_MOUNTS)
        assert ("/mnt/my drive", "fuse.sshfs") in mounts
        assert mounts[:2] == [("/proc", "proc"), ("/", "overlay")]
        assert ("/home", "autofs") in mounts and ("/home", "nfs4") in mounts and len(mounts) == 7

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ("/home/kim/answers", "nfs4"),  # the nfs4 mount on top of the autofs one wins
            ("/home/kim/scratch/answers", None),  # a local disk under an nfs parent
            ("/mnt/my drive/case", "fuse.sshfs"),
            ("/srv/data", "cifs"),
            ("/srv/database", None),  # a prefix of the name is not a parent folder
            ("/tmp/answers", None),  # the overlay root
        ],
    )
    def test_network_filesystem_on_sample_mountinfo(self, path: str, expected: str | None):
        """The longest mount point that is a parent of the folder decides; only network/FUSE types count."""
        from casekit.answers import network_filesystem

        assert network_filesystem(path, mountinfo=_MOUNTS) == expected

    def test_without_proc_the_folder_is_local(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        """Where /proc/self/mountinfo cannot be read (macOS, Windows), the folder counts as local."""
        from casekit import answers

        monkeypatch.setattr(answers, "_MOUNTINFO", str(tmp_path / "no-such-file"))
        assert answers.network_filesystem(tmp_path) is None

    def test_detected_network_folder_gets_a_rollback_journal(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """A folder the mountinfo says is on nfs4 gets journal_mode=delete, and saves leave no -wal."""
        from casekit import answers

        folder = tmp_path / "answers"
        folder.mkdir()
        mountinfo = tmp_path / "mountinfo"
        mountinfo.write_text(
            "27 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
            f"41 27 0:61 / {str(folder).replace(' ', chr(92) + '040')} rw - nfs4 srv:/home rw\n"
        )
        monkeypatch.delenv("CASEKIT_JOURNAL", raising=False)
        monkeypatch.setattr(answers, "_MOUNTINFO", str(mountinfo))
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.journal_mode == "delete"
            for n in range(10):
                store.save(f"etik-{n % 3}", f"svar {n}")
            assert not Path(f"{store.path}-wal").exists() and not Path(f"{store.path}-shm").exists()
            conn = sqlite3.connect(store.path)
            try:
                assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
                assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # a new connection: FULL
            finally:
                conn.close()
            with store._connection() as own:
                assert own.execute("PRAGMA synchronous").fetchone() == (3,)  # the store's: EXTRA
        assert _files(folder) == ["samskabelse.sqlite"]
        with AnswerStore.open(folder, case_id="samskabelse", read_only=True) as ro:
            assert ro.count() == 10 and ro.journal_mode == "delete"

    @pytest.mark.parametrize(
        ("env", "network", "expected"),
        [
            ("wal", "nfs4", "wal"),
            ("delete", None, "delete"),
            ("DELETE ", None, "delete"),
            ("auto", "fuse.sshfs", "delete"),
            ("auto", None, "wal"),
            ("", "cifs", "delete"),
            ("bogus", None, "wal"),
        ],
    )
    def test_casekit_journal_overrides_the_detection(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str, network: str | None, expected: str
    ):
        """CASEKIT_JOURNAL=wal or delete wins over the detection; auto, empty or unknown values detect."""
        from casekit import answers

        monkeypatch.setenv("CASEKIT_JOURNAL", env)
        monkeypatch.setattr(answers, "network_filesystem", lambda path, mountinfo=None: network)
        with AnswerStore.open(tmp_path, case_id="samskabelse") as store:
            store.save("etik-1", "x")
            assert store.journal_mode == expected
        assert Path(f"{store.path}-wal").exists() is False  # closed: WAL leaves none behind either

    def test_wal_store_is_switched_when_free_and_keeps_every_answer(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ):
        """A WAL store opened where a rollback journal is wanted stays WAL while another notebook has it
        open (logged, the open does not fail), and is switched, every answer kept, once it is free."""
        folder = tmp_path / "answers"
        monkeypatch.setenv("CASEKIT_JOURNAL", "wal")
        first = AnswerStore.open(folder, case_id="samskabelse")
        for n in range(20):
            first.save(f"k{n % 4}", f"svar {n}")
        monkeypatch.setenv("CASEKIT_JOURNAL", "delete")
        with caplog.at_level(logging.WARNING, logger="casekit.answers"):
            second = AnswerStore.open(folder, case_id="samskabelse")
        with second:
            assert second.journal_mode == "wal"
            second.save("k9", "fra den anden")
        assert any("kept its wal journal" in r.getMessage() for r in caplog.records)
        first.save("k0", "sidst")
        expected = first.as_dict()
        first.close()
        with AnswerStore.open(folder, case_id="samskabelse") as switched:
            assert switched.journal_mode == "delete"
            assert switched.count() == 22 and switched.as_dict() == expected
        assert _files(folder) == ["samskabelse.sqlite"]
        monkeypatch.setenv("CASEKIT_JOURNAL", "wal")  # and back again on a local disk
        with AnswerStore.open(folder, case_id="samskabelse") as back:
            assert back.journal_mode == "wal" and back.count() == 22

    def test_answers_only_in_the_wal_survive_the_switch(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """A WAL store whose last answers are only in its -wal keeps them when switched to DELETE."""
        import shutil

        source = tmp_path / "source" / "samskabelse.sqlite"
        with AnswerStore.open(source, case_id="samskabelse") as store:
            store.save("etik-0", "i hovedfilen")
            raw = sqlite3.connect(source, isolation_level=None)
            raw.execute("PRAGMA wal_autocheckpoint = 0")
            for n in range(5):
                raw.execute(
                    "INSERT INTO revisions (key, value, saved_at, case_version, lang, source)"
                    " VALUES (?, ?, ?, '1', 'da', 'local')",
                    (f"etik-{n + 1}", json.dumps(f"kun i -wal {n}"), f"2025-03-01T09:0{n}:00.000000+00:00"),
                )
            target = tmp_path / "answers"
            target.mkdir()
            for extra in ("", "-wal"):  # as a copy taken while the notebook ran
                shutil.copyfile(f"{source}{extra}", target / f"samskabelse.sqlite{extra}")
            raw.close()
        assert (target / "samskabelse.sqlite-wal").stat().st_size > 0
        monkeypatch.setenv("CASEKIT_JOURNAL", "delete")
        with AnswerStore.open(target, case_id="samskabelse") as switched:
            assert switched.journal_mode == "delete" and switched.recovered_from is None
            assert switched.count() == 6 and switched.get("etik-5") == "kun i -wal 4"
        assert _files(target) == ["samskabelse.sqlite"]

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
        before = _state(folder)
        with pytest.raises(AnswerStoreError, match="afbrudt"):
            AnswerStore.open(folder, case_id="samskabelse", read_only=True)
        assert _state(folder) == before
        with AnswerStore.open(folder, case_id="samskabelse") as store:
            assert store.recovered_from is None and store.count() == 6 and store.keys() == ["k0", "k1", "k2"]
        assert _files(folder) == ["samskabelse.sqlite"]

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
            assert _all_values(store) == {f"svar {n}" for n in range(6)}
            assert "-journal" in (store.recovery_message() or "")
            assert store.journal_mode == "delete"
