"""The class's spread of views without names: sharing snapshots, rounds, summarizing hand-ins robustly, the
report and its projection mode, and ``casekit class summarize``."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from casekit import _cli_class, charts, classroom, registry
from casekit.answers import AnswerStore
from casekit.classroom import ClassFolderError
from casekit.errors import CasekitError
from casekit.importer import MAX_IMPORT_BYTES

REPO = Path(__file__).resolve().parents[1]
HOSTILE = "<script>alert(1)</script>"
NAMES = ("Jens Hansen_12345_assignsubmission_file_", "Mette Ærø Sørensen_67890_assignsubmission_file_")


# -- helpers ----------------------------------------------------------------------------------------------


def _answers(case, i: int = 0) -> dict[str, Any]:
    """Every activity answered, varied by ``i``, with a text answer to every question."""
    speakers = [a.id for a in case.actors if a.speaks]
    levels = registry.LEVELS
    answers: dict[str, Any] = {
        registry.STAKEHOLDER_MAP: {
            a.id: {"power": (i + j) % 5 + 1, "interest": (i * j + 2) % 5 + 1}
            for j, a in enumerate(case.actors)
        },
        registry.DECISION_POINT: {
            "choice": "interesser" if i % 2 else "maal-foerst",
            "justification": "fordi",
        },
        registry.GOAL_DIVERGENCE: {actor: (i + j) % 5 + 1 for j, actor in enumerate(speakers)},
        registry.PARTICIPATION_PLAN: {a.id: levels[(i + j) % 5] for j, a in enumerate(case.actors)},
    }
    for n, key in enumerate(registry.DILEMMAS):
        answers[key] = {
            "position": (i + n) % 5 + 1,
            "left": "venstre",
            "right": "højre",
            "justification": "hemmelig begrundelse",
            "paragraphs": ["del-1 ¶3"],
            "missing_voices": "børnene",
        }
    for q in case.questions:
        answers[q.id] = f"Svar {i} på {q.id}"
    for key in registry.PROPOSAL_TEXTS:
        answers[key] = f"Forslag {i}"
    return answers


def _store(tmp_path: Path, case, i: int = 0, learner: str | None = None, **extra: Any) -> AnswerStore:
    store = AnswerStore.open(tmp_path / f"store-{i}", case=case, learner=learner)
    for key, value in {**_answers(case, i), **extra}.items():
        store.save(key, value)
    return store


def _export(
    learner: str,
    answers: dict[str, Any],
    exported_at: str = "2025-03-01T10:00:00+00:00",
    case_id="samskabelse",
) -> dict[str, Any]:
    """A full export document, as `casekit answers export` writes it."""
    entries = {
        key: {
            "value": value,
            "history": [
                {"value": value, "saved_at": "2025-03-01T09:00:00+00:00", "case_version": "1", "lang": "da"}
            ],
        }
        for key, value in answers.items()
    }
    return {
        "format": "casekit-answers",
        "schema_version": 1,
        "case": {"id": case_id, "version": "1", "lang": "da"},
        "learner": learner,
        "exported_at": exported_at,
        "answers": entries,
    }


def _bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _everything(summary: classroom.ClassSummary) -> str:
    """Every string a summary holds: its frames, labels and skipped list."""
    parts = [*summary.learners, *summary.rounds, *summary.round_names.values()]
    for frame in (
        summary.stakeholders,
        summary.goals,
        summary.dilemmas,
        summary.decisions,
        summary.participation,
        summary.answered,
        summary.texts,
    ):
        parts.append(frame.to_csv())
    parts += [f"{s.name} {s.reason}" for s in summary.skipped]
    return "\n".join(parts)


def _reasons(summary: classroom.ClassSummary) -> dict[str, str]:
    return {s.name: s.reason for s in summary.skipped}


@pytest.fixture
def lms_zip(tmp_path: Path, case) -> Path:
    """An LMS ZIP (Moodle-style): one folder per student named by the student, with a nested ZIP."""
    members = {
        f"{NAMES[0]}/svar.json": _bytes(_export("elev-aaaaaa", _answers(case, 1))),
        f"{NAMES[1]}/aflevering.zip": _zip(
            {"mine svar/svar.json": _bytes(_export("elev-bbbbbb", _answers(case, 2)))}
        ),
        "Kasper Holm_55555_assignsubmission_file_/export.json": _bytes(
            _export("kasper-holm", _answers(case, 3))
        ),
    }
    path = tmp_path / "hand-ins.zip"
    path.write_bytes(_zip(members))
    return path


# -- sharing ----------------------------------------------------------------------------------------------


class TestShare:
    """share writes one anonymous, schema-valid snapshot per learner and round, atomically."""

    def test_writes_a_schema_valid_anonymous_snapshot(self, tmp_path: Path, case):
        """The file is <folder>/1/<share_id>.json, valid by the schema, with no pseudonym in it."""
        store = _store(tmp_path, case, learner="elev-hemmelig")
        folder = tmp_path / "class"
        folder.mkdir()
        path = classroom.share(store, folder, case=case)
        assert path == folder / "1" / f"{classroom.share_id(store)}.json"
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
        assert classroom.share_problem(doc, case) is None
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads(classroom.SHARE_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc)) == []
        assert re.fullmatch(r"[0-9a-f]{16}", doc["share_id"])
        assert "elev-hemmelig" not in text and store.created_at not in text
        assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp file left

    def test_share_id_is_stable_per_store(self, tmp_path: Path, case):
        """The same store always gets the same id; another store another."""
        one, other = _store(tmp_path, case, 0), _store(tmp_path, case, 1)
        assert classroom.share_id(one) == classroom.share_id(one)
        assert classroom.share_id(one) != classroom.share_id(other)

    def test_sharing_again_replaces_only_its_own_file(self, tmp_path: Path, case):
        """A second share rewrites the learner's file; another learner's file is untouched."""
        folder = tmp_path / "class"
        folder.mkdir()
        mine, theirs = _store(tmp_path, case, 0), _store(tmp_path, case, 1)
        other = classroom.share(theirs, folder, case=case)
        before = other.read_bytes()
        first = classroom.share(mine, folder, case=case)
        mine.save(registry.GOAL_DIVERGENCE, {"kim": 5})
        second = classroom.share(mine, folder, case=case)
        assert first == second
        assert json.loads(second.read_text(encoding="utf-8"))["answers"][registry.GOAL_DIVERGENCE] == {
            "kim": 5
        }
        assert other.read_bytes() == before
        assert sorted(p.name for p in (folder / "1").iterdir()) == sorted([first.name, other.name])

    def test_refuses_without_a_folder(self, tmp_path: Path, case, monkeypatch: pytest.MonkeyPatch):
        """No folder and no CASEKIT_CLASS: a ClassFolderError that names the variable."""
        monkeypatch.delenv(classroom.CLASS_ENV, raising=False)
        assert classroom.class_folder() is None
        with pytest.raises(ClassFolderError, match=classroom.CLASS_ENV):
            classroom.share(_store(tmp_path, case), case=case)

    def test_refuses_a_folder_that_cannot_be_written(self, tmp_path: Path, case):
        """A folder that is missing (or a file) is named in the message, with the reason in Danish."""
        missing = tmp_path / "nowhere"
        with pytest.raises(ClassFolderError, match=re.escape(str(missing))) as caught:
            classroom.share(_store(tmp_path, case), missing, case=case)
        assert "findes ikke" in str(caught.value)

    @pytest.mark.skipif(
        os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root may write anywhere"
    )
    def test_read_only_folder(self, tmp_path: Path, case):
        """A folder without write permission: ClassFolderError, no traceback-worthy OSError."""
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        try:
            with pytest.raises(ClassFolderError, match="ro"):
                classroom.share(_store(tmp_path, case), folder, case=case)
        finally:
            folder.chmod(0o700)

    def test_uses_the_environment_variable(self, tmp_path: Path, case, monkeypatch: pytest.MonkeyPatch):
        """Without a folder argument, CASEKIT_CLASS names the folder."""
        folder = tmp_path / "env-class"
        folder.mkdir()
        monkeypatch.setenv(classroom.CLASS_ENV, str(folder))
        assert classroom.class_folder() == folder
        assert classroom.share(_store(tmp_path, case), case=case).parent == folder / "1"

    def test_two_learners_at_once_threads(self, tmp_path: Path, case):
        """Eight learners sharing at the same moment from threads all land, each in its own file."""
        folder = tmp_path / "class"
        folder.mkdir()
        stores = [_store(tmp_path, case, i) for i in range(8)]
        barrier = threading.Barrier(len(stores))
        errors: list[BaseException] = []

        def go(store: AnswerStore) -> None:
            barrier.wait()
            try:
                for _ in range(5):
                    classroom.share(store, folder, case=case)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=go, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(p.name for p in (folder / "1").iterdir()) == sorted(
            f"{classroom.share_id(s)}.json" for s in stores
        )
        assert len(classroom.summarize(folder, case=case).learners) == 8

    @pytest.mark.slow
    def test_two_learners_at_once_processes(self, tmp_path: Path, case):
        """Two processes sharing at the same moment both land."""
        folder = tmp_path / "class"
        folder.mkdir()
        paths = []
        for i in range(2):
            store = _store(tmp_path, case, i)
            paths.append(store.path)
            store.close()
        code = (
            "import sys, time\n"
            "from casekit.answers import AnswerStore\n"
            "from casekit import classroom\n"
            "store = AnswerStore.open(sys.argv[1])\n"
            "time.sleep(max(0.0, float(sys.argv[3]) - time.time()))\n"
            "for _ in range(10):\n"
            "    classroom.share(store, sys.argv[2])\n"
        )
        import time

        start = str(time.time() + 2.0)
        procs = [
            subprocess.Popen([sys.executable, "-c", code, str(p), str(folder), start], stderr=subprocess.PIPE)
            for p in paths
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err.decode()
        assert len(list((folder / "1").glob("*.json"))) == 2
        assert len(classroom.summarize(folder, case=case).learners) == 2


class TestSnapshot:
    """Nothing the learner typed is shared unless they ticked it."""

    def test_without_ticks_only_choices_and_placements(self, tmp_path: Path, case):
        """No question or proposal text, no justification, no poles; positions, choices and plans are."""
        answers = classroom.snapshot(_store(tmp_path, case), case=case)["answers"]
        assert set(answers) == {
            registry.STAKEHOLDER_MAP,
            registry.DECISION_POINT,
            registry.GOAL_DIVERGENCE,
            registry.PARTICIPATION_PLAN,
            *registry.DILEMMAS,
        }
        assert answers[registry.DECISION_POINT] == {"choice": "maal-foerst"}
        assert answers["dilemma-1"] == {"position": 1}
        text = json.dumps(answers, ensure_ascii=False)
        for typed in ("fordi", "hemmelig", "børnene", "venstre", "Svar 0", "Forslag 0", "del-1 ¶3"):
            assert typed not in text

    def test_ticked_texts_are_shared(self, tmp_path: Path, case):
        """A ticked question, the decision's and a dilemma's texts appear; the unticked stay out."""
        ticks = ["organisering-1", registry.DECISION_POINT, "dilemma-2"]
        answers = classroom.snapshot(_store(tmp_path, case), ticks, case=case)["answers"]
        assert answers["organisering-1"] == "Svar 0 på organisering-1"
        assert "organisering-2" not in answers
        assert answers[registry.DECISION_POINT]["justification"] == "fordi"
        assert answers["dilemma-2"]["justification"] == "hemmelig begrundelse"
        assert answers["dilemma-2"]["missing_voices"] == "børnene"
        assert answers["dilemma-1"] == {"position": 1}

    def test_blank_text_and_unknown_keys_are_never_shared(self, tmp_path: Path, case):
        """A ticked but blank answer is left out, and so is a key the registry does not know."""
        store = _store(tmp_path, case)
        store.save("organisering-1", "   ")
        store.save("notes.private", "mit eget")
        answers = classroom.snapshot(store, ["organisering-1", "notes.private"], case=case)["answers"]
        assert "organisering-1" not in answers and "notes.private" not in answers

    def test_values_are_cleaned(self, tmp_path: Path, case):
        """An actor the case no longer has is dropped, as registry.clean does."""
        store = _store(tmp_path, case)
        store.save(registry.GOAL_DIVERGENCE, {"kim": 2, "nobody": 3})
        answers = classroom.snapshot(store, case=case)["answers"]
        assert answers[registry.GOAL_DIVERGENCE] == {"kim": 2}


# -- rounds -----------------------------------------------------------------------------------------------


class TestRounds:
    """Rounds: vote, discuss, vote again; who moved which way on the goal scale."""

    def test_no_round_opened_is_round_one(self, tmp_path: Path):
        """Without rounds.json the current round is "1" and there are no rounds."""
        assert classroom.current_round(tmp_path) == "1"
        assert classroom.rounds(tmp_path) == []

    def test_open_round_records_unique_slugs(self, tmp_path: Path):
        """Each round gets a file-safe, unique id; the newest is current; rounds.json is valid JSON."""
        first = classroom.open_round(tmp_path, "Før diskussionen")
        second = classroom.open_round(tmp_path, "Før diskussionen")
        third = classroom.open_round(tmp_path, "../../etc")
        assert (first, second) == ("foer-diskussionen", "foer-diskussionen-2")
        assert re.fullmatch(r"[a-z0-9-]+", third) and ".." not in third
        data = json.loads((tmp_path / "rounds.json").read_text(encoding="utf-8"))
        assert data["current"] == third == classroom.current_round(tmp_path)
        assert [r["id"] for r in classroom.rounds(tmp_path)] == [first, second, third]
        assert classroom.rounds(tmp_path)[0]["name"] == "Før diskussionen"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]

    def test_damaged_rounds_file_is_not_overwritten(self, tmp_path: Path):
        """A rounds.json that is not JSON is left as it is, and open_round says so."""
        (tmp_path / "rounds.json").write_text("{nope", encoding="utf-8")
        assert classroom.current_round(tmp_path) == "1"
        with pytest.raises(ClassFolderError):
            classroom.open_round(tmp_path, "Runde 2")
        assert (tmp_path / "rounds.json").read_text(encoding="utf-8") == "{nope"

    def test_moves_between_rounds(self, tmp_path: Path, case):
        """Learners present in both rounds are counted: "k af n flyttede sig mod …" from the case's poles."""
        folder = tmp_path / "class"
        folder.mkdir()
        stores = [
            _store(tmp_path, case, i, **{registry.GOAL_DIVERGENCE: {"kim": 2, "sanne": 3}}) for i in range(4)
        ]
        for store in stores:
            classroom.share(store, folder, case=case)
        classroom.open_round(folder, "Efter diskussion")
        for store, (kim, sanne) in zip(stores[:3], [(4, 3), (5, 1), (2, 3)], strict=True):
            store.save(registry.GOAL_DIVERGENCE, {"kim": kim, "sanne": sanne})
            classroom.share(store, folder, case=case)
        summary = classroom.summarize(folder, case=case)
        assert summary.rounds == ["1", "efter-diskussion"]
        assert summary.round_names["efter-diskussion"] == "Efter diskussion"
        moves = {m.actor: m for m in summary.moves("1", "efter-diskussion")}
        assert (moves["kim"].toward_right, moves["kim"].toward_left, moves["kim"].stayed, moves["kim"].n) == (
            2,
            0,
            1,
            3,
        )
        assert moves["kim"].sentence.startswith("Kim: 2 af 3 flyttede sig mod plads til forskellige mål")
        assert "1 af 3 mod ét fælles mål" in moves["sanne"].sentence
        assert moves["jorun"].n == 0
        page = classroom.render_report(summary)
        assert "Kim: 2 af 3 flyttede sig mod plads til forskellige mål" in page


