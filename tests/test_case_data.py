"""The shipped case is faithful to its source: every word in order, artifacts fixed, quirks kept."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

import casekit

CASE_DIR = Path(__file__).resolve().parents[1] / "data" / "cases" / "samskabelse"
SOURCE = CASE_DIR / "source" / "000_3c5abedd891ee6d5.txt"
FOOTER = re.compile(r"www\.lederliv\.dk\s+\d+")


def words(text: str) -> list[str]:
    """The normalised word sequence: lower-case, punctuation and layout dropped."""
    return re.findall(r"\w+", text.lower())


def first_difference(expected: list[str], actual: list[str]) -> str:
    """A readable account of where two word sequences part, for a failing test."""
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            context = " ".join(expected[max(0, a0 - 8) : a0])
            return (
                f"{op} at source word {a0}: after …{context!r}, source has {' '.join(expected[a0:a1])!r}, "
                f"the case has {' '.join(actual[b0:b1])!r}"
            )
    return "no difference"


@pytest.mark.parametrize("case_id", casekit.list_cases())
def test_every_shipped_case_is_valid(case_id: str):
    """Each case folder passes validation, in every language it declares."""
    assert casekit.validate(casekit.loader.case_path(case_id)) == []


class TestFidelity:
    """The source's words appear in the loaded text in the same order, nothing added or dropped."""

    def test_word_sequence_matches_the_source(self, case: casekit.Case):
        source = words(FOOTER.sub(" ", SOURCE.read_text(encoding="utf-8")))
        loaded = words(case.full_text())
        assert source == loaded, first_difference(source, loaded)

    def test_source_copy_is_unchanged(self):
        import hashlib

        digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
        assert digest == "e5aaf8aafd69bc6bc6dbf1c392da1ba510c7a2b3c9248224eb531bb48a8afaab"

    def test_sections_in_order(self, case: casekit.Case):
        assert [s.id for s in case.sections] == [
            "abstract",
            "introduktion",
            "beskrivelse",
            "del-1",
            "del-2",
            "spoergsmaal",
            "organisering",
            "maalstyring",
            "etik",
            "efterspil",
        ]
        assert case.part(1).heading == "Case del 1: Planlægning af samskabelse"
        assert case.part(2).heading == "Case del 2: Undervejs i samskabelsesprocessen"


class TestArtifactsAreFixed:
    """What the PDF extraction broke is mended in the data."""

    def test_no_page_footer(self, case: casekit.Case):
        assert "lederliv.dk 6" not in case.full_text()

    def test_no_all_caps_runs(self, case: casekit.Case):
        caps = re.findall(r"(?:\b[A-ZÆØÅ]{2,}\b[\s,.–?!”:]*){5,}", case.full_text())
        assert caps == []

    def test_no_bullets(self, case: casekit.Case):
        assert "•" not in case.full_text()

    def test_no_words_split_across_lines(self, case: casekit.Case):
        text = case.full_text()
        assert "efter-/videreuddannelse" in text and "e-mails" in text
        # "børne- og ungedirektøren" is Danish; a hyphen followed by any other word is a split.
        assert re.findall(r"\w-\s+(?!og\b|eller\b)\w+", text) == []

    def test_no_stray_quote_punctuation(self, case: casekit.Case):
        assert "”," not in case.full_text().replace("”, ", "") and "”, Ja" not in case.full_text()

    def test_missing_quote_mark_restored(self, case: casekit.Case):
        assert "Så vi styrer processen lidt mere?” Sanne: ”Lad os gennemgå dem" in case.full_text()

    def test_dialogue_in_sentence_case_with_names(self, case: casekit.Case):
        text = case.part(1).text
        assert "bliver det Lars og Mette fra skolerne, Anne, Martin, Birgit og Karen fra klubber" in text
        assert "som vi tror Flemming og Majbritt også køber" in text
        assert "alfa omega" in text

    def test_attribution_joined_with_its_quote(self, case: casekit.Case):
        assert "imens han siger: ”Okay, så udover os" in case.part(1).text


class TestQuirksAreKept:
    """The authors' own spellings and slips stay as they wrote them."""

    @pytest.mark.parametrize(
        "quirk", ["Maibritt [direktørerne]", "et art værdisæt", "i henhold åben", "Pharrer", "Majbritt"]
    )
    def test_quirk_in_text(self, case: casekit.Case, quirk: str):
        assert quirk in case.full_text()

    def test_one_director_three_spellings(self, case: casekit.Case):
        director = case.actor("majbritt")
        assert director.name == "Majbritt"
        assert set(director.variants) == {"Maibritt", "MAJBRITT"}

    def test_second_ethics_question_ends_with_a_full_stop(self, case: casekit.Case):
        assert case.question("etik-2").text.endswith("hierarkier.")


