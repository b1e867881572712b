"""The export document both ways: an export imports again exactly, a bad file is refused with a message
that says what and where, and nothing is written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from casekit.answers import MAX_ANSWER_BYTES, AnswerStore, ImportResult, Revision, document
from casekit.answers.document import AnswerExport, export_json, parse_import
from casekit.clock import format_time
from casekit.errors import AnswerImportError

pytestmark = pytest.mark.usefixtures("every_revision_exported")


def _snapshot(store: AnswerStore) -> tuple[dict, dict[str, int]]:
    """The latest answers and how many revisions each key has."""
    counts: dict[str, int] = {}
    for rev in store.revisions():
        counts[rev.key] = counts.get(rev.key, 0) + 1
    return store.as_dict(), counts


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


class TestJson:
    """The JSON export follows the documented schema (docs/answers-format.md), version 1."""

    def test_document_shape(self, store: AnswerStore):
        store.save("organisering-1", "første")
        store.save("organisering-1", "anden æøå")
        doc = json.loads(export_json(store))
        assert doc["format"] == "casekit-answers"
        assert doc["schema_version"] == 1
        assert doc["case"] == {"id": "samskabelse", "version": store.case_version, "lang": "da"}
        assert doc["learner"] == store.learner
        assert doc["exported_at"].endswith("+00:00")
        entry = doc["answers"]["organisering-1"]
        assert entry["value"] == "anden æøå"
        assert [h["value"] for h in entry["history"]] == ["første", "anden æøå"]
        assert set(entry["history"][0]) == {"value", "saved_at", "case_version", "lang"}

    def test_parse_import_of_an_export(self, store: AnswerStore):
        store.save("etik-1", "a")
        store.save("etik-1", "b")
        parsed = parse_import(export_json(store).encode("utf-8"), case_id="samskabelse")
        assert isinstance(parsed, AnswerExport)
        assert parsed.as_dict() == {"etik-1": "b"}
        assert [r.source for r in parsed.revisions] == ["import", "import"]

    def test_parse_import_refuses_another_case_in_english(self, store: AnswerStore):
        with pytest.raises(AnswerImportError, match='holds answers to the case "samskabelse", not to "mini"'):
            parse_import(export_json(store), case_id="mini", lang="en", name="x.json")


class TestBursts:
    """An export keeps how each answer stood at every pause, not every keystroke; the store keeps all."""

    def _revisions(self, times: list[str]) -> list[Revision]:
        return [Revision("etik-1", f"v{i}", at, i + 1, "1", "da") for i, at in enumerate(times)]

    def test_typing_burst_exports_as_its_last_revision(self, store: AnswerStore, monkeypatch):
        monkeypatch.setattr(document, "BURST_SECONDS", 60)
        for text in ("T", "Ty", "Typ", "Type"):
            store.save("etik-1", text)
        doc = json.loads(export_json(store))
        assert [h["value"] for h in doc["answers"]["etik-1"]["history"]] == ["Type"]
        assert len(store.history("etik-1")) == 4

    def test_pauses_separate_bursts(self):
        times = [
            "2026-01-01T10:00:00+00:00",
            "2026-01-01T10:00:05+00:00",
            "2026-01-01T10:03:00+00:00",
            "2026-01-02T09:00:00+00:00",
        ]
        kept = document.settled(self._revisions(times), burst_seconds=60)
        assert [r.value for r in kept] == ["v1", "v2", "v3"]

    def test_each_key_keeps_its_latest(self):
        revs = [
            Revision("a", 1, "2026-01-01T10:00:00+00:00", 1, "1", "da"),
            Revision("b", 2, "2026-01-01T10:00:01+00:00", 2, "1", "da"),
        ]
        assert document.settled(revs, burst_seconds=60) == revs
        assert document.settled([]) == []


class TestEdges:
    """Imports refuse what an export cannot honestly carry; exports always import again."""

    @staticmethod
    def _doc(saved_at: str = "2025-03-01T10:00:00Z", value: object = "svar", key: str = "etik-1") -> bytes:
        history = [{"value": value, "saved_at": saved_at}]
        doc = {
            "format": "casekit-answers",
            "schema_version": 1,
            "case": {"id": "samskabelse", "version": "1", "lang": "da"},
            "answers": {key: {"value": value, "history": history}},
        }
        return json.dumps(doc).encode("utf-8")

    @pytest.mark.parametrize(
        "saved_at", ["9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00+01:00", "2400-01-01T00:00:00Z"]
    )
    def test_times_beyond_the_calendar_or_far_ahead_are_refused(self, store: AnswerStore, saved_at: str):
        """In a file that is not the store's own copy, a time at the calendar's edge or years ahead is refused
        with the field named; nothing is stored."""
        store.save("etik-2", "mit svar")
        with pytest.raises(AnswerImportError, match=r"history\[0\]\.saved_at"):
            store.import_bytes(self._doc(saved_at), name="f.json")
        assert store.count() == 1

    def test_a_learners_own_copy_saved_days_ahead_comes_back(self, store: AnswerStore, tmp_path: Path):
        """Answers saved while the learner's clock ran days ahead are in their export and browser copy; once
        the clock is right they import into the store they came from, and into a new store (a Binder session
        that died), but a store of other answers still refuses another's file with such times."""
        ahead = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
        store.save("etik-2", "i dag")
        store.import_revisions([Revision("etik-1", "skrevet med uret foran", ahead, 0, "1", "da")])
        own = export_json(store).encode("utf-8")
        assert store.import_bytes(own).already_present == 2  # its own copy: nothing refused, nothing twice
        with AnswerStore.open(tmp_path / "ny", case_id="samskabelse") as fresh:
            assert fresh.import_bytes(own).added == 2
            assert fresh.get("etik-1") == "skrevet med uret foran" and fresh.identity() == store.identity()
        with AnswerStore.open(tmp_path / "en-anden", case_id="samskabelse") as other:
            other.save("etik-3", "mit eget")
            with pytest.raises(AnswerImportError, match=r"etik-1\.history\[0\]\.saved_at"):
                other.import_bytes(own, name="f.json")
            assert other.count() == 1

    def test_a_clock_a_day_ahead_is_accepted(self, store: AnswerStore):
        """Another machine's clock a day ahead is honest: its revision is taken."""
        from datetime import datetime, timedelta, timezone

        ahead = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
        assert store.import_bytes(self._doc(ahead)).added == 1

    def test_a_value_nested_300_deep_is_refused(self, store: AnswerStore):
        """An answer nested far deeper than any activity saves is refused, naming its key."""
        value: list = []
        inner = value
        for _ in range(300):
            inner.append([])
            inner = inner[0]
        with pytest.raises(AnswerImportError, match="something"):
            store.import_bytes(self._doc(value=value, key="something"), name="f.json")
        assert store.count() == 0

    def test_duplicate_keys_are_refused(self, store: AnswerStore):
        """Two values under one key in a JSON object: unclear which counts, so the file is refused."""
        content = self._doc().replace(b'"answers": {', b'"answers": {"etik-1": {"history": []}, ', 1)
        with pytest.raises(AnswerImportError, match="to gange"):
            store.import_bytes(content, name="f.json")

    def test_a_large_store_exports_to_a_file_that_imports_again(self, store: AnswerStore, tmp_path: Path):
        """However much history a store holds, its export fits the import limit and brings every answer."""
        text = "x" * 40_000
        revisions = [
            Revision(
                f"q-{k}",
                f"{k}-{n} {text}",
                f"2025-03-{1 + n // 24:02d}T{n % 24:02d}:00:00.000000+00:00",
                0,
                "1",
                "da",
            )
            for k in range(20)
            for n in range(40)
        ]
        store.import_revisions(revisions)
        exported = export_json(store)
        assert len(exported.encode("utf-8")) <= document.MAX_IMPORT_BYTES
        with AnswerStore.open(tmp_path / "other", case_id="samskabelse") as other:
            other.import_bytes(exported.encode("utf-8"))
            assert other.as_dict() == store.as_dict()