# -- summarize: the sources -------------------------------------------------------------------------------


class TestSources:
    """summarize reads a class folder, a folder of exports, an LMS ZIP (nested ZIPs too) and one file."""

    def test_class_folder(self, tmp_path: Path, case):
        """Snapshots in the round folder: one learner each, frames filled, nothing skipped."""
        folder = tmp_path / "class"
        folder.mkdir()
        for i in range(3):
            classroom.share(_store(tmp_path, case, i), folder, ["organisering-1"], case=case)
        summary = classroom.summarize(folder)
        assert summary.learners == ["Studerende 1", "Studerende 2", "Studerende 3"]
        assert summary.skipped == [] and summary.files == 3
        assert summary.case.id == "samskabelse"
        assert len(summary.stakeholders) == 3 * len(case.actors)
        assert set(summary.goals.columns) == {"learner", "round", "actor", "position"}
        assert set(summary.texts["key"]) == {"organisering-1"}
        answered = summary.answered.set_index(["learner", "key"])["answered"]
        assert answered["Studerende 1", "organisering-1"] and not answered["Studerende 1", "organisering-2"]

    def test_folder_of_exports_with_nested_folders(self, tmp_path: Path, case):
        """A folder tree of exports (as written by AnswerStore.export) is read through, sub-folders too."""
        folder = tmp_path / "exports"
        (folder / "hold-a" / "dybere").mkdir(parents=True)
        _store(tmp_path, case, 0).export(folder / "hold-a" / "a.json", format="json")  # a group's folder
        _store(tmp_path, case, 1).export(folder / "hold-a" / "dybere" / "b.json", format="json")
        _store(tmp_path, case, 2).export(folder / "c.json", format="json")
        summary = classroom.summarize(folder)
        assert len(summary.learners) == 3 and summary.skipped == []
        assert len(summary.texts) == 3 * (len(case.questions) + 3 + 3 * 4 + 1)  # poles, justification, voices

    def test_lms_zip_with_nested_zip(self, lms_zip: Path, case):
        """Each student folder is one learner, also through a ZIP inside it."""
        summary = classroom.summarize(lms_zip)
        assert len(summary.learners) == 3 and summary.skipped == []
        assert summary.decisions["choice"].value_counts().to_dict() == {"interesser": 2, "maal-foerst": 1}

    def test_one_json_file(self, tmp_path: Path, case):
        """One export on its own is a class of one."""
        path = tmp_path / "svar.json"
        _store(tmp_path, case).export(path, format="json")
        summary = classroom.summarize(path)
        assert summary.learners == ["Studerende 1"] and summary.files == 1

    def test_wrapper_folder_around_student_folders(self, tmp_path: Path, case):
        """A ZIP whose student folders sit in one wrapper folder still has one learner per student folder."""
        members = {
            f"Opgave 1/{name}/svar.json": _bytes(_export(f"e{i}", _answers(case, i)))
            for i, name in enumerate(NAMES)
        }
        path = tmp_path / "wrapped.zip"
        path.write_bytes(_zip(members))
        assert len(classroom.summarize(path).learners) == 2

    def test_missing_source_raises(self, tmp_path: Path):
        """A source that does not exist is a CasekitError naming it."""
        with pytest.raises(ClassFolderError, match="nowhere"):
            classroom.summarize(tmp_path / "nowhere")

    def test_nothing_readable_raises(self, tmp_path: Path):
        """A folder with only bad files: a CasekitError that lists them."""
        (tmp_path / "a.json").write_text("not json", encoding="utf-8")
        with pytest.raises(CasekitError, match=r"a\.json.*ikke gyldig JSON"):
            classroom.summarize(tmp_path)

    def test_corrupt_zip_source_raises(self, tmp_path: Path):
        """A ZIP given as the source that cannot be opened is a CasekitError, not a traceback."""
        path = tmp_path / "broken.zip"
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
        with pytest.raises(CasekitError):
            classroom.summarize(path)


