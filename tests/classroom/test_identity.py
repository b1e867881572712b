"""A learner whose store is restored (from the browser copy, or from their own export into an empty store)
keeps their identity: their next share replaces their own entry, so the class's views count them once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casekit import classroom
from casekit.answers import AnswerStore
from casekit.errors import AnswerImportError
from casekit.export import export_json

from .support import learner_store


def _fresh(tmp_path: Path, case, name: str, learner: str | None = None) -> AnswerStore:
    return AnswerStore.open(tmp_path / name, case=case, learner=learner)


class TestRestoreKeepsTheLearner:
    def test_a_restored_learner_is_counted_once(self, tmp_path: Path, case):
        """Two learners share; one loses the store, restores the browser copy into a fresh store, shares
        again: the class has two learners, and the restored learner's entry holds the new answer."""
        folder = tmp_path / "class"
        folder.mkdir()
        anna = learner_store(tmp_path, case, 0)
        bo = learner_store(tmp_path, case, 1)
        for store in (anna, bo):
            classroom.share(store, folder, case=case)
        copy = export_json(anna)  # what the browser holds

        restored = _fresh(tmp_path, case, "new-laptop")
        result = restored.import_bytes(copy.encode("utf-8"), name="browser")
        assert result.added > 0
        assert classroom.share_id(restored) == classroom.share_id(anna)
        restored.save("dilemma-1", {"position": 5})
        classroom.share(restored, folder, case=case)

        summary = classroom.summarize(folder, case=case)
        assert len(summary.learners) == 2
        assert sorted(summary.dilemmas.query("dilemma == 'dilemma-1'")["position"]) == [2, 5]
        assert len(list((folder / "1").glob("*.json"))) == 2

    def test_the_identity_survives_closing_and_opening_again(self, tmp_path: Path, case):
        anna = learner_store(tmp_path, case, 0)
        restored = _fresh(tmp_path, case, "again")
        restored.import_bytes(export_json(anna).encode("utf-8"))
        path = restored.path
        restored.close()
        reopened = AnswerStore.open(path, case=case)
        assert (reopened.learner, reopened.created_at) == (anna.learner, anna.created_at)

    def test_another_notebook_on_the_same_store_shares_as_the_restored_learner(self, tmp_path: Path, case):
        """Seven notebooks keep seven store objects on one file: a restore in one is seen by the others."""
        anna = learner_store(tmp_path, case, 0)
        restored = _fresh(tmp_path, case, "laptop")
        other_notebook = AnswerStore.open(restored.path, case=case)
        restored.import_bytes(export_json(anna).encode("utf-8"))
        assert classroom.share_id(other_notebook) == classroom.share_id(anna)
        assert other_notebook.learner == anna.learner

    def test_an_exported_file_carries_the_identity_too(self, tmp_path: Path, case):
        """casekit answers import of the learner's own export into an empty store: the same share id."""
        anna = learner_store(tmp_path, case, 0)
        exported = anna.export(tmp_path / "anna.json")
        restored = _fresh(tmp_path, case, "import")
        restored.import_file(exported)
        assert classroom.share_id(restored) == classroom.share_id(anna)

    def test_a_store_with_answers_keeps_its_own_identity(self, tmp_path: Path, case):
        """Importing someone's export into a store that holds answers merges the answers only."""
        anna, bo = learner_store(tmp_path, case, 0), learner_store(tmp_path, case, 1)
        before = classroom.share_id(bo)
        bo.import_bytes(export_json(anna).encode("utf-8"))
        assert (classroom.share_id(bo), bo.learner) == (before, bo.learner)
        assert bo.learner != anna.learner

    def test_a_store_opened_with_another_name_keeps_it(self, tmp_path: Path, case):
        """A store opened for a named learner never takes on another learner's identity."""
        anna = learner_store(tmp_path, case, 0, learner="Anna")
        restored = _fresh(tmp_path, case, "bo", learner="Bo")
        restored.import_bytes(export_json(anna).encode("utf-8"))
        assert restored.learner == "Bo"
        assert classroom.share_id(restored) != classroom.share_id(anna)

    def test_the_same_named_learner_gets_their_identity_back(self, tmp_path: Path, case):
        anna = learner_store(tmp_path, case, 0, learner="Anna")
        restored = _fresh(tmp_path, case, "anna-again", learner="Anna")
        restored.import_bytes(export_json(anna).encode("utf-8"))
        assert classroom.share_id(restored) == classroom.share_id(anna)

    def test_an_export_without_or_with_an_odd_creation_time_imports_as_before(self, tmp_path: Path, case):
        """Older exports have no created_at; one that is no plausible time is ignored, never a refusal."""
        anna = learner_store(tmp_path, case, 0)
        doc = json.loads(export_json(anna))
        for value in (None, "not a time", "9999-12-31T23:59:59+00:00", ""):
            restored = _fresh(tmp_path, case, f"old-{value}")
            own = (restored.learner, restored.created_at)
            if value is None:
                doc.pop("created_at")
            else:
                doc["created_at"] = value
            result = restored.import_bytes(json.dumps(doc).encode("utf-8"))
            assert result.added > 0
            assert (restored.learner, restored.created_at) == own

    def test_a_creation_time_of_the_wrong_type_is_refused_like_any_field(self, tmp_path: Path, case):
        anna = learner_store(tmp_path, case, 0)
        doc = {**json.loads(export_json(anna)), "created_at": 17}
        restored = _fresh(tmp_path, case, "typed")
        with pytest.raises(AnswerImportError, match="created_at"):
            restored.import_bytes(json.dumps(doc).encode("utf-8"))
        assert restored.count() == 0
