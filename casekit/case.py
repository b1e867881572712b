"""The case as frozen dataclasses: sections of blocks, actors, relations, questions and references.

Built by :mod:`casekit.loader`; nothing here reads files. pandas is imported only when a frame is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from casekit.errors import UnknownIdError
from casekit.i18n import t

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_CASE",
    "Actor",
    "Block",
    "Case",
    "Question",
    "QuestionGroup",
    "Reference",
    "Relation",
    "Section",
]

DEFAULT_CASE = "samskabelse"
"""The case casekit opens when none is named (the case folder's name)."""

BlockKind = Literal["narration", "utterance", "question"]

# A narration fragment that starts with one of these attaches to the text before it without a space.
_ATTACHING = (",", ".", ";", ":", "!", "?", "…")
OPEN_QUOTE = "”"
CLOSE_QUOTE = "”"


@dataclass(frozen=True)
class Block:
    """A run of text inside a paragraph: narration, a direct quote (utterance) or a question.

    ``id`` is ``<section>.<paragraph>.<index>``; ``paragraph`` counts from 1 inside the section, so a
    learner can cite "del-1 ¶3".
    """

    id: str
    kind: BlockKind
    text: str
    section: str
    paragraph: int
    speaker: str | None = None
    speaker_name: str | None = None
    question: str | None = None

    @property
    def ref(self) -> str:
        """The paragraph this block stands in, as a learner cites it: ``del-1 ¶3``."""
        return f"{self.section} ¶{self.paragraph}"

    @property
    def quoted(self) -> str:
        """The block as it reads in running text: an utterance inside the source's quote marks."""
        if self.kind == "utterance":
            return f"{OPEN_QUOTE}{self.text}{CLOSE_QUOTE}"
        return self.text


def join_blocks(blocks: tuple[Block, ...] | list[Block]) -> str:
    """Join the blocks of one paragraph into running text, the way the source prints it."""
    out = ""
    for block in blocks:
        piece = block.quoted
        if out and not piece.startswith(_ATTACHING):
            out += " "
        out += piece
    return out


@dataclass(frozen=True)
class Section:
    """A part of the case text with a heading: the abstract, part 1, a question group, the epilogue…"""

    id: str
    heading: str
    level: int
    blocks: tuple[Block, ...]
    part: int | None = None
    lang: str = "da"

    @property
    def paragraphs(self) -> tuple[tuple[Block, ...], ...]:
        """The blocks grouped by paragraph, in order."""
        groups: dict[int, list[Block]] = {}
        for block in self.blocks:
            groups.setdefault(block.paragraph, []).append(block)
        return tuple(tuple(groups[n]) for n in sorted(groups))

    @property
    def utterances(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind == "utterance")

    def cite(self, paragraph: int) -> str:
        """Paragraph ``paragraph`` as a reader of this edition cites it: "Del 1 ¶3", "Part 1 ¶3" (a part, in
        the catalog's words), else the section's heading and the number. (A block's ``ref``, ``del-1 ¶3``,
        is the id that answers store.)"""
        if self.part is not None:
            return t("paragraph_ref", self.lang, part=self.part, n=paragraph)
        return t("paragraph_ref_section", self.lang, section=self.heading, n=paragraph)

    @property
    def text(self) -> str:
        """Clean plain text: the heading, then each paragraph, separated by blank lines."""
        body = [join_blocks(p) for p in self.paragraphs]
        return "\n\n".join([self.heading, *body])

    def _repr_html_(self) -> str:
        from casekit import _html

        return _html.section_html(self, self.lang)

    def _repr_markdown_(self) -> str:
        from casekit import _html

        return _html.section_markdown(self, self.lang)


@dataclass(frozen=True)
class Actor:
    """A stakeholder: a named person, an unnamed one who acts, a post, a group or an organisation.

    ``project_group`` and ``workshop`` are ``True``/``False``, or ``None`` where the text does not say.
    """

    id: str
    name: str
    kind: Literal["person", "role", "group", "organisation"]
    sector: str
    role: str
    parts: tuple[int, ...]
    speaks: bool
    project_group: bool | None
    workshop: bool | None
    at_table: bool
    variants: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Relation:
    """A typed edge between two actors, with the source sentence that is its evidence."""

    source: str
    type: str
    target: str
    evidence: str
    section: str
    note: str = ""


@dataclass(frozen=True)
class Question:
    """One of the reflection questions, as written, with a stable id such as ``organisering-1``."""

    id: str
    group: str
    number: int
    text: str


@dataclass(frozen=True)
class QuestionGroup:
    id: str
    heading: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Reference:
    """An in-text citation: ``(Bryson, Crosby, & Stone, 2015)`` → authors and year, as printed."""

    id: str
    authors: tuple[str, ...]
    year: str
    cited_as: str
    sections: tuple[str, ...]


def _frozen() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Case:
    """A whole teaching case in one language."""

    id: str
    lang: str
    version: str
    title: str
    sections: tuple[Section, ...]
    question_groups: tuple[QuestionGroup, ...]
    actors: tuple[Actor, ...]
    relations: tuple[Relation, ...]
    references: tuple[Reference, ...]
    languages: tuple[str, ...] = ("da",)
    meta: Mapping[str, object] = field(default_factory=_frozen)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=_frozen)
    activities: Mapping[str, Any] = field(default_factory=_frozen)

    # -- look-ups ---------------------------------------------------------------------------------------
    # A case is frozen: what is worked out from it once stays true (cached_property writes to the instance's
    # __dict__, which a frozen dataclass allows). The class report asks these for every answer of every file.
    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for g in self.question_groups for q in g.questions)

    @cached_property
    def question_ids(self) -> frozenset[str]:
        """The ids of the case's reflection questions."""
        return frozenset(q.id for q in self.questions)

    @cached_property
    def actor_ids(self) -> frozenset[str]:
        """The ids of every actor."""
        return frozenset(a.id for a in self.actors)

    @cached_property
    def speaker_ids(self) -> frozenset[str]:
        """The ids of the actors who speak in the case (the goal chart's)."""
        return frozenset(a.id for a in self.actors if a.speaks)

    @property
    def source(self) -> Mapping[str, object]:
        """Where the case text comes from (publisher, address, attribution)."""
        return self.meta.get("source", {})  # type: ignore[return-value]

    def part(self, n: int) -> Section:
        """The section of part ``n`` (1 or 2)."""
        for section in self.sections:
            if section.part == n:
                return section
        parts = sorted(s.part for s in self.sections if s.part is not None)
        raise UnknownIdError(f"case {self.id!r} has no part {n}; its parts are {parts}")

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise UnknownIdError(f"case {self.id!r} has no section {section_id!r}")

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise UnknownIdError(f"case {self.id!r} has no actor {actor_id!r}")

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise UnknownIdError(f"case {self.id!r} has no question {question_id!r}")

    def question_group(self, group_id: str) -> QuestionGroup:
        for group in self.question_groups:
            if group.id == group_id:
                return group
        raise UnknownIdError(f"case {self.id!r} has no question group {group_id!r}")

    def activity(self, key: str) -> Mapping[str, Any]:
        """The texts of one activity (``da/activities.yaml``); an empty mapping if the case has none."""
        return self.activities.get(key) or {}

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise UnknownIdError(f"case {self.id!r} has no block {block_id!r}")

    def label(self, kind: str, key: str) -> str:
        """A display label from the case data, e.g. ``label("sector", "skole")``; the key if none."""
        return self.labels.get(kind, {}).get(key, key)

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(b for s in self.sections for b in s.blocks)

    @property
    def utterances(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind == "utterance")

    def cite(self, ref: str) -> str:
        """A paragraph reference (``del-1 ¶3``, as answers store it) as a reader of this edition reads it:
        "Del 1 ¶3", "Part 1 ¶3" (:meth:`Section.cite`); a reference to no paragraph of the case is shown as
        it is."""
        section_id, mark, number = ref.partition(" ¶")
        section = next((s for s in self.sections if s.id == section_id), None)
        if not mark or section is None or not number.isdigit():
            return ref
        return section.cite(int(number))

    def paragraph_text(self, ref: str) -> str:
        """The running text of a paragraph cited as ``del-1 ¶3``."""
        blocks = [b for b in self.blocks if b.ref == ref]
        if not blocks:
            raise UnknownIdError(f"case {self.id!r} has no paragraph {ref!r}")
        return join_blocks(blocks)

    def full_text(self) -> str:
        """The whole clean text, in order: every section's heading and paragraphs."""
        return "\n\n".join(s.text for s in self.sections)

    # -- frames -----------------------------------------------------------------------------------------
    def actors_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "sector": a.sector,
                "role": a.role,
                "parts": list(a.parts),
                "speaks": a.speaks,
                "project_group": a.project_group,
                "workshop": a.workshop,
                "at_table": a.at_table,
                "variants": list(a.variants),
            }
            for a in self.actors
        ]
        return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)

    def utterances_frame(self) -> pd.DataFrame:
        import pandas as pd

        parts = {s.id: s.part for s in self.sections}
        rows = [
            {
                "block": b.id,
                "section": b.section,
                "part": parts[b.section],
                "paragraph": b.paragraph,
                "speaker": b.speaker,
                "speaker_name": b.speaker_name,
                "text": b.text,
                "words": len(b.text.split()),
            }
            for b in self.utterances
        ]
        return pd.DataFrame(rows)

    def relations_frame(self) -> pd.DataFrame:
        import pandas as pd

        names = {a.id: a.name for a in self.actors}
        rows = [
            {
                "source": r.source,
                "source_name": names[r.source],
                "type": r.type,
                "target": r.target,
                "target_name": names[r.target],
                "evidence": r.evidence,
                "section": r.section,
            }
            for r in self.relations
        ]
        return pd.DataFrame(rows)

    # -- rich display -----------------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        from casekit import _html

        return _html.case_html(self)

    def _repr_markdown_(self) -> str:
        from casekit import _html

        return _html.case_markdown(self)

    def __repr__(self) -> str:
        return (
            f"Case({self.id!r}, lang={self.lang!r}, version={self.version!r}; {len(self.sections)} sections, "
            f"{len(self.actors)} actors, {len(self.questions)} questions)"
        )