# -- summarize: what students actually hand in ------------------------------------------------------------


def _good(case, i: int = 0) -> bytes:
    return _bytes(_export(f"elev-good{i}", _answers(case, i)))


def _bad_members(case) -> dict[str, tuple[bytes, str]]:
    """Member name -> (bytes, a word of the reason)."""
    other_version = _export("x1", _answers(case, 1))
    other_version["schema_version"] = 7
    other_case = _export("x2", _answers(case, 2), case_id="anden-case")
    empty = _export("x3", {"organisering-1": "   "})
    bad_shape = _export("x4", {registry.GOAL_DIVERGENCE: {"kim": 9}})
    share_with_name = {
        "format": "casekit-class-share",
        "schema_version": 1,
        "case": {"id": "samskabelse", "version": "1", "lang": "da"},
        "share_id": "0123456789abcdef",
        "round": "1",
        "shared_at": "2025-03-01T10:00:00+00:00",
        "answers": {},
        "learner": "elev-sneaky",
    }
    return {
        "S1_1_1/notjson.json": (b"{ this is not json", "ikke gyldig JSON"),
        "S2_2_2/latin1.json": ('{"navn": "Søren"}'.encode("latin-1"), "UTF-8"),
        "S3_3_3/version.json": (_bytes(other_version), "version"),
        "S4_4_4/format.json": (_bytes({"format": "noget-andet"}), "ikke en casekit-fil"),
        "S5_5_5/othercase.json": (_bytes(other_case), "anden case"),
        "S6_6_6/empty.json": (_bytes(empty), "ingen svar"),
        "S7_7_7/shape.json": (_bytes(bad_shape), "goal-divergence"),
        "S8_8_8/share.json": (_bytes(share_with_name), "formatet for delte svar"),
        "S9_9_9/svar.pdf": (b"%PDF-1.4", "ikke en JSON-fil"),
        "S10_10_10/broken.zip": (b"PK\x03\x04broken", "beskadiget ZIP"),
        "S11_11_11/array.json": (b"[1, 2, 3]", "ikke en casekit-fil"),
    }


