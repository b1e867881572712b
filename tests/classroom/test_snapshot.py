"""The snapshot: nothing the learner typed is shared unless they ticked it."""

from __future__ import annotations

import json
from pathlib import Path

from casekit import classroom, registry
from casekit._text import SLUG_PATTERN

from .support import learner_store


class TestSnapshot:
    """Nothing the learner typed is shared unless they ticked it."""

    def test_without_ticks_only_choices_and_placements(self, tmp_path: Path, case):
        """No question or proposal text, no justification, no poles; positions, choices and plans are."""
        answers = classroom.snapshot(learner_store(tmp_path, case), case=case)["answers"]
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
        answers = classroom.snapshot(learner_store(tmp_path, case), ticks, case=case)["answers"]
        assert answers["organisering-1"] == "Svar 0 på organisering-1"
        assert "organisering-2" not in answers
        assert answers[registry.DECISION_POINT]["justification"] == "fordi"
        assert answers["dilemma-2"]["justification"] == "hemmelig begrundelse"
        assert answers["dilemma-2"]["missing_voices"] == "børnene"
        assert answers["dilemma-1"] == {"position": 1}

    def test_blank_text_and_unknown_keys_are_never_shared(self, tmp_path: Path, case):
        """A ticked but blank answer is left out, and so is a key the registry does not know."""
        store = learner_store(tmp_path, case)
        store.save("organisering-1", "   ")
        store.save("notes.private", "mit eget")
        answers = classroom.snapshot(store, ["organisering-1", "notes.private"], case=case)["answers"]
        assert "organisering-1" not in answers and "notes.private" not in answers

    def test_values_are_cleaned(self, tmp_path: Path, case):
        """An actor the case no longer has is dropped, as registry.clean does."""
        store = learner_store(tmp_path, case)
        store.save(registry.GOAL_DIVERGENCE, {"kim": 2, "nobody": 3})
        answers = classroom.snapshot(store, case=case)["answers"]
        assert answers[registry.GOAL_DIVERGENCE] == {"kim": 2}


def test_the_schema_s_round_pattern_is_casekit_s_id_pattern():
    """A round id is a slug: the snapshot schema's ``round`` pattern is casekit._text.SLUG_PATTERN, which
    the class folder checks rounds.json's ids with."""
    schema = json.loads(classroom.SHARE_SCHEMA.read_text(encoding="utf-8"))
    assert schema["properties"]["round"]["pattern"] == SLUG_PATTERN.pattern


class TestOwnStakeholdersInThePlan:
    """A level for the learner's own stakeholder is shared with the stakeholder's name; the class reads it by
    that name, as it reads the map."""

    def _store(self, tmp_path: Path, case, i: int, name: str | None, placed: bool = False):
        store = learner_store(tmp_path, case, i)
        mapped = dict(store.get(registry.STAKEHOLDER_MAP))
        if name is not None:
            axes = {"power": 2, "interest": 4} if placed else {}
            mapped["own-1"] = {"name": name, "at_table": False, **axes}
        store.save(registry.STAKEHOLDER_MAP, mapped)
        store.save(registry.PARTICIPATION_PLAN, {"kim": "inform", "own-1": "collaborate"})
        return store

    def test_an_unplaced_own_stakeholder_goes_with_its_name(self, tmp_path: Path, case):
        answers = classroom.snapshot(self._store(tmp_path, case, 0, "Lærerne"), case=case)["answers"]
        assert answers[registry.PARTICIPATION_PLAN] == {"kim": "inform", "own-1": "collaborate"}
        assert answers[registry.STAKEHOLDER_MAP]["own-1"]["name"] == "Lærerne"
        assert list(answers) == [k for k in registry.answer_keys(case) if k in answers]  # journey order

    def test_a_level_for_a_stakeholder_the_map_does_not_name_is_not_shared(self, tmp_path: Path, case):
        answers = classroom.snapshot(self._store(tmp_path, case, 0, None), case=case)["answers"]
        assert answers[registry.PARTICIPATION_PLAN] == {"kim": "inform"}
        assert "own-1" not in answers[registry.STAKEHOLDER_MAP]

    def test_the_class_reads_own_levels_by_name_and_shows_those_several_planned(self, tmp_path: Path, case):
        folder = tmp_path / "class"
        folder.mkdir()
        for i, name in enumerate(("Lærerne", " lærerne ", "Naboerne")):
            classroom.share(self._store(tmp_path, case, i, name, placed=i == 0), folder, case=case)
        summary = classroom.summarize(folder, case=case)
        own = summary.participation[summary.participation["actor"].str.startswith("own:")]
        assert sorted(own["actor"]) == ["own:lærerne", "own:lærerne", "own:naboerne"]
        assert set(own[own["actor"] == "own:lærerne"]["name"]) == {"Lærerne"}  # as the first typed it
        assert "own-1" not in set(summary.participation["actor"])
        page = classroom.render_report(summary)
        start = page.index('<table class="casekit-heat">')
        table = page[start : page.index("</table>", start)]
        assert "Lærerne" in table and "Naboerne" not in table  # a name only one learner typed could tell who