def _flood(
    n: int, key: str = "etik-1", start: datetime | None = None, gap: float = 61.0
) -> list[tuple[object, str]]:
    """``n`` revisions of one answer, ``gap`` seconds apart (each its own burst by default)."""
    first = start or datetime(2025, 3, 1, tzinfo=timezone.utc)
    return [(f"svar {i}", format_time(first + timedelta(seconds=gap * i))) for i in range(n)]


class TestRevisionFlood:
    """A file with more revisions than any learner's export is refused before it is checked revision by
    revision; casekit's own exports always stay under the limit, so they import again."""

    def test_over_the_limit_is_refused_and_nothing_written(self, store: AnswerStore):
        store.save("etik-1", "mit svar")
        before = _snapshot(store)
        limit = document.MAX_IMPORT_REVISIONS
        doc = _document({"etik-1": _flood(limit - 5), "etik-2": _flood(6, "etik-2")})
        with pytest.raises(AnswerImportError) as info:
            store.import_bytes(json.dumps(doc).encode("utf-8"), name="flod.json")
        message = str(info.value)
        assert "flod.json" in message and str(limit + 1) in message and str(limit) in message
        assert _snapshot(store) == before

    def test_counted_before_the_schema_is_checked(self):
        """Every history item over the limit broken: the refusal is the count, not the first broken item."""
        limit = document.MAX_IMPORT_REVISIONS
        doc = _document({"etik-1": [("x", "not a time")] * (limit + 1)})
        with pytest.raises(AnswerImportError, match=str(limit)) as info:
            parse_import(json.dumps(doc).encode("utf-8"), case_id="samskabelse")
        assert "not a time" not in str(info.value)

    def test_a_flood_in_disguise_is_counted_too(self):
        """``"saved\\u005fat"`` is ``"saved_at"`` to a JSON reader: the exact count after the parse catches
        what a quick look at the text misses."""
        limit = document.MAX_IMPORT_REVISIONS
        text = json.dumps(_document({"etik-1": _flood(limit + 1)})).replace('"saved_at"', '"saved\\u005fat"')
        assert '"saved_at"' not in text
        with pytest.raises(AnswerImportError, match=str(limit)):
            parse_import(text.encode("utf-8"), case_id="samskabelse")

    def test_at_the_limit_is_read(self):
        doc = _document({"etik-1": _flood(document.MAX_IMPORT_REVISIONS)})
        export = parse_import(json.dumps(doc).encode("utf-8"), case_id="samskabelse")
        assert len(export.revisions) == document.MAX_IMPORT_REVISIONS

    def test_an_export_of_a_long_history_is_thinned_to_fit(self, tmp_path: Path):
        """A store with more settled revisions than the limit exports the most recent of them, and the
        export imports again into a fresh store with the same latest answers."""
        n = document.MAX_IMPORT_REVISIONS + 50
        with AnswerStore.open(tmp_path / "long", case_id="samskabelse") as source:
            source.import_revisions(
                Revision(key, value, saved_at, 0, "1", "da", "import")
                for key in ("etik-1", "etik-2")
                for value, saved_at in _flood(n // 2, key)
            )
            text = export_json(source)
            latest = source.as_dict()
        doc = json.loads(text)
        assert (
            sum(len(entry["history"]) for entry in doc["answers"].values()) <= document.MAX_IMPORT_REVISIONS
        )
        with AnswerStore.open(tmp_path / "again", case_id="samskabelse") as target:
            target.import_bytes(text.encode("utf-8"))
            assert target.as_dict() == latest


class TestLatestOnly:
    """parse_import(latest=True), as the class report reads: each answer's latest revision, checked; the
    older ones' values are not checked one by one, their times are."""

    def test_the_newest_time_wins_and_a_tie_goes_to_the_later_item(self):
        doc = _document(
            {
                "etik-1": [("ny", "2025-03-02T10:00:00Z"), ("gammel", "2025-03-01T10:00:00Z")],
                "etik-2": [("først", "2025-03-01T10:00:00Z"), ("sidst", "2025-03-01T11:00:00+01:00")],
            }
        )
        export = parse_import(json.dumps(doc).encode("utf-8"), case_id="samskabelse", latest=True)
        assert export.as_dict() == {"etik-1": "ny", "etik-2": "sidst"}
        assert len(export.revisions) == 2
        full = parse_import(json.dumps(doc).encode("utf-8"), case_id="samskabelse")
        assert full.as_dict() == export.as_dict()

    def test_an_older_value_of_the_wrong_shape_does_not_hide_the_latest(self):
        doc = _document(
            {"dilemma-1": [([1, 2], "2025-03-01T09:00:00Z"), ({"position": 4}, "2025-03-01T10:00:00Z")]}
        )
        content = json.dumps(doc).encode("utf-8")
        with pytest.raises(AnswerImportError):
            parse_import(content, case_id="samskabelse")
        assert parse_import(content, case_id="samskabelse", latest=True).as_dict() == {
            "dilemma-1": {"position": 4}
        }

    def test_a_broken_time_anywhere_is_still_refused(self):
        doc = _document({"etik-1": [("a", "igår"), ("b", "2025-03-01T10:00:00Z")]})
        with pytest.raises(AnswerImportError, match=r"history\[0\]\.saved_at"):
            parse_import(json.dumps(doc).encode("utf-8"), case_id="samskabelse", latest=True)