class TestBadInput:
    """Each bad file is skipped with its reason, the rest is summarized, and nothing is ever written."""

    def test_every_bad_member_is_skipped_with_its_reason(self, tmp_path: Path, case):
        """Not JSON, not UTF-8, another version, format or case, no answers, a bad value, a PDF, bad ZIP."""
        bad = _bad_members(case)
        members = {"Good_1_1/svar.json": _good(case), **{name: data for name, (data, _) in bad.items()}}
        path = tmp_path / "mixed.zip"
        path.write_bytes(_zip(members))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        assert len(summary.skipped) == len(bad)
        for skipped, (name, (_, word)) in zip(summary.skipped, bad.items(), strict=True):
            assert name.rsplit("/", 1)[1] in skipped.name
            assert word.lower() in skipped.reason.lower(), (name, skipped.reason)
        assert "elev-sneaky" not in _everything(summary)

    def test_two_files_from_one_learner_keep_the_latest(self, tmp_path: Path, case):
        """In one student folder the newer export counts; the older is listed as skipped."""
        old = _export("elev-a", _answers(case, 1), exported_at="2025-03-01T10:00:00+00:00")
        new = _export("elev-b", _answers(case, 2), exported_at="2025-03-02T10:00:00+00:00")
        path = tmp_path / "two.zip"
        path.write_bytes(_zip({f"{NAMES[0]}/new.json": _bytes(new), f"{NAMES[0]}/old.json": _bytes(old)}))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        assert summary.decisions["choice"].tolist() == ["maal-foerst"]  # i = 2
        (skipped,) = summary.skipped
        assert "old.json" in skipped.name and "ældre" in skipped.reason

    def test_same_pseudonym_in_a_flat_folder_is_one_learner(self, tmp_path: Path, case):
        """Without student folders, two exports with one pseudonym are one learner."""
        (tmp_path / "a.json").write_bytes(
            _bytes(_export("elev-x", _answers(case, 1), "2025-03-03T00:00:00Z"))
        )
        (tmp_path / "b.json").write_bytes(
            _bytes(_export("elev-x", _answers(case, 2), "2025-03-01T00:00:00Z"))
        )
        summary = classroom.summarize(tmp_path)
        assert len(summary.learners) == 1 and "b.json" in summary.skipped[0].name

    def test_huge_member_is_not_read(self, tmp_path: Path, case):
        """A member over MAX_IMPORT_BYTES is skipped by its declared size, before it is read."""
        big = b"[" + b"0," * (MAX_IMPORT_BYTES // 2 + 10) + b"0]"
        path = tmp_path / "big.zip"
        path.write_bytes(_zip({"A_1_1/svar.json": _good(case), "B_2_2/huge.json": big}))
        summary = classroom.summarize(path)
        assert "for stor" in _reasons(summary)["fil 2 (…/huge.json)"]

    def test_huge_file_in_a_folder_is_not_read(self, tmp_path: Path, case, monkeypatch: pytest.MonkeyPatch):
        """A file over the limit in a folder is skipped by its size (read() is never called on it)."""
        (tmp_path / "good.json").write_bytes(_good(case))
        with open(tmp_path / "huge.json", "wb") as fh:
            fh.truncate(MAX_IMPORT_BYTES + 1)
        summary = classroom.summarize(tmp_path)
        assert any("for stor" in s.reason and "huge.json" in s.name for s in summary.skipped)

    def test_zip_bomb_is_skipped(self, tmp_path: Path, case):
        """A member that would unpack to far more than its size is skipped without unpacking it."""
        path = tmp_path / "bomb.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("A_1_1/svar.json", _good(case))
            archive.writestr("B_2_2/bomb.json", b"0" * (MAX_IMPORT_BYTES - 1024))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1
        assert "pakket" in _reasons(summary)["fil 2 (…/bomb.json)"]

    def test_member_is_read_in_chunks_up_to_its_cap(self):
        """A member larger than the cap is stopped, and a header that lies about the size gives no data."""
        read = classroom._Collector("da")._read_member
        with zipfile.ZipFile(io.BytesIO(_zip({"x.json": b"1" * 5000}))) as archive:
            info = archive.infolist()[0]
            assert read(archive, info, MAX_IMPORT_BYTES) == b"1" * 5000
            assert isinstance(read(archive, info, 1000), str)
            info.file_size = 10  # the header claims 10 bytes
            assert isinstance(read(archive, info, MAX_IMPORT_BYTES), str)

    def test_traversal_names_are_skipped_and_nothing_is_written(self, tmp_path: Path, case):
        """`../x`, `/etc/passwd` and `C:\\x` inside a ZIP are skipped; the folders around are unchanged."""
        inside = tmp_path / "work" / "inside"
        inside.mkdir(parents=True)
        path = inside / "evil.zip"
        path.write_bytes(
            _zip(
                {
                    "A_1_1/svar.json": _good(case),
                    "../x.json": _good(case, 1),
                    "/etc/passwd.json": _good(case, 2),
                    "C:\\x.json": _good(case, 3),
                    "B_2_2/../../y.json": _good(case, 4),
                }
            )
        )

        def tree() -> list[tuple[str, int, float]]:
            return sorted(
                (str(p.relative_to(tmp_path)), p.stat().st_size, p.stat().st_mtime)
                for p in tmp_path.rglob("*")
            )

        before = tree()
        cwd = os.getcwd()
        os.chdir(inside)
        try:
            summary = classroom.summarize(path)
        finally:
            os.chdir(cwd)
        assert tree() == before
        assert len(summary.learners) == 1
        unsafe = [s for s in summary.skipped if "usikkert navn" in s.reason]
        assert len(unsafe) == 4
        assert any("../x.json" in s.name for s in unsafe)
        assert not any(s.name.count("/etc/") for s in unsafe)  # no absolute path is shown

    def test_symlink_entry_in_a_zip_is_skipped(self, tmp_path: Path, case):
        """A ZIP member that is a symbolic link is skipped, never resolved."""
        path = tmp_path / "link.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("A_1_1/svar.json", _good(case))
            info = zipfile.ZipInfo("B_2_2/link.json")
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
        summary = classroom.summarize(path)
        assert "genvej" in _reasons(summary)["fil 2 (…/link.json)"]

    def test_symlinks_in_a_folder_are_skipped(self, tmp_path: Path, case):
        """A symlinked file and a symlinked folder are listed as skipped and never followed."""
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "secret.json").write_bytes(_good(case, 1))
        folder = tmp_path / "class"
        folder.mkdir()
        (folder / "good.json").write_bytes(_good(case))
        (folder / "link.json").symlink_to(outside / "secret.json")
        (folder / "linked-folder").symlink_to(outside, target_is_directory=True)
        summary = classroom.summarize(folder)
        assert len(summary.learners) == 1
        assert sum("genvej" in s.reason for s in summary.skipped) == 2

    def test_nested_zips_are_followed_three_deep_at_most(self, tmp_path: Path, case):
        """ZIPs inside ZIPs are read down to MAX_ZIP_DEPTH; one deeper is skipped with a reason."""
        level3 = _zip({"svar.json": _good(case, 3)})
        level2 = _zip({"svar.json": _good(case, 2), "inner.zip": level3})
        too_deep = _zip({"deeper.zip": _zip({"svar.json": _good(case, 9)})})
        level2b = _zip({"x.zip": too_deep})
        path = tmp_path / "nested.zip"
        path.write_bytes(_zip({"A_1_1/a.zip": level2, "B_2_2/b.zip": level2b}))
        summary = classroom.summarize(path)
        assert len(summary.learners) == 1  # both files of A are one learner
        assert any("lag dybt" in s.reason for s in summary.skipped)

    def test_hostile_text_stays_text(self, tmp_path: Path, case):
        """Markup and control characters in answers and names never become markup or terminal codes."""
        answers = _answers(case, 1)
        answers["organisering-1"] = HOSTILE
        path = tmp_path / "hostile.zip"
        path.write_bytes(
            _zip(
                {
                    "A_1_1/svar.json": _bytes(_export(HOSTILE, answers)),
                    f"B_2_2/{HOSTILE}\x1b[31m.json": b"not json",
                }
            )
        )
        summary = classroom.summarize(path)
        page = classroom.render_report(summary, with_text=True)
        assert "<script>" not in page and "&lt;script&gt;" in page
        assert "\x1b" not in _everything(summary) and "\x1b" not in page


