"""Read a case folder, check it, and build a :class:`~casekit.case.Case`.

Every problem found is reported with the file, the field and the line, all at once (``validate``), and
loading a broken case raises :class:`~casekit.errors.CaseDataError` with the same messages. The format is
described in ``docs/data-format.md``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from casekit import _yaml
from casekit.case import (
    Actor,
    Block,
    Case,
    Question,
    QuestionGroup,
    Reference,
    Relation,
    Section,
    join_blocks,
)
from casekit.errors import CaseDataError, CaseNotFoundError, Problem

__all__ = ["case_path", "cases_root", "list_cases", "load_case", "load_case_dir", "validate"]

DEFAULT_CASE = "samskabelse"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ACTOR_KINDS = ("person", "role", "group", "organisation")
RELATION_TYPES = ("leads", "reports_to", "member_of", "represents", "initiated_by", "interrupts")
NOT_STATED = "not_stated"
_FOOTER = re.compile(r"www\.lederliv\.dk\s+\d+")


# -- where cases live ----------------------------------------------------------------------------------------
def cases_root() -> Path:
    """The folder holding one sub-folder per case.

    ``CASEKIT_DATA`` wins if set; an installed wheel carries the data inside the package; a source checkout
    reads the repository's ``data/cases``.
    """
    override = os.environ.get("CASEKIT_DATA")
    if override:
        return Path(override)
    packaged = Path(__file__).with_name("_data") / "cases"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data" / "cases"


def list_cases() -> list[str]:
    """The ids of the shipped cases, sorted."""
    root = cases_root()
    return sorted(p.name for p in root.iterdir() if (p / "case.yaml").is_file()) if root.is_dir() else []


def case_path(case_id: str) -> Path:
    folder = cases_root() / case_id
    if not ID_PATTERN.match(case_id) or not (folder / "case.yaml").is_file():
        known = ", ".join(list_cases()) or "none"
        raise CaseNotFoundError(f"no case {case_id!r}; the cases are: {known}")
    return folder


def load_case(case_id: str = DEFAULT_CASE, lang: str = "da") -> Case:
    """Load a shipped case in one language.

    Parameters
    ----------
    case_id
        The case folder's name, e.g. ``"samskabelse"`` (see :func:`list_cases`).
    lang
        ``"da"`` or another language the case has (``case.yaml`` lists them).

    Raises
    ------
    CaseNotFoundError
        No such case, or no edition in that language.
    CaseDataError
        The case data is broken; the message lists every problem with file, field and line.
    """
    return load_case_dir(case_path(case_id), lang)


def load_case_dir(path: str | os.PathLike[str], lang: str | None = None) -> Case:
    """Load the case in folder ``path``; ``lang`` defaults to the case's ``default_lang``."""
    folder = Path(path)
    return _load_cached(str(folder.resolve()), lang, _signature(folder))


