"""The loader reads a case folder into a Case, and names file, field and line of everything broken."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


ROLECARDS = """rolecards:
  title: Rollekort
  intro: Spil næste møde.
  chairs:
    - id: ada-stol
      title: Adas stol
      actors: [ada, zed]
      evidence: [del-1.1.2]
      note: Teksten siger lidt.
      questions: [Hvad vil du?, Hvem mangler?]
    - id: bo-stol
      title: Bos stol
      actors: [bo]
      evidence: [del-1.1.4]
      questions: [Hvad vil du?, Hvem mangler?]
"""

FRAMEWORKS = """frameworks:
  - id: ramme
    name: En ramme
    authors: Nogen
    reference: nobody-2000
    activities: [decision-point, nowhere]
    lens: Den ser på noget.
"""


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
        assert problem.line == 16  # one more since the yaml-language-server header

    def test_duplicate_ids(self, mini: Path):
        edit(mini / "da" / "questions.yaml", "id: beta-2", "id: beta-1")
        (problem,) = [p for p in casekit.validate(mini) if "duplicate" in p.message]
        assert "duplicate question id 'beta-1'" in problem.message
        assert problem.line == 14  # one more since the yaml-language-server header

    def test_duplicate_yaml_keys(self, mini: Path):
        edit(mini / "da" / "meta.yaml", "title: Minicasen", "title: Minicasen\ntitle: Igen")
        (problem,) = casekit.validate(mini)
        assert "duplicate key 'title'" in problem.message and problem.line == 3  # after the header

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
        assert problem.line == 8  # one more since the yaml-language-server header

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
            "activities.yaml:5 [decision-point.evidence]: unknown block id 'del-1.9.9'" in p for p in found
        )
        assert any("[dilemmas.dilemma-1.question]: unknown question id 'beta-7'" in p for p in found)

    def test_rolecard_actors_must_be_actors(self, mini: Path):
        """A chair of the role cards that seats an unknown actor is named with file, field and line."""
        with (mini / "da" / "activities.yaml").open("a", encoding="utf-8") as f:
            f.write(ROLECARDS)
        found = problems_of(mini)
        assert any(
            "activities.yaml:20 [rolecards.chairs[ada-stol].actors[1]]: unknown actor id 'zed'" in p
            for p in found
        ), found
        assert not any("'ada'" in p for p in found)

    def test_rolecard_chairs_are_unique_and_frameworks_name_activities(self, mini: Path):
        """Two chairs with one id, and a framework naming an unknown activity or reference, are problems."""
        text = ROLECARDS.replace("actors: [ada, zed]", "actors: [ada]").replace("id: bo-stol", "id: ada-stol")
        with (mini / "da" / "activities.yaml").open("a", encoding="utf-8") as f:
            f.write(text + FRAMEWORKS)
        found = problems_of(mini)
        assert any("[rolecards.chairs[1].id]: duplicate chair id 'ada-stol'" in p for p in found), found
        assert any("[frameworks[ramme].activities[1]]: unknown activity 'nowhere'" in p for p in found), found
        assert any("[frameworks[ramme].reference]: unknown reference id 'nobody-2000'" in p for p in found), (
            found
        )

    def test_rolecards_schema_refuses_unknown_fields(self, mini: Path):
        """A chair accepts only the fields the schema names."""
        text = ROLECARDS.replace("actors: [ada, zed]", "actors: [ada]").replace(
            "    note: Teksten siger lidt.", "    verdict: Ada har ret."
        )
        with (mini / "da" / "activities.yaml").open("a", encoding="utf-8") as f:
            f.write(text)
        found = problems_of(mini)
        assert any("[rolecards.chairs[ada-stol].verdict]: unknown field 'verdict'" in p for p in found), found

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


SCHEMAS = Path(loader.__file__).with_name("schemas") / "case"
REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "data" / "cases" / "samskabelse").glob("*.yaml")) + sorted(
    (REPO / "data" / "cases" / "samskabelse" / "da").glob("*.yaml")
)
FIXTURE = sorted(MINI.rglob("*.yaml"))
HEADER = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def schema_kind(path: Path) -> str:
    """The schema a case file follows: da/actors.yaml → local-actors, text.yaml → text."""
    top_level = (path.parent / "case.yaml").is_file()
    return "local-actors" if path.stem == "actors" and not top_level else path.stem


def read_schema(kind: str) -> dict:
    return json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))


def offline(uri: str) -> dict:
    """Resolve a cross-file $ref to a shipped schema file, never the network."""
    assert uri.startswith("https://casekit.invalid/schemas/case/"), uri
    return read_schema(uri.rsplit("/", 1)[1].split("#")[0].removesuffix(".schema.json"))


def full_validator(kind: str):
    import jsonschema
    import referencing
    from referencing.jsonschema import DRAFT202012

    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.schema.json")]
    registry = referencing.Registry().with_resources(
        (s["$id"], DRAFT202012.create_resource(s)) for s in schemas
    )
    return jsonschema.Draft202012Validator(read_schema(kind), registry=registry)


class TestSchemas:
    """The JSON Schemas are valid, compile with fastjsonschema, and accept every shipped case file."""

    def test_there_is_a_schema_per_kind_of_file(self):
        """Each kind of case file has its schema with $schema, a stable $id, a title and a description."""
        kinds = {"case", "actors", "relations", "references", "meta", "text", "local-actors", "questions"}
        for kind in {*kinds, "activities", "defs"}:
            schema = read_schema(kind)
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
            assert schema["$id"] == f"https://casekit.invalid/schemas/case/{kind}.schema.json"
            assert schema["title"] and schema["description"]

    @pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
    def test_every_schema_is_valid_and_compiles(self, path: Path):
        """Every schema passes its meta-schema and compiles with fastjsonschema, resolving refs offline."""
        import fastjsonschema
        import jsonschema

        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validators.validator_for(schema).check_schema(schema)
        check = fastjsonschema.compile(schema, handlers={"https": offline, "http": offline})
        assert callable(check)

    @pytest.mark.parametrize("path", SHIPPED + FIXTURE, ids=lambda p: str(p.relative_to(REPO)))
    def test_every_shipped_file_matches_its_schema(self, path: Path):
        """Every file of the shipped case and of the fixture passes both jsonschema and fastjsonschema."""
        import fastjsonschema

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        kind = schema_kind(path)
        assert [e.message for e in full_validator(kind).iter_errors(data)] == []
        fastjsonschema.compile(read_schema(kind), handlers={"https": offline})(data)

    @pytest.mark.parametrize("path", SHIPPED + FIXTURE, ids=lambda p: str(p.relative_to(REPO)))
    def test_every_shipped_file_names_its_schema_for_the_editor(self, path: Path):
        """Every shipped YAML file starts with a yaml-language-server header pointing at its schema file."""
        header = HEADER.match(path.read_text(encoding="utf-8"))
        assert header, f"{path} has no yaml-language-server header on its first line"
        target = (path.parent / header.group(1)).resolve()
        assert target.is_file(), target
        assert target == (SCHEMAS / f"{schema_kind(path)}.schema.json").resolve()


class TestSchemaMessages:
    """A file that breaks its schema gets a plain-English message with file, field and line."""

    def test_wrong_type(self, mini: Path):
        """A scalar where a list belongs says what was expected and what kind of value was found."""
        edit(mini / "actors.yaml", "parts: [1]", "parts: 1")
        (problem,) = casekit.validate(mini)
        assert str(problem).endswith("actors.yaml:6 [actors[ada].parts]: expected a list, found a number")

    def test_missing_field(self, mini: Path):
        """A missing required field is named, at the line where its record starts."""
        edit(mini / "actors.yaml", "    kind: person\n", "")
        (problem,) = casekit.validate(mini)
        assert (problem.message, problem.field, problem.line) == (
            "missing field 'kind'",
            "actors[ada].kind",
            3,
        )

    def test_unknown_field(self, mini: Path):
        """An unknown field is named with the fields that are allowed there, at its own line."""
        edit(mini / "actors.yaml", "speaks: false", "speaks: false\n    colour: red")
        (problem,) = casekit.validate(mini)
        assert problem.message == (
            "unknown field 'colour' (known fields: id, kind, sector, parts, speaks, project_group, workshop, "
            "at_table, variants)"
        )
        assert (problem.field, problem.line) == ("actors[elever].colour", 25)

    @pytest.mark.parametrize(
        ("old", "new", "message", "field", "line"),
        [
            (
                "kind: person",
                "kind: persona",
                "expected one of person | role | group | organisation, found 'persona'",
                "actors[ada].kind",
                4,
            ),
            (
                "workshop: not_stated",
                "workshop: maybe",
                "expected one of true | false | not_stated, found 'maybe'",
                "actors[ada].workshop",
                9,
            ),
        ],
        ids=["actor-kind", "tristate"],
    )
    def test_enum(self, mini: Path, old: str, new: str, message: str, field: str, line: int):
        """A value outside a fixed set lists the allowed values."""
        edit(mini / "actors.yaml", old, new)
        (problem,) = casekit.validate(mini)
        assert (problem.message, problem.field, problem.line) == (message, field, line)

    def test_relation_type_enum(self, mini: Path):
        """An unknown relation type lists the six relation types."""
        edit(mini / "relations.yaml", "type: interrupts", "type: likes")
        (problem,) = casekit.validate(mini)
        assert str(problem).endswith(
            "relations.yaml:5 [relations[0].type]: expected one of leads | reports_to | member_of | "
            "represents | initiated_by | interrupts, found 'likes'"
        )

    def test_id_pattern(self, mini: Path):
        """An id that is not lower-case words joined by '-' is refused, and the item is named by position."""
        edit(mini / "da" / "questions.yaml", "id: beta-2", "id: Beta 2")
        (problem,) = casekit.validate(mini)
        assert problem.message == "expected an id (a-z, 0-9, '-'), found 'Beta 2'"
        assert (problem.field, problem.line) == ("questions[2].id", 14)

    def test_an_actor_id_of_a_learners_own_stakeholder(self, mini: Path):
        """``own-1`` is where the stakeholder map keeps a learner's first own stakeholder: no actor has it."""
        actors = (mini / "actors.yaml").read_text(encoding="utf-8")
        first_id = actors.split("id: ", 1)[1].split()[0]
        for path in mini.rglob("*.yaml"):  # rename the actor everywhere, so only its id is wrong
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(first_id, "own-1"), encoding="utf-8")
        problems = casekit.validate(mini)
        assert [p.message for p in problems] == [
            "expected an actor id that is not one of a learner's own stakeholders (own-1, own-2, …), "
            "found 'own-1'"
        ]
        assert problems[0].field.endswith(".id") and "actors.yaml" in str(problems[0])

    def test_empty_text(self, mini: Path):
        """An empty heading is refused as non-empty text."""
        edit(mini / "da" / "text.yaml", "heading: Intro", 'heading: ""')
        (problem,) = casekit.validate(mini)
        assert (problem.message, problem.field, problem.line) == (
            "expected non-empty text, found ''",
            "sections[intro].heading",
            4,
        )

    def test_quote_with_two_speakers(self, mini: Path):
        """A quote block with two keys is explained as a quote, at the block's line and 1-based position."""
        edit(mini / "da" / "text.yaml", "- bo: Nej.", "- {bo: Nej., ada: Ja.}")
        (problem,) = casekit.validate(mini)
        assert problem.message == (
            "a quote is a mapping with exactly one key, the speaker id: {speaker: words}, "
            "found keys ['bo', 'ada']"
        )
        assert (problem.field, problem.line) == ("sections[del-1].paragraphs[1][4]", 16)

    def test_a_file_that_is_not_a_mapping(self, mini: Path):
        """A file holding a list where a mapping belongs says so, without a field."""
        (mini / "da" / "meta.yaml").write_text("- title\n", encoding="utf-8")
        (problem,) = casekit.validate(mini)
        assert (problem.message, problem.field) == ("expected a mapping, found a list", None)

    def test_all_schema_problems_of_several_files_at_once(self, mini: Path):
        """Schema problems in several files are listed at once, in file order; loading raises the same."""
        edit(mini / "actors.yaml", "speaks: false", "speaks: nej")
        edit(mini / "da" / "text.yaml", "heading: Intro", 'heading: ""')
        edit(mini / "da" / "questions.yaml", "id: beta-2", "id: Beta 2")
        edit(mini / "da" / "meta.yaml", "title: Minicasen\n", "")
        found = problems_of(mini)
        assert [p.split("/mini/", 1)[1] for p in found] == [
            "actors.yaml:24 [actors[elever].speaks]: expected true or false, found 'nej'",
            "da/meta.yaml:2 [meta.title]: missing field 'title'",
            "da/questions.yaml:14 [questions[2].id]: expected an id (a-z, 0-9, '-'), found 'Beta 2'",
            "da/text.yaml:4 [sections[intro].heading]: expected non-empty text, found ''",
        ]
        with pytest.raises(CaseDataError) as info:
            casekit.load_case_dir(mini)
        assert [str(p) for p in info.value.problems] == found