# -- anonymity and order ----------------------------------------------------------------------------------


class TestAnonymity:
    """No name, pseudonym or LMS folder name anywhere; labels in a stable order that follows no name."""

    def test_no_names_anywhere(self, lms_zip: Path, tmp_path: Path, case):
        """Neither the student folders' names nor the pseudonyms appear in the summary or the report."""
        with zipfile.ZipFile(lms_zip, "a") as archive:  # and a bad file in a named folder
            archive.writestr(f"{NAMES[0]}/noter.txt", b"hej")
            archive.writestr(f"{NAMES[0]}svar.json", b"flat Moodle download, not JSON")
        summary = classroom.summarize(lms_zip)
        page = classroom.render_report(summary, with_text=True)
        secrets = ["Jens", "Hansen", "Mette Ærø", "Sørensen", "Kasper", "Holm", "kasper-holm", "elev-aaaaaa"]
        secrets += ["elev-bbbbbb", "12345", "67890", "55555", "assignsubmission", "mine svar"]
        everything = _everything(summary)
        for secret in secrets:
            assert secret not in everything, secret
            assert secret not in page, secret
        assert summary.skipped and summary.skipped[0].name.startswith("fil ")

    def test_canvas_style_names_are_cut(self, tmp_path: Path, case):
        """A flat Canvas file name `hansenjens_123_456_svar.json` is shown without the student part."""
        path = tmp_path / "canvas.zip"
        path.write_bytes(_zip({"hansenjens_123_456_svar.json": b"nope", "b_1_2_x.json": _good(case)}))
        summary = classroom.summarize(path)
        assert summary.skipped[0].name == "fil 1 (svar.json)"

    def test_label_order_is_stable_and_follows_no_name(self, tmp_path: Path, case):
        """The same class in another file order, under other folder names, gets the same labels."""
        docs = [_export(f"elev-{i:06d}", _answers(case, i)) for i in range(6)]

        def labels(order: list[int], prefix: str) -> dict[str, str]:
            folder = tmp_path / prefix
            folder.mkdir()
            for n, i in enumerate(order):
                (folder / f"{prefix}-{n}.json").write_bytes(_bytes(docs[i]))
            summary = classroom.summarize(folder)
            decisions = summary.goals[summary.goals["actor"] == "kim"].set_index("learner")["position"]
            return decisions.to_dict()

        first = labels([0, 1, 2, 3, 4, 5], "a")
        second = labels([5, 3, 1, 0, 2, 4], "zz")
        assert first == second
        assert list(first) == [f"Studerende {n}" for n in range(1, 7)]
        by_name = [int(v) for v in first.values()]
        assert by_name != sorted(by_name) or by_name != [(i % 5) + 1 for i in range(6)]