def validate(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in a case folder, in every language it declares; an empty list means valid."""
    folder = Path(path)
    if not folder.is_dir():
        return [Problem(str(folder), "not a folder")]
    reader = _Reader(folder)
    languages = reader.languages()
    for lang in languages or [None]:
        reader.build(lang)
    return reader.unique_problems()


def _signature(folder: Path) -> tuple[tuple[str, int], ...]:
    """Modification times of the case files, so an edited case is read again."""
    try:
        return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in folder.rglob("*.yaml")))
    except OSError:
        return ()


@functools.lru_cache(maxsize=16)
def _load_cached(folder: str, lang: str | None, _signature: tuple[tuple[str, int], ...]) -> Case:
    reader = _Reader(Path(folder))
    languages = reader.languages()
    if lang is not None and languages and lang not in languages:
        raise CaseNotFoundError(
            f"case {Path(folder).name!r} has no edition in {lang!r}; "
            f"its languages are: {', '.join(languages)}"
        )
    case = reader.build(lang)
    problems = reader.unique_problems()
    if problems or case is None:
        raise CaseDataError(problems or [Problem(folder, "the case could not be read")])
    return case


# -- the reader ----------------------------------------------------------------------------------------------
class _Reader:
    """Reads one case folder, collecting problems instead of stopping at the first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self._files: dict[str, Any] = {}
        self.broken: set[str] = set()  # files that could not be read: checks against them are skipped

    # -- plumbing --
    def unique_problems(self) -> list[Problem]:
        return list(dict.fromkeys(self.problems))

    def file(self, name: str) -> Any:
        if name not in self._files:
            data, problems = _yaml.read(self.folder / name, self.display(name))
            self.problems.extend(problems)
            if problems:
                self.broken.add(name)
            self._files[name] = data
        return self._files[name]

    def display(self, name: str) -> str:
        return str(self.folder / name)

    def problem(self, name: str, message: str, field: str | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(self.display(name), message, field, line))

    def mapping(self, name: str, data: Any, field: str, line: int | None) -> dict | None:
        if isinstance(data, dict):
            return data
        self.problem(name, f"expected a mapping, found {_kind(data)}", field, line)
        return None

    def items(self, name: str, data: Any, key: str) -> list:
        """``data[key]`` as a list, or a problem saying it is missing or not a list."""
        if not isinstance(data, dict):
            if name not in self.broken:
                self.problem(name, f"expected a mapping with a '{key}' list, found {_kind(data)}")
            return []
        value = data.get(key)
        if not isinstance(value, list):
            self.problem(name, f"expected a list, found {_kind(value)}", key, _yaml.line_of(data, key))
            return []
        return value

    def field(
        self,
        name: str,
        record: dict,
        key: str,
        path: str,
        check: Callable[[Any], bool],
        expected: str,
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        if key not in record:
            if required:
                self.problem(name, f"missing field '{key}'", f"{path}.{key}", _yaml.line_of(record, key))
            return default
        value = record[key]
        if not check(value):
            self.problem(
                name, f"expected {expected}, found {value!r}", f"{path}.{key}", _yaml.line_of(record, key)
            )
            return default
        return value

    def unknown_fields(self, name: str, record: dict, path: str, known: tuple[str, ...]) -> None:
        for key in record:
            if key not in known:
                self.problem(
                    name,
                    f"unknown field '{key}' (known fields: {', '.join(known)})",
                    f"{path}.{key}",
                    _yaml.line_of(record, key),
                )

    def text(self, name: str, value: Any, field: str, line: int | None) -> str | None:
        """A piece of case text; reports extraction artifacts left in it."""
        if not isinstance(value, str) or not value:
            self.problem(name, f"expected non-empty text, found {_kind(value)}", field, line)
            return None
        issue = _hygiene(value)
        if issue:
            self.problem(name, issue, field, line)
        return value

    # -- files --
    def languages(self) -> list[str]:
        meta = self.file("case.yaml")
        if not isinstance(meta, dict):
            if meta is not None:
                self.problem("case.yaml", f"expected a mapping, found {_kind(meta)}")
            return []
        langs = self.field(
            "case.yaml", meta, "languages", "case", _is_str_list, "a list of language codes", default=[]
        )
        for lang in langs:
            if not (self.folder / lang).is_dir():
                self.problem(
                    "case.yaml",
                    f"language {lang!r} has no folder {lang}/",
                    "case.languages",
                    _yaml.line_of(meta, "languages"),
                )
        return list(langs)

    def build(self, lang: str | None) -> Case | None:
        meta = self.file("case.yaml")
        if not isinstance(meta, dict):
            return None
        case_id = self.field("case.yaml", meta, "id", "case", _is_id, "an id (a-z, 0-9, '-')", default="")
        if case_id and case_id != self.folder.name:
            self.problem(
                "case.yaml",
                f"id {case_id!r} differs from the folder name {self.folder.name!r}",
                "case.id",
                _yaml.line_of(meta, "id"),
            )
        version = str(self.field("case.yaml", meta, "version", "case", _is_scalar, "a version", default="0"))
        default_lang = self.field("case.yaml", meta, "default_lang", "case", _is_str, "a language code")
        source = self.field("case.yaml", meta, "source", "case", _is_dict, "a mapping", default={})
        self.unknown_fields(
            "case.yaml", meta, "case", ("id", "version", "default_lang", "languages", "source")
        )
        languages = tuple(meta.get("languages") or ())
        lang = lang or default_lang or "da"

        actors = self.actors(lang)
        known = {a.id: a for a in actors}
        lang_meta = self.lang_meta(lang, actors)
        groups = self.questions(lang)
        sections = self.sections(lang, known, groups)
        relations = self.relations(lang, known, sections)
        references = self.references({s.id for s in sections})
        self.check_speakers(actors, sections)
        activities = self.activities(lang, sections, groups)
        if lang_meta is None:
            return None
        labels = lang_meta.get("labels") or {}
        return Case(
            id=case_id,
            lang=lang,
            version=version,
            title=lang_meta.get("title", ""),
            sections=tuple(sections),
            question_groups=tuple(groups),
            actors=tuple(actors),
            relations=tuple(relations),
            references=tuple(references),
            languages=languages,
            meta=_freeze({**{k: v for k, v in lang_meta.items() if k != "labels"}, "source": dict(source)}),
            labels=_freeze(
                {kind: dict(values) for kind, values in labels.items() if isinstance(values, dict)}
            ),
            activities=_freeze(activities),
        )

    def actors(self, lang: str) -> list[Actor]:
        name, local_name = "actors.yaml", f"{lang}/actors.yaml"
        local = self.file(local_name)
        local_actors = local.get("actors") if isinstance(local, dict) else None
        if local is not None and not isinstance(local_actors, dict):
            self.problem(local_name, "expected a mapping 'actors' of actor id → name, role")
            local_actors = None
        local_actors = local_actors or {}
        actors: list[Actor] = []
        seen: set[str] = set()
        records = self.items(name, self.file(name), "actors")
        fields = (
            "id",
            "kind",
            "sector",
            "parts",
            "speaks",
            "project_group",
            "workshop",
            "at_table",
            "variants",
        )
        for i, record in enumerate(records):
            path = f"actors[{i}]"
            record = self.mapping(name, record, path, _yaml.line_of(records, i))
            if record is None:
                continue
            actor_id = self.field(name, record, "id", path, _is_id, "an id (a-z, 0-9, '-')")
            if actor_id is None:
                continue
            path = f"actors[{actor_id}]"
            if actor_id in seen:
                self.problem(
                    name, f"duplicate actor id {actor_id!r}", f"{path}.id", _yaml.line_of(record, "id")
                )
                continue
            seen.add(actor_id)
            self.unknown_fields(name, record, path, fields)
            kind = self.field(name, record, "kind", path, lambda v: v in ACTOR_KINDS, " | ".join(ACTOR_KINDS))
            sector = self.field(name, record, "sector", path, _is_str, "a sector key")
            parts = self.field(
                name, record, "parts", path, _is_parts, "a list of parts, e.g. [1, 2]", default=[]
            )
            speaks = self.field(name, record, "speaks", path, _is_bool, "true or false", default=False)
            in_group = self.field(
                name, record, "project_group", path, _is_tristate, "true, false or not_stated"
            )
            workshop = self.field(name, record, "workshop", path, _is_tristate, "true, false or not_stated")
            at_table = self.field(name, record, "at_table", path, _is_bool, "true or false", default=False)
            variants = self.field(
                name,
                record,
                "variants",
                path,
                _is_str_list,
                "a list of spellings",
                required=False,
                default=[],
            )
            texts = local_actors.get(actor_id)
            if not isinstance(texts, dict):
                self.problem(
                    local_name,
                    f"actor {actor_id!r} has no name and role here",
                    f"actors.{actor_id}",
                    getattr(local_actors, "line", None),
                )
                texts = {}
            else:
                self.unknown_fields(local_name, texts, f"actors.{actor_id}", ("name", "role", "note"))
            actors.append(
                Actor(
                    id=actor_id,
                    name=self.field(
                        local_name, texts, "name", f"actors.{actor_id}", _is_text, "a name", default=actor_id
                    )
                    if texts
                    else actor_id,
                    kind=kind or "person",
                    sector=sector or NOT_STATED,
                    role=self.field(
                        local_name, texts, "role", f"actors.{actor_id}", _is_text, "a role", default=""
                    )
                    if texts
                    else "",
                    parts=tuple(parts),
                    speaks=bool(speaks),
                    project_group=_tristate(in_group),
                    workshop=_tristate(workshop),
                    at_table=bool(at_table),
                    variants=tuple(variants),
                    note=str(texts.get("note") or ""),
                )
            )
        for extra in local_actors:
            if extra not in seen and name not in self.broken:
                self.problem(
                    local_name,
                    f"unknown actor id {extra!r} (not in actors.yaml)",
                    f"actors.{extra}",
                    _yaml.line_of(local_actors, extra),
                )
        return actors

    def lang_meta(self, lang: str, actors: list[Actor]) -> dict | None:
        name = f"{lang}/meta.yaml"
        meta = self.file(name)
        if meta is None:
            return None
        if not isinstance(meta, dict):
            self.problem(name, f"expected a mapping, found {_kind(meta)}")
            return None
        self.field(name, meta, "title", "meta", _is_text, "a title")
        self.field(name, meta, "attribution", "meta", _is_text, "an attribution line")
        labels = self.field(name, meta, "labels", "meta", _is_dict, "a mapping of label kinds", default={})
        sectors = labels.get("sector") if isinstance(labels.get("sector"), dict) else {}
        for actor in actors:
            if actor.sector not in sectors:
                self.problem(
                    name,
                    f"no label for sector {actor.sector!r} (used by actor {actor.id!r})",
                    "meta.labels.sector",
                    _yaml.line_of(labels, "sector"),
                )
        return meta

    def questions(self, lang: str) -> list[QuestionGroup]:
        name = f"{lang}/questions.yaml"
        data = self.file(name)
        groups: dict[str, tuple[str, list[Question]]] = {}
        for i, record in enumerate(self.items(name, data, "groups")):
            record = self.mapping(name, record, f"groups[{i}]", _yaml.line_of(data.get("groups"), i))
            if record is None:
                continue
            group_id = self.field(name, record, "id", f"groups[{i}]", _is_id, "an id")
            heading = self.field(name, record, "heading", f"groups[{i}]", _is_text, "a heading")
            if group_id is None:
                continue
            if group_id in groups:
                self.problem(
                    name, f"duplicate group id {group_id!r}", f"groups[{i}].id", _yaml.line_of(record, "id")
                )
                continue
            if heading is not None:
                self.text(name, heading, f"groups[{group_id}].heading", _yaml.line_of(record, "heading"))
            groups[group_id] = (heading or group_id, [])
        seen: set[str] = set()
        records = self.items(name, data, "questions")
        for i, record in enumerate(records):
            record = self.mapping(name, record, f"questions[{i}]", _yaml.line_of(records, i))
            if record is None:
                continue
            question_id = self.field(name, record, "id", f"questions[{i}]", _is_id, "an id")
            if question_id is None:
                continue
            path = f"questions[{question_id}]"
            if question_id in seen:
                self.problem(
                    name, f"duplicate question id {question_id!r}", f"{path}.id", _yaml.line_of(record, "id")
                )
                continue
            seen.add(question_id)
            self.unknown_fields(name, record, path, ("id", "group", "text"))
            group = record.get("group")
            if group is None:
                self.problem(name, f"question {question_id!r} has no group", f"{path}.group", record.line)
                continue
            if group not in groups:
                self.problem(
                    name,
                    f"question {question_id!r} names an unknown group {group!r} "
                    f"(groups: {', '.join(groups)})",
                    f"{path}.group",
                    _yaml.line_of(record, "group"),
                )
                continue
            text = self.text(name, record.get("text"), f"{path}.text", _yaml.line_of(record, "text"))
            if text is not None:
                members = groups[group][1]
                members.append(Question(id=question_id, group=group, number=len(seen), text=text))
        return [QuestionGroup(id=g, heading=h, questions=tuple(qs)) for g, (h, qs) in groups.items()]

    def sections(self, lang: str, actors: dict[str, Actor], groups: list[QuestionGroup]) -> list[Section]:
        name = f"{lang}/text.yaml"
        data = self.file(name)
        records = self.items(name, data, "sections")
        sections: list[Section] = []
        seen: set[str] = set()
        for i, record in enumerate(records):
            record = self.mapping(name, record, f"sections[{i}]", _yaml.line_of(records, i))
            if record is None:
                continue
            section_id = self.field(name, record, "id", f"sections[{i}]", _is_id, "an id")
            if section_id is None:
                continue
            path = f"sections[{section_id}]"
            if section_id in seen:
                self.problem(
                    name, f"duplicate section id {section_id!r}", f"{path}.id", _yaml.line_of(record, "id")
                )
                continue
            seen.add(section_id)
            self.unknown_fields(
                name, record, path, ("id", "heading", "level", "part", "paragraphs", "questions")
            )
            heading = self.text(
                name, record.get("heading"), f"{path}.heading", _yaml.line_of(record, "heading")
            )
            level = self.field(name, record, "level", path, lambda v: v in (1, 2), "1 or 2", default=1)
            part = self.field(name, record, "part", path, _is_part, "a part number", required=False)
            blocks = self.blocks(name, section_id, record, path, actors)
            sections.append(
                Section(
                    id=section_id,
                    heading=heading or section_id,
                    level=level,
                    blocks=tuple(blocks),
                    part=part,
                    lang=lang,
                )
            )
            if record.get("questions") is True:
                sections.extend(_question_sections(groups, level + 1, lang))
        for group in groups:
            if group.id in seen:
                self.problem(name, f"section id {group.id!r} is also a question group id", "sections")
        return sections

    def blocks(
        self, name: str, section_id: str, record: dict, path: str, actors: dict[str, Actor]
    ) -> list[Block]:
        paragraphs = record.get("paragraphs", [])
        if not isinstance(paragraphs, list):
            self.problem(
                name,
                f"expected a list of paragraphs, found {_kind(paragraphs)}",
                f"{path}.paragraphs",
                _yaml.line_of(record, "paragraphs"),
            )
            return []
        blocks: list[Block] = []
        for p, paragraph in enumerate(paragraphs, start=1):
            items = paragraph if isinstance(paragraph, list) else [paragraph]
            line = _yaml.line_of(paragraphs, p - 1)
            for b, item in enumerate(items, start=1):
                where = f"{path}.paragraphs[{p}][{b}]"
                item_line = _yaml.line_of(items, b - 1) if isinstance(items, _yaml.LineList) else line
                block_id = f"{section_id}.{p}.{b}"
                if isinstance(item, dict):
                    if len(item) != 1:
                        self.problem(
                            name,
                            "a quote is a mapping with exactly one key, the speaker id: "
                            f"{{speaker: words}}, found keys {list(item)}",
                            where,
                            item_line,
                        )
                        continue
                    ((speaker, words),) = item.items()
                    if speaker not in actors and "actors.yaml" not in self.broken:
                        self.problem(
                            name,
                            f"unknown speaker id {speaker!r} (not an actor in actors.yaml)",
                            where,
                            item_line,
                        )
                        continue
                    words = self.text(name, words, where, item_line)
                    if words is not None:
                        blocks.append(
                            Block(
                                block_id,
                                "utterance",
                                words,
                                section_id,
                                p,
                                speaker=speaker,
                                speaker_name=actors[speaker].name if speaker in actors else speaker,
                            )
                        )
                else:
                    words = self.text(name, item, where, item_line)
                    if words is not None:
                        blocks.append(Block(block_id, "narration", words, section_id, p))
        return blocks

    def relations(self, lang: str, actors: dict[str, Actor], sections: list[Section]) -> list[Relation]:
        name = "relations.yaml"
        if not (self.folder / name).is_file():
            return []
        paragraphs = [(s.id, _squash(join_blocks(p))) for s in sections for p in s.paragraphs]
        relations: list[Relation] = []
        records = self.items(name, self.file(name), "relations")
        for i, record in enumerate(records):
            path = f"relations[{i}]"
            record = self.mapping(name, record, path, _yaml.line_of(records, i))
            if record is None:
                continue
            self.unknown_fields(name, record, path, ("source", "type", "target", "evidence", "note"))
            ends = []
            for end in ("source", "target"):
                actor_id = self.field(name, record, end, path, _is_str, "an actor id")
                if actor_id is not None and actor_id not in actors and "actors.yaml" not in self.broken:
                    self.problem(
                        name,
                        f"relation to an unknown actor {actor_id!r}",
                        f"{path}.{end}",
                        _yaml.line_of(record, end),
                    )
                    actor_id = None
                ends.append(actor_id)
            rel_type = self.field(
                name, record, "type", path, lambda v: v in RELATION_TYPES, " | ".join(RELATION_TYPES)
            )
            evidence = self.field(
                name, record, "evidence", path, _is_dict, "a mapping language → sentence", default={}
            )
            sentence = evidence.get(lang) if isinstance(evidence, dict) else None
            if sentence is None:
                self.problem(
                    name,
                    f"no evidence in {lang!r}",
                    f"{path}.evidence.{lang}",
                    _yaml.line_of(record, "evidence"),
                )
                continue
            found = [sid for sid, text in paragraphs if _squash(str(sentence)) in text]
            if not found:
                self.problem(
                    name,
                    f"the evidence is not found word for word in {lang}/text.yaml: {str(sentence)[:80]!r}",
                    f"{path}.evidence.{lang}",
                    _yaml.line_of(evidence, lang),
                )
                continue
            if None in ends or rel_type is None:
                continue
            relations.append(
                Relation(
                    source=ends[0],
                    type=rel_type,
                    target=ends[1],
                    evidence=str(sentence),
                    section=found[0],
                    note=str(record.get("note") or ""),
                )
            )
        return relations

    def references(self, section_ids: set[str]) -> list[Reference]:
        name = "references.yaml"
        if not (self.folder / name).is_file():
            return []
        references: list[Reference] = []
        seen: set[str] = set()
        records = self.items(name, self.file(name), "references")
        for i, record in enumerate(records):
            path = f"references[{i}]"
            record = self.mapping(name, record, path, _yaml.line_of(records, i))
            if record is None:
                continue
            self.unknown_fields(name, record, path, ("id", "authors", "year", "cited_as", "sections"))
            ref_id = self.field(name, record, "id", path, _is_id, "an id")
            if ref_id in seen:
                self.problem(
                    name, f"duplicate reference id {ref_id!r}", f"{path}.id", _yaml.line_of(record, "id")
                )
                continue
            authors = self.field(name, record, "authors", path, _is_str_list, "a list of names", default=[])
            year = self.field(name, record, "year", path, _is_scalar, "a year as printed", default="")
            cited_as = self.field(
                name, record, "cited_as", path, _is_text, "the citation as printed", default=""
            )
            where = self.field(
                name, record, "sections", path, _is_str_list, "a list of section ids", default=[]
            )
            for section_id in where:
                if section_id not in section_ids:
                    self.problem(
                        name,
                        f"unknown section id {section_id!r}",
                        f"{path}.sections",
                        _yaml.line_of(record, "sections"),
                    )
            if ref_id is None:
                continue
            seen.add(ref_id)
            references.append(Reference(ref_id, tuple(authors), str(year), cited_as, tuple(where)))
        return references

    def activities(self, lang: str, sections: list[Section], groups: list[QuestionGroup]) -> dict:
        """The optional activity texts; every ``evidence`` block id and ``question`` id must exist."""
        name = f"{lang}/activities.yaml"
        if not (self.folder / name).is_file():
            return {}
        data = self.file(name)
        if not isinstance(data, dict):
            if name not in self.broken:
                self.problem(name, f"expected a mapping of activity → texts, found {_kind(data)}")
            return {}
        blocks = {b.id for s in sections for b in s.blocks}
        questions = {q.id for g in groups for q in g.questions}

        def walk(node: Any, path: str) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    where = f"{path}.{key}" if path else str(key)
                    if key == "evidence":
                        refs = value if isinstance(value, list) else [value]
                        for ref in refs:
                            if ref not in blocks:
                                self.problem(
                                    name,
                                    f"unknown block id {ref!r} (ids look like del-1.3.10)",
                                    where,
                                    _yaml.line_of(node, key),
                                )
                    elif key == "question" and value not in questions:
                        self.problem(name, f"unknown question id {value!r}", where, _yaml.line_of(node, key))
                    else:
                        walk(value, where)
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, f"{path}[{i}]")
            elif isinstance(node, str):
                issue = _hygiene(node)
                if issue:
                    self.problem(name, issue, path, None)

        walk(data, "")
        return data

    def check_speakers(self, actors: list[Actor], sections: list[Section]) -> None:
        """``speaks`` in actors.yaml must agree with the quotes in the text."""
        speakers = {b.speaker for s in sections for b in s.utterances}
        records = self.file("actors.yaml")
        items = records.get("actors") if isinstance(records, dict) else None
        lines = {r.get("id"): r.line_of("speaks") for r in items or [] if isinstance(r, _yaml.LineDict)}
        for actor in actors:
            if actor.speaks != (actor.id in speakers):
                said = "has no quote in the text" if actor.speaks else "has quotes in the text"
                self.problem(
                    "actors.yaml",
                    f"actor {actor.id!r} says speaks: {str(actor.speaks).lower()} but {said}",
                    f"actors[{actor.id}].speaks",
                    lines.get(actor.id),
                )


# -- helpers -------------------------------------------------------------------------------------------------
def _question_sections(groups: list[QuestionGroup], level: int, lang: str) -> list[Section]:
    sections = []
    for group in groups:
        # A question's paragraph is its number across all groups, as the activities and the hand-in show it.
        blocks = tuple(
            Block(f"{group.id}.{q.number}.1", "question", q.text, group.id, q.number, question=q.id)
            for q in group.questions
        )
        sections.append(Section(group.id, group.heading, min(level, 2), blocks, lang=lang))
    return sections


def _hygiene(text: str) -> str | None:
    if text != text.strip():
        return "text starts or ends with a space"
    if "  " in text:
        return (
            f"double space in the text near {text[max(0, text.index('  ') - 20) : text.index('  ') + 20]!r}"
        )
    if "\n" in text:
        return "line break inside the text (use a folded block: '>-')"
    if "•" in text:
        return "bullet '•' left in the text"
    if _FOOTER.search(text):
        return "page footer left in the text"
    return None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _freeze(mapping: dict) -> Any:
    return MappingProxyType(mapping)


_KINDS = ((type(None), "nothing"), (bool, "true/false"), (dict, "a mapping"), (list, "a list"), (str, "text"))


def _kind(value: Any) -> str:
    """How a wrong value looks, for a message: 'a list', 'text', 'nothing'…"""
    return next((name for kind, name in _KINDS if isinstance(value, kind)), type(value).__name__)


def _tristate(value: Any) -> bool | None:
    return None if value == NOT_STATED or value is None else bool(value)


def _is_str(v: Any) -> bool:
    return isinstance(v, str) and bool(v)


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _is_id(v: Any) -> bool:
    return isinstance(v, str) and bool(ID_PATTERN.match(v))


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_tristate(v: Any) -> bool:
    return isinstance(v, bool) or v == NOT_STATED


def _is_dict(v: Any) -> bool:
    return isinstance(v, dict)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, (str, int)) and not isinstance(v, bool)


def _is_part(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def _is_parts(v: Any) -> bool:
    return isinstance(v, list) and all(_is_part(p) for p in v)


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) and x for x in v)
