"""The English edition of the case: a faithful translation keeping ids, speakers, quirks, citations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

import casekit

DANISH_LETTERS = re.compile(r"[æøåÆØÅ]")
# Common Danish function words that have no English homograph: one of them in an English block means an
# untranslated Danish phrase.
DANISH_WORDS = {
    "og",
    "ikke",
    "jeg",
    "vi",
    "det",
    "som",
    "af",
    "til",
    "med",
    "der",
    "er",
    "hvor",
    "på",
    "så",
    "jo",
}
NAMED_PEOPLE = [
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
]
CITATION = re.compile(r"\([^()]*\d{4}[a-z]?\)")
REQUIRED_TERMS = [
    "dagtilbud",
    "klub",
    "fritidsklub",
    "skole",
    "skole- og dagtilbudsområderne",
    "PD",
    "DIL",
    "DOL",
    "MPA",
    "MLU",
    "børne- og ungedirektør",
    "skole- og fritidsdirektør",
    "ledelseskonsulent",
    "medarbejderrepræsentant",
    "kultur- og fritidstilbud",
    "åben skole",
    "åben dagtilbud",
    "0-18 års området",
    "inklusion",
]


@pytest.fixture(scope="module")
def da() -> casekit.Case:
    """The Danish edition, the authority."""
    return casekit.load_case("samskabelse", lang="da")


@pytest.fixture(scope="module")
def en() -> casekit.Case:
    """The English edition."""
    return casekit.load_case("samskabelse", lang="en")


def strings(node: Any) -> Iterator[str]:
    """Every string in a nested structure of mappings and lists."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from strings(item)


def allowed_danish_words(case: casekit.Case) -> set[str]:
    """The words with Danish letters that stay Danish in English: the cited authors' names."""
    return {word for r in case.references for author in r.authors for word in re.findall(r"\w+", author)}


def untranslated(text: str, allowed: set[str]) -> list[str]:
    """Words of ``text`` that look Danish: Danish letters (outside ``allowed``) or Danish function words."""
    words = re.findall(r"\w+", text)
    return [w for w in words if (DANISH_LETTERS.search(w) and w not in allowed) or w.lower() in DANISH_WORDS]


class TestLoading:
    """The English edition is declared, loads, and leaves the Danish default as it was."""

    def test_english_edition_loads(self, en: casekit.Case):
        """load_case(lang="en") gives the English edition with its English title."""
        assert en.lang == "en" and "en" in en.languages
        assert en.title == "Co-creation in the area of children and young people"

    def test_danish_stays_the_default(self, da: casekit.Case):
        """load_case() without a language still gives the Danish edition, unchanged in its title."""
        default = casekit.load_case("samskabelse")
        assert default.lang == "da" and default.title == da.title == "Samskabelse på børne- og ungeområdet"

    def test_both_editions_validate(self):
        """casekit validate finds no problem in either edition."""
        assert casekit.validate(casekit.loader.case_path("samskabelse")) == []