# -- the report -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory, case) -> classroom.ClassSummary:
    """A class of five in two rounds, with a hostile text answer and one skipped file."""
    folder = tmp_path_factory.mktemp("class")
    base = tmp_path_factory.mktemp("stores")
    stores = [_store(base, case, i) for i in range(5)]
    stores[0].save("organisering-1", HOSTILE)
    for store in stores:
        classroom.share(store, folder, ["organisering-1", "dilemma-1"], case=case)
    classroom.open_round(folder, "Anden runde")
    for store in stores[:3]:
        store.save(registry.GOAL_DIVERGENCE, {"kim": 5})
        classroom.share(store, folder, case=case)
    (folder / "1" / "junk.json").write_text("nope", encoding="utf-8")
    return classroom.summarize(folder, case=case)


class TestReport:
    """Every section, escaped text, the projection mode and its arithmetic."""

    def test_every_section(self, summary, case):
        """Title, counts, rounds, a stakeholder spread per placed stakeholder, goals per round, moves,
        dilemmas, decision, the participation heat table, answer counts, skipped files."""
        page = classroom.render_report(summary)
        assert page.startswith("<!DOCTYPE html>") and '<body class="casekit-report">' in page
        assert "5 studerende" in page and "Anden runde" in page and "Runde 1" in page
        for heading in (
            "stakeholders",
            "goals",
            "moves",
            "dilemmas",
            "decision",
            "participation",
            "answered",
            "skipped",
        ):
            assert f'id="{heading}"' in page, heading
        spreads = page.count("Holdets placering af ")
        assert spreads >= len(case.actors)  # a title per stakeholder (also in the alt text)
        assert page.count(charts.goal_spread(case, []).title) >= 2  # one per round
        assert '<table class="casekit-heat">' in page and "Overlade beslutningen" in page
        assert "junk.json" in page and "ikke gyldig JSON" in page
        assert 'id="texts"' not in page and HOSTILE not in page

    def test_text_answers_only_with_text_and_escaped(self, summary):
        """With with_text the ticked answers show under anonymous labels, escaped."""
        page = classroom.render_report(summary, with_text=True)
        assert 'id="texts"' in page and "Studerende 1" in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
        assert "hemmelig begrundelse" in page  # dilemma-1 was ticked
        assert "Forslag 0" not in page  # never ticked

    def test_participation_table_writes_the_counts(self, summary, case):
        """Each heat cell has its count written in it, so the tint is never the only sign."""
        page = classroom.render_report(summary)
        start = page.index('<table class="casekit-heat">')
        table = page[start : page.index("</table>", start)]
        cells = re.findall(r'<td class="casekit-heat-cell[^"]*" style="[^"]*">(\d+)</td>', table)
        assert len(cells) == 5 * len(case.actors)
        assert sum(map(int, cells)) == 5 * len(case.actors)

    def test_projection_mode(self, summary):
        """Projection: the projection body class, and every chart in a slide section."""
        page = classroom.render_report(summary, projection=True)
        assert '<body class="casekit-report casekit-projection">' in page
        assert page.count('<section class="casekit-slide"') >= page.count('<div class="casekit-chart">')

    def test_projection_labels_are_at_least_20_px(self, summary):
        """On a 1920×1080 screen, 13 pt labels show at ≥ 20 px: 13/72 in × min(width px / width in,
        height px / height in), with the widths and heights from the CSS rule and the figures' sizes."""
        css = (REPO / "casekit" / "templates" / "casekit.css").read_text(encoding="utf-8")
        section = css[css.index("/* -- projection") :]
        body = re.search(r"\.casekit-projection \{([^}]*)\}", section)[1]
        image = re.search(r"\.casekit-projection \.casekit-chart img \{([^}]*)\}", section)[1]
        slide = re.search(r"\.casekit-projection \.casekit-slide \{([^}]*)\}", section)[1]
        assert re.search(r"width: 100%", image) and re.search(r"object-fit: contain", image)
        assert "min-height: 100vh" in slide
        max_vh = int(re.search(r"max-height: (\d+)vh", image)[1])
        pad_vw = float(re.search(r"padding: 0 ([\d.]+)vw", body)[1])
        font = re.search(r"font-size: max\((\d+)px, ([\d.]+)vw\)", body)
        assert max(int(font[1]), 1920 * float(font[2]) / 100) >= 28
        screen_w, screen_h = 1920, 1080
        box_w, box_h = screen_w * (1 - 2 * pad_vw / 100), screen_h * max_vh / 100
        page = classroom.render_report(summary, projection=True)
        sizes = re.findall(
            r'<img alt="[^"]*" src="data:image/svg\+xml;base64,[^"]+" width="(\d+)" height="(\d+)"', page
        )
        assert len(sizes) >= 6
        for width, height in sizes:
            inches_w, inches_h = int(width) / charts.HTML_DPI, int(height) / charts.HTML_DPI
            px_per_inch = min(box_w / inches_w, box_h / inches_h)
            assert 13 / 72 * px_per_inch >= 20, (inches_w, inches_h, 13 / 72 * px_per_inch)

    def test_english(self, tmp_path: Path, case):
        """With lang="en" the report's words are English."""
        path = tmp_path / "one.json"
        path.write_bytes(_good(case))
        page = classroom.render_report(classroom.summarize(path, lang="en"))
        assert "1 students" in page and "No names are shown." in page and "Studerende" not in page


