"""The class folder: share writes one anonymous, schema-valid snapshot per learner and round, atomically;
rounds are recorded in rounds.json; a round's folder has the class folder's permissions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from casekit import classroom, registry
from casekit.answers import AnswerStore
from casekit.classroom import ClassFolderError

from .support import learner_store


class TestShare:
    """share writes one anonymous, schema-valid snapshot per learner and round, atomically."""

    def test_writes_a_schema_valid_anonymous_snapshot(self, tmp_path: Path, case):
        """The file is <folder>/1/<share_id>.json, valid by the schema, with no pseudonym in it."""
        store = learner_store(tmp_path, case, learner="elev-hemmelig")
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
        one, other = learner_store(tmp_path, case, 0), learner_store(tmp_path, case, 1)
        assert classroom.share_id(one) == classroom.share_id(one)
        assert classroom.share_id(one) != classroom.share_id(other)

    def test_sharing_again_replaces_only_its_own_file(self, tmp_path: Path, case):
        """A second share rewrites the learner's file; another learner's file is untouched."""
        folder = tmp_path / "class"
        folder.mkdir()
        mine, theirs = learner_store(tmp_path, case, 0), learner_store(tmp_path, case, 1)
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
            classroom.share(learner_store(tmp_path, case), case=case)

    def test_refuses_a_folder_that_cannot_be_written(self, tmp_path: Path, case):
        """A folder that is missing (or a file) is named in the message, with the reason in Danish."""
        missing = tmp_path / "nowhere"
        with pytest.raises(ClassFolderError, match=re.escape(str(missing))) as caught:
            classroom.share(learner_store(tmp_path, case), missing, case=case)
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
                classroom.share(learner_store(tmp_path, case), folder, case=case)
        finally:
            folder.chmod(0o700)

    def test_uses_the_environment_variable(self, tmp_path: Path, case, monkeypatch: pytest.MonkeyPatch):
        """Without a folder argument, CASEKIT_CLASS names the folder."""
        folder = tmp_path / "env-class"
        folder.mkdir()
        monkeypatch.setenv(classroom.CLASS_ENV, str(folder))
        assert classroom.class_folder() == folder
        assert classroom.share(learner_store(tmp_path, case), case=case).parent == folder / "1"

    def test_two_learners_at_once_threads(self, tmp_path: Path, case):
        """Eight learners sharing at the same moment from threads all land, each in its own file."""
        folder = tmp_path / "class"
        folder.mkdir()
        stores = [learner_store(tmp_path, case, i) for i in range(8)]
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
            store = learner_store(tmp_path, case, i)
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