class TestEditions:
    """With more than one language, every edition has the same actor, section and question ids."""

    @staticmethod
    def bilingual(mini: Path) -> Path:
        shutil.copytree(mini / "da", mini / "en")
        edit(mini / "case.yaml", "languages: [da]", "languages: [da, en]")
        edit(
            mini / "relations.yaml",
            "      da: så afbryder Bo\n",
            "      da: så afbryder Bo\n      en: så afbryder Bo\n",
        )
        return mini

    def test_matching_editions_are_valid(self, mini: Path):
        """Two editions with the same ids pass, and each loads."""
        self.bilingual(mini)
        assert casekit.validate(mini) == []
        assert casekit.load_case_dir(mini, lang="en").lang == "en"

    def test_editions_differ(self, mini: Path):
        """An edition with other section or question ids is reported against the first edition."""
        self.bilingual(mini)
        edit(mini / "en" / "text.yaml", "id: spm", "id: spm-en")
        edit(mini / "en" / "questions.yaml", "  - id: alpha-1\n    group: alpha\n    text: Hvem taler?\n", "")
        found = [p.split("/mini/", 1)[1] for p in problems_of(mini)]
        assert found[:2] == [
            "en/text.yaml:2 [sections]: the section ids differ from the 'da' edition: "
            "missing spm; extra spm-en",
            "en/questions.yaml:7 [questions]: the question ids differ from the 'da' edition: missing alpha-1",
        ]
        # The question that is gone leaves its block without a translation, and that is said too.
        assert (
            "en/text.yaml [sections[alpha]]: block alpha.1.1 has no translation (in 'da': 'Hvem taler?')"
            in found
        )

    def test_a_block_without_its_translation(self, mini: Path):
        """A paragraph of the first edition that a translation leaves out is named with its block id."""
        self.bilingual(mini)
        edit(mini / "en" / "text.yaml", "      - Andet afsnit.\n", "")
        found = [str(p) for p in casekit.validate(mini)]
        assert any("block del-1.2.1 has no translation (in 'da': 'Andet afsnit.')" in p for p in found)

    def test_a_quote_given_to_another_speaker(self, mini: Path):
        """A translated quote must be spoken by the same actor as in the first edition."""
        self.bilingual(mini)
        edit(mini / "en" / "text.yaml", "- bo: Nej.", "- ada: Nej.")
        found = [str(p) for p in casekit.validate(mini)]
        assert any("is spoken by 'ada' here but by 'bo' in the 'da' edition" in p for p in found)


def test_loading_does_not_import_jsonschema():
    """Loading the shipped case checks it with fastjsonschema alone; jsonschema stays unimported."""
    code = (
        "import sys, casekit; casekit.load_case(); "
        "assert 'fastjsonschema' in sys.modules; assert 'jsonschema' not in sys.modules, 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