# -- the command line -------------------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    """Run through a parser built with _cli_class.add_parsers, the way casekit.cli hooks it in."""
    parser = argparse.ArgumentParser(prog="casekit")
    _cli_class.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


class TestCli:
    """`casekit class summarize`: exit 0 with a report (skipped files on stderr), exit 1 when nothing."""

    def test_writes_the_report_and_lists_skipped_files(self, lms_zip: Path, tmp_path: Path, capsys):
        """Exit 0; the report is written; a skipped file and its reason are on stderr."""
        with zipfile.ZipFile(lms_zip, "a") as archive:
            archive.writestr(f"{NAMES[1]}/bad.json", b"{")
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(lms_zip), "-o", str(out), "--projection"]) == 0
        captured = capsys.readouterr()
        assert "casekit-projection" in out.read_text(encoding="utf-8")
        assert "bad.json" in captured.err and "ikke gyldig JSON" in captured.err
        assert str(out) in captured.out and "Traceback" not in captured.err

    def test_with_text_and_english(self, lms_zip: Path, tmp_path: Path, capsys):
        """--with-text shows the texts; --lang en gives English words."""
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(lms_zip), "-o", str(out), "--with-text", "--lang", "en"]) == 0
        page = out.read_text(encoding="utf-8")
        assert 'id="texts"' in page and "Student 1" in page

    def test_nothing_readable_is_exit_1(self, tmp_path: Path, capsys):
        """Only bad files: exit 1, a catalog message on stderr, no report, no traceback."""
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "x.json").write_text("nope", encoding="utf-8")
        out = tmp_path / "report.html"
        assert _run(["class", "summarize", str(tmp_path / "in"), "-o", str(out)]) == 1
        err = capsys.readouterr().err
        assert "Ingen svar kunne læses" in err and "Traceback" not in err
        assert not out.exists()

    def test_missing_input_and_unwritable_output(self, tmp_path: Path, lms_zip: Path, capsys):
        """A missing input and an output in a missing folder are exit 1 with a message."""
        assert _run(["class", "summarize", str(tmp_path / "nope.zip"), "-o", str(tmp_path / "r.html")]) == 1
        assert _run(["class", "summarize", str(lms_zip), "-o", str(tmp_path / "no" / "r.html")]) == 1
        err = capsys.readouterr().err
        assert err.count("casekit:") == 2 and "Traceback" not in err

    @pytest.mark.slow
    def test_as_a_process(self, lms_zip: Path, tmp_path: Path):
        """Run as a process through the module: exit 0 and the report written."""
        code = (
            "import argparse, sys\n"
            "from casekit import _cli_class\n"
            "p = argparse.ArgumentParser(prog='casekit')\n"
            "_cli_class.add_parsers(p.add_subparsers(dest='command', required=True))\n"
            "a = p.parse_args(sys.argv[1:])\n"
            "sys.exit(a.handler(a))\n"
        )
        out = tmp_path / "r.html"
        done = subprocess.run(
            [sys.executable, "-c", code, "class", "summarize", str(lms_zip), "-o", str(out)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert out.exists()


class TestRoundFolders:
    """A round's folder has the class folder's permissions, so every learner in the course can share."""

    def test_round_folder_copies_the_class_folders_mode(self, tmp_path):
        """Under a restrictive umask, a new round folder is still group-writable, setgid and sticky like
        the course folder (chmod 3770)."""
        import os
        import stat

        from casekit import classroom

        folder = tmp_path / "holdet"
        folder.mkdir()
        os.chmod(folder, 0o3770)
        old = os.umask(0o077)
        try:
            round_id = classroom.open_round(folder, "Før")
            shared = classroom.round_folder(folder)
        finally:
            os.umask(old)
        assert shared == folder / round_id
        assert stat.S_IMODE(shared.stat().st_mode) == 0o3770


def test_own_stakeholders_grouped_by_typed_name_anonymously(tmp_path: Path, case):
    """Own stakeholders are grouped by name (trimmed, any case), shown as the first typed it, with no names
    of learners, and the report shows the spread of one that two learners placed."""
    folder = tmp_path / "hand-ins"
    folder.mkdir()
    typed = [" Lærerne", "LÆRERNE ", "Pedellen"]
    for i, name in enumerate(typed):
        own = {"own-1": {"name": name, "at_table": True, "power": 3, "interest": 2 + i}}
        doc = _export(f"elev-hemmelig-{i}", {**_answers(case, i), "stakeholder-map": own})
        (folder / f"{i}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    summary = classroom.summarize(folder, case=case)
    own = summary.stakeholders[summary.stakeholders["own"]]
    assert set(own["actor"]) == {"own:lærerne", "own:pedellen"}
    teachers = own[own["actor"] == "own:lærerne"]
    assert len(teachers) == 2 and len(set(teachers["name"])) == 1
    assert teachers["name"].iloc[0] in ("Lærerne", "LÆRERNE")
    report = classroom.render_report(summary)
    assert "hemmelig" not in report
    assert "Holdets placering af Lærerne" in report or "Holdets placering af LÆRERNE" in report
    assert "Holdets placering af Pedellen" not in report