class TestSameIds:
    """Every id of the Danish edition is in the English one, in the same order and with the same speaker."""

    def test_sections(self, da: casekit.Case, en: casekit.Case):
        """The same sections in the same order, with the same number of paragraphs."""
        assert [(s.id, s.level, s.part, len(s.paragraphs)) for s in da.sections] == [
            (s.id, s.level, s.part, len(s.paragraphs)) for s in en.sections
        ]

    def test_blocks(self, da: casekit.Case, en: casekit.Case):
        """The same block ids, each of the same kind (narration, utterance, question)."""
        assert [(b.id, b.kind) for b in da.blocks] == [(b.id, b.kind) for b in en.blocks]

    def test_utterances_have_the_same_speakers(self, da: casekit.Case, en: casekit.Case):
        """Each of the 16 quotes is said by the same actor in both editions."""
        assert len(en.utterances) == len(da.utterances) == 16
        assert [(b.id, b.speaker) for b in da.utterances] == [(b.id, b.speaker) for b in en.utterances]

    def test_actors(self, da: casekit.Case, en: casekit.Case):
        """The same actors, and the eleven named people keep their names."""
        assert [a.id for a in da.actors] == [a.id for a in en.actors]
        for actor_id in NAMED_PEOPLE:
            assert en.actor(actor_id).name == da.actor(actor_id).name

    def test_questions(self, da: casekit.Case, en: casekit.Case):
        """The same question groups and the same ten questions."""
        assert [(g.id, [q.id for q in g.questions]) for g in da.question_groups] == [
            (g.id, [q.id for q in g.questions]) for g in en.question_groups
        ]
        assert len(en.questions) == 10

    def test_relations(self, da: casekit.Case, en: casekit.Case):
        """The same relations, each with its English evidence in the same section as the Danish."""
        assert [(r.source, r.type, r.target, r.section) for r in da.relations] == [
            (r.source, r.type, r.target, r.section) for r in en.relations
        ]
        for relation in en.relations:
            assert " ".join(relation.evidence.split()) in " ".join(en.section(relation.section).text.split())

    def test_activities_keys_chairs_and_frameworks(self, da: casekit.Case, en: casekit.Case):
        """The same activities, role-card chairs (ids, actors, evidence, emptiness) and frameworks."""
        assert list(da.activities) == list(en.activities)

        def chairs(case: casekit.Case) -> list[tuple]:
            return [
                (c["id"], list(c["actors"]), list(c["evidence"]), bool(c.get("empty")), len(c["questions"]))
                for c in case.activities["rolecards"]["chairs"]
            ]

        assert chairs(da) == chairs(en)
        assert [f["id"] for f in da.activities["frameworks"]] == [
            f["id"] for f in en.activities["frameworks"]
        ]
        assert list(en.activities["proposal"]["levels"].values()) == [
            "Inform",
            "Consult",
            "Involve",
            "Collaborate",
            "Empower",
        ]

    def test_attaching_fragments_keep_their_structure(self, da: casekit.Case, en: casekit.Case):
        """A narration fragment that attaches with , . or : in Danish starts with the same mark in English."""
        for d, e in zip(da.blocks, en.blocks, strict=True):
            if d.kind == "narration" and d.text[0] in ",.:":
                assert e.text[0] == d.text[0], e.id


class TestEnglish:
    """Every text of the English edition is English; only the cited authors' names keep Danish letters."""

    def test_every_block_is_nonempty_english(self, en: casekit.Case):
        """No block is empty, and none has a Danish word outside the cited authors' names."""
        allowed = allowed_danish_words(en)
        assert {w for w in allowed if DANISH_LETTERS.search(w)} == {"Sørensen", "Højlund"}
        for block in en.blocks:
            assert block.text.strip(), block.id
            assert untranslated(block.text, allowed) == [], block.id

    def test_headings_are_english(self, en: casekit.Case):
        """Every heading is translated."""
        for section in en.sections:
            assert untranslated(section.heading, set()) == [], section.id

    def test_actors_questions_and_activities_are_english(self, en: casekit.Case):
        """Actor names, roles and notes and every activity text are English."""
        for actor in en.actors:
            for text in (actor.name, actor.role, actor.note):
                assert untranslated(text, set()) == [], actor.id
        for text in strings(dict(en.activities)):
            assert untranslated(text, set()) == [], text[:60]

    def test_quotes_are_written_without_quote_marks(self, en: casekit.Case):
        """The renderer adds the quote marks; the data has none around a quote."""
        for block in en.utterances:
            assert block.text[0] not in '”“"' and block.text[-1] not in '”“"', block.id


