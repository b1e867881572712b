"""The loader reads a case folder into a Case, and names file, field and line of everything broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import casekit
from casekit import loader
from casekit.errors import CaseDataError, CaseNotFoundError

TEST_DATA = Path(__file__).with_name("data")

MINI = TEST_DATA / "mini"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A copy of the fixture case that a test may break."""
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in casekit.validate(folder)]


class TestLoadingTheFixture:
    """A valid folder becomes a Case with every part of the data in place."""

    def test_sections_blocks_and_speakers(self):
        case = casekit.load_case_dir(MINI)
        assert [s.id for s in case.sections] == ["intro", "del-1", "spm", "alpha", "beta"]
        part = case.part(1)
        assert [b.kind for b in part.blocks] == [
            "narration",
            "utterance",
            "narration",
            "utterance",
            "narration",
            "narration",
        ]
        assert [b.speaker_name for b in part.utterances] == ["Ada", "Bo"]
        assert part.blocks[1].ref == "del-1 ¶1"
        assert part.blocks[-1].ref == "del-1 ¶2"

    def test_running_text_attaches_punctuation(self):
        text = casekit.load_case_dir(MINI).part(1).text
        assert "Ada siger: ”Hej & <b>velkommen</b>”, men så afbryder Bo: ”Nej.”." in text

    def test_questions_in_groups_become_sections(self):
        case = casekit.load_case_dir(MINI)
        assert [q.id for q in case.questions] == ["alpha-1", "beta-1", "beta-2"]
        assert [g.id for g in case.question_groups] == ["alpha", "beta"]
        assert case.question("beta-2").group == "beta"
        assert [b.question for b in case.section("beta").blocks] == ["beta-1", "beta-2"]

    def test_actors_keep_not_stated_as_none(self):
        ada = casekit.load_case_dir(MINI).actor("ada")
        assert (ada.name, ada.kind, ada.project_group, ada.workshop, ada.variants) == (
            "Ada",
            "person",
            True,
            None,
            ("ADA",),
        )

    def test_relation_evidence_is_located(self):
        (relation,) = casekit.load_case_dir(MINI).relations
        assert (relation.source, relation.type, relation.target, relation.section) == (
            "bo",
            "interrupts",
            "ada",
            "del-1",
        )

    def test_activities_are_read(self):
        case = casekit.load_case_dir(MINI)
        assert case.activity("decision-point")["options"] == {"a": "Første vej", "b": "Anden vej"}
        assert case.block("del-1.1.2").speaker == "ada"
        assert case.activity("no-such-activity") == {}

    def test_version_and_labels(self):
        case = casekit.load_case_dir(MINI)
        assert case.version == "3"
        assert case.label("sector", "skole") == "Skole"
        assert case.label("sector", "unknown-key") == "unknown-key"

    def test_frames(self):
        case = casekit.load_case_dir(MINI)
        assert list(case.actors_frame()["id"]) == ["ada", "bo", "elever"]
        utterances = case.utterances_frame()
        assert list(utterances["speaker"]) == ["ada", "bo"]
        assert list(utterances["paragraph"]) == [1, 1]
        assert case.relations_frame().loc[0, "target_name"] == "Ada"

    def test_a_changed_file_is_read_again(self, mini: Path):
        assert casekit.load_case_dir(mini).title == "Minicasen"
        edit(mini / "da" / "meta.yaml", "title: Minicasen", "title: Ny titel")
        assert casekit.load_case_dir(mini).title == "Ny titel"


