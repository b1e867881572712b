"""The answer store: every save is kept, from any thread or process, through crashes and damaged files."""

from __future__ import annotations

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
from pathlib import Path

import pytest

from casekit.answers import (
    AnswerStore,
    ImportResult,
    Revision,
    default_answers_dir,
    store_file_name,
)
from casekit.errors import AnswerImportError, AnswerStoreError

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
class TestProcesses:
    """Two notebooks (kernels) writing to one store at once lose nothing."""

    def test_concurrent_processes(self, tmp_path: Path):
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
def test_sigkill_loses_no_returned_save(tmp_path: Path):
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
    def test_damaged_file_is_moved_aside(self, tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture):
        damaged = {
            "truncated": lambda: self._truncated(tmp_path),
            "random": lambda: random.Random(7).randbytes(6000),
            "text": lambda: b"Dette er ikke en database.\n",
        }[kind]()
        folder = tmp_path / "answers"
        folder.mkdir()
        file = folder / "samskabelse.sqlite"
        file.write_bytes(damaged)
        (folder / "samskabelse.sqlite-wal").write_bytes(b"wal bytes")

        with caplog.at_level(logging.WARNING, logger="casekit.answers"):
            store = AnswerStore.open(folder, case_id="samskabelse")
        with store:
            moved = store.recovered_from
            assert moved is not None and moved.parent == folder
            assert re.fullmatch(r"samskabelse\.corrupt-\d{8}T\d{6}Z\.sqlite", moved.name)
            assert moved.read_bytes() == damaged
            assert Path(f"{moved}-wal").read_bytes() == b"wal bytes"
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
        """Danish letters, emoji, newlines and 1 MB of text survive export → import unchanged."""
        big = ("Æblegrød og øllebrød på Ålborg havn 🙂\n" * 30000)[:1_000_000]
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
        store.save("etik-1", "gammel")
        doc = _document({"etik-1": [("fra fremtiden", "2999-01-01T00:00:00+00:00")]})
        path = tmp_path / "f.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        store.import_file(path)
        assert store.get("etik-1") == "fra fremtiden"
        # A local save after that is still the answer, even though the clock is "behind" the import.
        rev = store.save("etik-1", "skrevet nu")
        assert store.get("etik-1") == "skrevet nu"
        assert rev.saved_at > "2999-01-01T00:00:00"

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