class TestQuirksAreKept:
    """The authors' spellings, insertions and slips stand where the Danish has them."""

    def test_maibritt_once_in_kims_line(self, da: casekit.Case, en: casekit.Case):
        """Maibritt stands once, in the same line of Kim's as in Danish, with the bracketed insertion."""
        (da_block,) = [b for b in da.blocks if "Maibritt" in b.text]
        (en_block,) = [b for b in en.blocks if "Maibritt" in b.text]
        assert en_block.id == da_block.id and en_block.speaker == "kim"
        assert en.full_text().count("Maibritt") == 1
        assert "Flemming and Maibritt [the directors]" in en_block.text

    def test_majbritt_elsewhere_as_in_danish(self, da: casekit.Case, en: casekit.Case):
        """Majbritt stands in the same blocks, as often, as in the Danish text."""
        counts = {b.id: b.text.count("Majbritt") for b in da.blocks if "Majbritt" in b.text}
        assert counts == {b.id: b.text.count("Majbritt") for b in en.blocks if "Majbritt" in b.text}
        assert len(counts) >= 2

    def test_the_directors_in_brackets(self, en: casekit.Case):
        """The editorial insertion [direktørerne] is rendered [the directors], once."""
        assert en.full_text().count("[the directors]") == 1

    def test_pharrer_in_the_citations(self, en: casekit.Case):
        """The misspelling Pharrer is kept in the citation."""
        assert "Koschmann, Kuhn, & Pharrer, 2012" in en.section("introduktion").text

    def test_questions_end_as_in_danish(self, da: casekit.Case, en: casekit.Case):
        """Each question ends with the same mark as its Danish twin; the second ethics question with '.'."""
        for d, e in zip(da.questions, en.questions, strict=True):
            assert e.text[-1] == d.text[-1], e.id
        assert en.question("etik-2").text.endswith("hierarchies.")

    def test_lower_case_openings_kept(self, da: casekit.Case, en: casekit.Case):
        """The two quotes that open in lower case in the source open in lower case in English too."""
        for d, e in zip(da.utterances, en.utterances, strict=True):
            assert d.text[0].islower() == e.text[0].islower(), e.id

    def test_sort_of_value_set_and_hyphen_before_en_dash(self, en: casekit.Case):
        """'et art værdisæt' and the hyphen followed by an en dash keep their shape in English."""
        text = en.full_text()
        assert "a sort of value set" in text
        assert "that it - for the collaboration to succeed – is" in text

    def test_no_answer_key_sentence(self, en: casekit.Case):
        """The epilogue says, as the Danish does, that no answer key was made because none exists."""
        assert "we have not prepared an answer key, for such a thing quite simply does not exist" in (
            en.section("efterspil").text
        )


class TestCitations:
    """Every in-text citation of the Danish text stands identically in the English text."""

    def test_every_citation_identical(self, da: casekit.Case, en: casekit.Case):
        """Each parenthesised citation group of the Danish text is in the English text, identically."""
        danish = CITATION.findall(da.full_text())
        assert len(danish) == 7
        assert CITATION.findall(en.full_text()) == danish

    def test_every_cited_author_appears(self, en: casekit.Case):
        """Every author of references.yaml is named in the English text."""
        text = en.section("introduktion").text
        for reference in en.references:
            for author in reference.authors:
                assert author in text, reference.id


class TestGlossaryAndNote:
    """The Danish terms the English text renders are explained, and the edition says it is a translation."""

    def test_required_terms(self, en: casekit.Case):
        """The glossary has every required Danish term, each once."""
        terms = [e["term"] for e in en.meta["glossary"]]
        assert len(terms) == len(set(terms))
        assert set(REQUIRED_TERMS) <= set(terms)

    def test_every_rendering_is_used(self, en: casekit.Case):
        """Every rendering of the glossary appears in the English text, and every entry is explained."""
        text = en.full_text().casefold()
        for entry in en.meta["glossary"]:
            assert entry["english"].casefold() in text, entry["term"]
            assert len(entry["explanation"].split()) >= 5, entry["term"]

    def test_programme_expansions(self, en: casekit.Case):
        """The five programmes are explained with their usual Danish names."""
        explained = {e["term"]: e["explanation"] for e in en.meta["glossary"]}
        assert explained["PD"].startswith("Pædagogisk diplomuddannelse")
        assert explained["DIL"].startswith("Diplomuddannelse i ledelse")
        assert explained["DOL"].startswith("Den offentlige lederuddannelse")
        assert explained["MPA"].startswith("Master of Public Administration")
        assert explained["MLU"].startswith("Master i ledelse af uddannelsesinstitutioner")

    def test_translators_note(self, en: casekit.Case):
        """The translator's note says it is a translation of the Danish, not the authors' text."""
        translation = en.meta["translation"]
        assert translation["of"] == "da"
        note = " ".join(translation["note"].split())
        assert "Translated for casekit" in note and "not the authors’ text" in note
        assert "the Danish edition is the authority" in note

    def test_attribution_and_labels(self, da: casekit.Case, en: casekit.Case):
        """The attribution is English and names lederliv.dk; the labels have the same keys as in Danish."""
        assert (
            "lederliv.dk" in en.meta["attribution"]
            and "rights belong to the authors" in en.meta["attribution"]
        )
        assert list(en.meta["programmes"]) == list(da.meta["programmes"])
        assert {k: sorted(v) for k, v in en.labels.items()} == {k: sorted(v) for k, v in da.labels.items()}
        assert en.label("sector", "not_stated") == "Not stated"