class TestDialogue:
    """Parts 1 and 2 are sequences of blocks; each of the 16 direct quotes has its speaker."""

    def test_sixteen_utterances_with_speakers(self, case: casekit.Case):
        speakers = [b.speaker for b in case.utterances]
        assert len(speakers) == 16
        assert speakers == [
            "kim",
            "sanne",
            "kim",
            "sanne",
            "kim",
            "sanne",
            "kim",
            "sanne",
            "kim",
            "sanne",
            "jorun",
            "kim",
            "jorun",
            "sanne",
            "majbritt",
            "musikklubleder",
        ]

    def test_utterances_only_in_the_parts(self, case: casekit.Case):
        assert {b.section for b in case.utterances} == {"del-1", "del-2"}

    def test_speakers_are_flagged(self, case: casekit.Case):
        assert {a.id for a in case.actors if a.speaks} == {
            "kim",
            "sanne",
            "jorun",
            "majbritt",
            "musikklubleder",
        }


class TestActorsAndRelations:
    """Every stakeholder is in the data, also those not at the table; what the text leaves open stays open."""

    def test_eleven_named_people(self, case: casekit.Case):
        named = {
            "kim",
            "sanne",
            "lars",
            "mette",
            "anne",
            "martin",
            "birgit",
            "karen",
            "flemming",
            "majbritt",
            "jorun",
        }
        assert named <= {a.id for a in case.actors if a.kind == "person"}

    def test_stakeholders_not_at_the_table(self, case: casekit.Case):
        absent = {a.id for a in case.actors if not a.at_table}
        assert {"boern-unge", "frivillige", "politikere", "borgere"} <= absent

    def test_unstated_sectors_are_not_guessed(self, case: casekit.Case):
        for actor_id in ("anne", "martin", "birgit", "karen"):
            assert case.actor(actor_id).sector == "not_stated"
        assert case.label("sector", "not_stated") == "Ikke oplyst"

    def test_no_director_is_tied_to_a_post(self, case: casekit.Case):
        posts = {"boerne-ungedirektoer", "skole-fritidsdirektoer"}
        for relation in case.relations:
            assert not (
                {relation.source, relation.target} & {"flemming", "majbritt"}
                and {relation.source, relation.target} & posts
            )

    def test_relation_types_and_evidence(self, case: casekit.Case):
        types = {r.type for r in case.relations}
        assert types == {"leads", "reports_to", "member_of", "represents", "initiated_by", "interrupts"}
        for relation in case.relations:
            assert " ".join(relation.evidence.split()) in " ".join(
                case.section(relation.section).text.split()
            )

    def test_majbritt_interrupts(self, case: casekit.Case):
        frame = case.relations_frame()
        row = frame[frame["type"] == "interrupts"].iloc[0]
        assert (row["source"], row["target"], row["section"]) == ("majbritt", "sanne", "del-2")


class TestQuestionsAndReferences:
    """Ten questions in three groups, with stable ids; the citations as structured data."""

    def test_groups_and_ids(self, case: casekit.Case):
        assert [(g.id, len(g.questions)) for g in case.question_groups] == [
            ("organisering", 3),
            ("maalstyring", 4),
            ("etik", 3),
        ]
        assert [q.id for q in case.questions][:3] == ["organisering-1", "organisering-2", "organisering-3"]
        assert case.question_groups[2].heading == "Spørgsmål til refleksion over etiske dilemmaer"

    def test_references(self, case: casekit.Case):
        by_id = {r.id: r for r in case.references}
        assert by_id["bryson-crosby-stone-2015"].authors == ("Bryson", "Crosby", "Stone")
        assert {r.year for r in case.references if r.authors == ("Plotnikof",)} == {"2015", "2016a", "2016b"}

    def test_metadata(self, case: casekit.Case):
        assert case.source["publisher"] == "lederliv.dk"
        assert "lederliv.dk" in str(case.meta["attribution"])
        assert list(case.meta["programmes"]) == ["PD", "DIL", "DOL", "MPA", "MLU"]
        assert str(case.meta["audience"]).startswith("Casen henvender sig til")