class TestFindingCases:
    """Cases are found by id; unknown ids and languages get a message listing what exists."""

    def test_list_cases(self):
        assert "samskabelse" in casekit.list_cases()

    def test_unknown_case(self):
        with pytest.raises(CaseNotFoundError, match="samskabelse"):
            casekit.load_case("no-such-case")

    def test_unknown_language(self):
        with pytest.raises(CaseNotFoundError, match="languages are: da"):
            casekit.load_case_dir(MINI, lang="fr")

    def test_path_like_ids_are_refused(self):
        with pytest.raises(CaseNotFoundError):
            casekit.load_case("../cases/samskabelse")

    def test_casekit_data_overrides_the_root(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        shutil.copytree(MINI, tmp_path / "mini")
        monkeypatch.setenv("CASEKIT_DATA", str(tmp_path))
        assert loader.list_cases() == ["mini"]
        assert casekit.load_case("mini").title == "Minicasen"


class TestValidation:
    """Every kind of broken data gets a message with the file, the field and the line."""

    def test_the_fixture_is_valid(self):
        assert casekit.validate(MINI) == []

    def test_missing_file(self, mini: Path):
        (mini / "da" / "questions.yaml").unlink()
        assert any(p.endswith("questions.yaml: file is missing") for p in problems_of(mini))
        with pytest.raises(CaseDataError, match=r"questions\.yaml: file is missing"):
            casekit.load_case_dir(mini)

    def test_yaml_syntax_error_names_the_line(self, mini: Path):
        edit(mini / "actors.yaml", "    kind: group", "    kind: [group")
        (problem,) = casekit.validate(mini)
        assert problem.file.endswith("actors.yaml")
        assert problem.line is not None and problem.line >= 21
        assert "YAML syntax error" in problem.message

    def test_unknown_speaker(self, mini: Path):
        edit(mini / "da" / "text.yaml", "- bo: Nej.", "- bob: Nej.")
        (problem,) = [p for p in casekit.validate(mini) if "speaker" in p.message]
        assert problem.message == "unknown speaker id 'bob' (not an actor in actors.yaml)"
        assert problem.field == "sections[del-1].paragraphs[1][4]"
        assert problem.line == 15

    def test_duplicate_ids(self, mini: Path):
        edit(mini / "da" / "questions.yaml", "id: beta-2", "id: beta-1")
        (problem,) = [p for p in casekit.validate(mini) if "duplicate" in p.message]
        assert "duplicate question id 'beta-1'" in problem.message
        assert problem.line == 13

    def test_duplicate_yaml_keys(self, mini: Path):
        edit(mini / "da" / "meta.yaml", "title: Minicasen", "title: Minicasen\ntitle: Igen")
        (problem,) = casekit.validate(mini)
        assert "duplicate key 'title'" in problem.message and problem.line == 2

    def test_relation_to_unknown_actor(self, mini: Path):
        edit(mini / "relations.yaml", "target: ada", "target: adam")
        (problem,) = casekit.validate(mini)
        assert str(problem).endswith(
            "relations.yaml:4 [relations[0].target]: relation to an unknown actor 'adam'"
        )

    def test_evidence_not_in_text(self, mini: Path):
        edit(mini / "relations.yaml", "så afbryder Bo", "så afbryder Ada")
        (problem,) = casekit.validate(mini)
        assert "not found word for word" in problem.message

    def test_question_without_group(self, mini: Path):
        edit(mini / "da" / "questions.yaml", "    group: alpha\n", "")
        (problem,) = casekit.validate(mini)
        assert problem.message == "question 'alpha-1' has no group"
        assert problem.line == 7

    def test_question_with_unknown_group(self, mini: Path):
        edit(mini / "da" / "questions.yaml", "group: alpha", "group: gamma")
        (problem,) = casekit.validate(mini)
        assert "unknown group 'gamma'" in problem.message

    def test_actor_without_local_name(self, mini: Path):
        edit(mini / "da" / "actors.yaml", "  elever: {name: Elever, role: Dem det handler om}\n", "")
        assert any("actor 'elever' has no name and role" in p for p in problems_of(mini))

    def test_wrong_types_and_unknown_fields(self, mini: Path):
        edit(mini / "actors.yaml", "speaks: false", "speaks: nej\n    colour: red")
        found = problems_of(mini)
        assert any("[actors[elever].speaks]: expected true or false, found 'nej'" in p for p in found)
        assert any("unknown field 'colour'" in p for p in found)

    def test_speaks_must_match_the_quotes(self, mini: Path):
        edit(
            mini / "actors.yaml",
            "    sector: not_stated\n    parts: [1]\n    speaks: true",
            "    sector: not_stated\n    parts: [1]\n    speaks: false",
        )
        (problem,) = casekit.validate(mini)
        assert "actor 'bo' says speaks: false but has quotes in the text" in problem.message

    @pytest.mark.parametrize(
        ("bad", "message"),
        [
            ("Andet  afsnit.", "double space"),
            (" Andet afsnit.", "starts or ends with a space"),
            ("• Andet afsnit.", "bullet"),
            ("Andet afsnit. www.lederliv.dk 6", "page footer"),
        ],
    )
    def test_text_hygiene(self, mini: Path, bad: str, message: str):
        edit(mini / "da" / "text.yaml", "- Andet afsnit.", f'- "{bad}"')
        (problem,) = casekit.validate(mini)
        assert message in problem.message

    def test_all_problems_are_reported_at_once(self, mini: Path):
        edit(mini / "relations.yaml", "target: ada", "target: adam")
        edit(mini / "da" / "text.yaml", "- bo: Nej.", "- bob: Nej.")
        with pytest.raises(CaseDataError) as info:
            casekit.load_case_dir(mini)
        assert len(info.value.problems) >= 2
        assert "unknown actor 'adam'" in str(info.value) and "unknown speaker id 'bob'" in str(info.value)

    def test_activity_references_must_exist(self, mini: Path):
        edit(mini / "da" / "activities.yaml", "evidence: [del-1.1.2]", "evidence: [del-1.9.9]")
        edit(mini / "da" / "activities.yaml", "question: beta-2", "question: beta-7")
        found = problems_of(mini)
        assert any(
            "activities.yaml:4 [decision-point.evidence]: unknown block id 'del-1.9.9'" in p for p in found
        )
        assert any("[dilemmas.dilemma-1.question]: unknown question id 'beta-7'" in p for p in found)

    @pytest.mark.parametrize(
        ("file", "old", "new"),
        [
            ("da/questions.yaml", None, None),  # the file is removed
            ("actors.yaml", "    kind: group", "    kind: [group"),
            ("da/text.yaml", "- bo: Nej.", "- bob: Nej."),
            ("da/questions.yaml", "id: beta-2", "id: beta-1"),
            ("relations.yaml", "target: ada", "target: adam"),
            ("da/questions.yaml", "    group: alpha\n", ""),
        ],
        ids=["missing-file", "yaml-syntax", "unknown-speaker", "duplicate-id", "unknown-actor", "no-group"],
    )
    def test_loading_raises_with_the_validation_messages(self, mini: Path, file: str, old, new):
        """`load_case` refuses a broken case with exactly the messages `casekit validate` prints."""
        if old is None:
            (mini / file).unlink()
        else:
            edit(mini / file, old, new)
        expected = problems_of(mini)
        assert expected
        with pytest.raises(CaseDataError) as info:
            casekit.load_case_dir(mini)
        assert [str(p) for p in info.value.problems] == expected
        assert all(line in str(info.value) for line in expected)

    def test_not_a_folder(self, tmp_path: Path):
        (problem,) = casekit.validate(tmp_path / "nothing")
        assert problem.message == "not a folder"
