"""Read a case folder, check it, and build a :class:`~casekit.case.Case`.

Each case file is checked against its JSON Schema in ``casekit/schemas/case/`` (the reference of the format;
``docs/data-format.md`` introduces it); what a schema cannot say (ids that must exist, match or be unique,
evidence found in the text, text hygiene) is checked here. Every problem found is reported with the file,
the field and the line, all at once (``validate``), and loading a broken case raises
:class:`~casekit.errors.CaseDataError` with the same messages.

Loading stays cheap: a file is checked by a validator that fastjsonschema compiles once per process, and
only a file that fails (or ``validate``) brings in jsonschema, which lists every error with its path.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

from casekit import _schemas, _yaml
from casekit._text import SLUG_PATTERN
from casekit.case import (
    DEFAULT_CASE,
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
from casekit.i18n import default_lang

__all__ = ["case_path", "cases_root", "list_cases", "load_case", "load_case_dir", "validate"]

ID_PATTERN = SLUG_PATTERN
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
    """The folder of a shipped case; :class:`CaseNotFoundError` names the cases there are."""
    folder = cases_root() / case_id
    if not ID_PATTERN.match(case_id) or not (folder / "case.yaml").is_file():
        known = ", ".join(list_cases()) or "none"
        raise CaseNotFoundError(f"no case {case_id!r}; the cases are: {known}")
    return folder


def load_case(case_id: str = DEFAULT_CASE, lang: str | None = None) -> Case:
    """Load a shipped case in one language.

    Parameters
    ----------
    case_id
        The case folder's name, e.g. ``"samskabelse"`` (see :func:`list_cases`).
    lang
        ``"da"``, ``"en"`` or another language the case has (``case.yaml`` lists them). Default:
        ``$CASEKIT_LANG``, else Danish.

    Raises
    ------
    CaseNotFoundError
        No such case, or no edition in that language.
    CaseDataError
        The case data is broken; the message lists every problem with file, field and line.
    """
    return load_case_dir(case_path(case_id), lang or default_lang())


def load_case_dir(path: str | os.PathLike[str], lang: str | None = None) -> Case:
    """Load the case in folder ``path``; ``lang`` defaults to the case's ``default_lang``."""
    folder = Path(path)
    return _load_cached(str(folder.resolve()), lang, _signature(folder))


def validate(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in a case folder, in every language it declares; an empty list means valid.

    Besides each edition's own checks, the editions are compared: they must have the same actor, section
    and question ids, and every text block of the first edition must have its translation (the same block
    id, a quote by the same speaker) in every other.
    """
    folder = Path(path)
    if not folder.is_dir():
        return [Problem(str(folder), "not a folder")]
    reader = _Reader(folder, thorough=True)
    languages = reader.languages()
    # With no readable case.yaml there are no languages: the default edition is checked all the same.
    editions: list[str | None] = list(languages) or [None]
    built = {lang: reader.build(lang) for lang in editions}
    reader.compare_editions(languages)
    if languages:
        reader.compare_blocks(languages, {lang: case for lang, case in built.items() if lang and case})
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


# -- the schemas ---------------------------------------------------------------------------------------------
def _schema_kind(name: str) -> str:
    """The schema of a case file: ``da/actors.yaml`` → ``local-actors``, ``da/text.yaml`` → ``text``."""
    stem = name.rsplit("/", 1)[-1].removesuffix(".yaml")
    return "local-actors" if "/" in name and stem == "actors" else stem


def _schema_problems(file: str, kind: str, data: Any, thorough: bool) -> list[Problem]:
    """Where ``data`` does not match its schema, as problems with field and line, in line order."""
    if not thorough:
        try:
            # Only whether the data fits is asked here (a refusal is explained by jsonschema below):
            # without detailed exceptions the validators compile in half the time, on every notebook's path.
            _schemas.fast(f"case/{kind}", detailed=False)(data)
            return []
        except Exception:  # a schema violation, or data the generated code cannot take: ask jsonschema
            pass
    errors = _schemas.full(f"case/{kind}").iter_errors(data)
    prefix = kind if kind in ("case", "meta") else ""
    missing = {key: message for (where, key), message in _MISSING.items() if where == kind}
    return _yaml.schema_problems(file, data, errors, prefix=prefix, id_pattern=ID_PATTERN, missing=missing)


# Missing fields that have a message of their own.
_MISSING = {("questions", "group"): "question {id!r} has no group"}


# -- the reader ----------------------------------------------------------------------------------------------
class _Reader:
    """Reads one case folder, collecting problems instead of stopping at the first.

    A file that cannot be read or does not match its schema is reported, and the checks that need it are
    skipped (``data`` gives ``None``); everything else is still checked.
    """

    def __init__(self, folder: Path, thorough: bool = False) -> None:
        self.folder = folder
        self.thorough = thorough  # check every file with jsonschema, not only those fastjsonschema refuses
        self.problems: list[Problem] = []
        self._data: dict[str, Any] = {}

    def unique_problems(self) -> list[Problem]:
        return list(dict.fromkeys(self.problems))

    def display(self, name: str) -> str:
        return str(self.folder / name)

    def problem(self, name: str, message: str, field: str | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(self.display(name), message, field, line))

    def exists(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def data(self, name: str) -> Any:
        """The contents of a case file if it reads and matches its schema, else ``None``."""
        if name not in self._data:
            data, problems = _yaml.read(self.folder / name, self.display(name))
            if not problems:
                problems = _schema_problems(self.display(name), _schema_kind(name), data, self.thorough)
            self.problems.extend(problems)
            self._data[name] = None if problems else data
        return self._data[name]

    def duplicate(self, name: str, what: str, ident: str, seen: set[str], field: str, record: Any) -> bool:
        """Whether ``ident`` was seen before (and reported as a duplicate); remembers it otherwise."""
        if ident in seen:
            self.problem(name, f"duplicate {what} id {ident!r}", field, _yaml.line_of(record, "id"))
            return True
        seen.add(ident)
        return False

    def hygiene(self, name: str, text: str, field: str, line: int | None) -> None:
        issue = _hygiene(text)
        if issue:
            self.problem(name, issue, field, line)

    # -- files --
    def languages(self) -> list[str]:
        meta = self.data("case.yaml")
        if meta is None:
            return []
        for lang in meta["languages"]:
            if not (self.folder / lang).is_dir():
                line = _yaml.line_of(meta, "languages")
                self.problem("case.yaml", f"language {lang!r} has no folder {lang}/", "case.languages", line)
        if meta["id"] != self.folder.name:
            self.problem(
                "case.yaml",
                f"id {meta['id']!r} differs from the folder name {self.folder.name!r}",
                "case.id",
                _yaml.line_of(meta, "id"),
            )
        return list(meta["languages"])

    def build(self, lang: str | None) -> Case | None:
        meta = self.data("case.yaml")
        lang = lang or (meta["default_lang"] if meta else None) or "da"
        actors = self.actors(lang)
        known = {a.id: a for a in actors} if actors is not None else None
        lang_meta = self.lang_meta(lang, actors)
        groups = self.questions(lang)
        sections = self.sections(lang, known, groups)
        relations = self.relations(lang, known, sections)
        references = self.references(sections)
        self.check_speakers(actors, sections)
        activities = self.activities(lang, sections, groups)
        if (
            meta is None
            or actors is None
            or lang_meta is None
            or groups is None
            or sections is None
            or relations is None
            or references is None
            or activities is None
        ):
            return None
        labels = lang_meta.get("labels") or {}
        return Case(
            id=meta["id"],
            lang=lang,
            version=str(meta["version"]),
            title=lang_meta.get("title", ""),
            sections=tuple(sections),
            question_groups=tuple(groups),
            actors=tuple(actors),
            relations=tuple(relations),
            references=tuple(references),
            languages=tuple(meta["languages"]),
            meta=_freeze(
                {**{k: v for k, v in lang_meta.items() if k != "labels"}, "source": dict(meta["source"])}
            ),
            labels=_freeze({kind: dict(values) for kind, values in labels.items()}),
            activities=_freeze(activities),
        )

    def actors(self, lang: str) -> list[Actor] | None:
        """The actors of actors.yaml with their names from ``<lang>/actors.yaml``; every id needs one."""
        name, local_name = "actors.yaml", f"{lang}/actors.yaml"
        data, local = self.data(name), self.data(local_name)
        if data is None:
            return None
        texts = local["actors"] if local is not None else {}
        actors: list[Actor] = []
        ids: set[str] = set()
        for record in data["actors"]:
            actor_id = record["id"]
            if self.duplicate(name, "actor", actor_id, ids, f"actors[{actor_id}].id", record):
                continue
            if local is not None and actor_id not in texts:
                self.problem(
                    local_name,
                    f"actor {actor_id!r} has no name and role here",
                    f"actors.{actor_id}",
                    getattr(texts, "line", None),
                )
            entry = texts.get(actor_id) or {}
            actors.append(
                Actor(
                    id=actor_id,
                    name=entry.get("name", actor_id),
                    kind=record["kind"],
                    sector=record["sector"],
                    role=entry.get("role", ""),
                    parts=tuple(record["parts"]),
                    speaks=record["speaks"],
                    project_group=_tristate(record["project_group"]),
                    workshop=_tristate(record["workshop"]),
                    at_table=record["at_table"],
                    variants=tuple(record.get("variants", ())),
                    note=str(entry.get("note") or ""),
                )
            )
        for extra in texts:
            if extra not in ids:
                self.problem(
                    local_name,
                    f"unknown actor id {extra!r} (not in actors.yaml)",
                    f"actors.{extra}",
                    _yaml.line_of(texts, extra),
                )
        return actors

    def lang_meta(self, lang: str, actors: list[Actor] | None) -> dict | None:
        """``<lang>/meta.yaml``; every actor's sector needs a label."""
        name = f"{lang}/meta.yaml"
        meta = self.data(name)
        if meta is None:
            return None
        labels = meta["labels"]
        for actor in actors or ():
            if actor.sector not in labels.get("sector", {}):
                self.problem(
                    name,
                    f"no label for sector {actor.sector!r} (used by actor {actor.id!r})",
                    "meta.labels.sector",
                    _yaml.line_of(labels, "sector"),
                )
        return meta

    def questions(self, lang: str) -> list[QuestionGroup] | None:
        """The question groups of ``<lang>/questions.yaml``; ids are unique, every question's group exists."""
        name = f"{lang}/questions.yaml"
        data = self.data(name)
        if data is None:
            return None
        groups: dict[str, tuple[str, list[Question]]] = {}
        for i, record in enumerate(data["groups"]):
            group_id, heading = record["id"], record["heading"]
            if self.duplicate(name, "group", group_id, set(groups), f"groups[{i}].id", record):
                continue
            self.hygiene(name, heading, f"groups[{group_id}].heading", _yaml.line_of(record, "heading"))
            groups[group_id] = (heading, [])
        seen: set[str] = set()
        for record in data["questions"]:
            question_id, group = record["id"], record["group"]
            path = f"questions[{question_id}]"
            if self.duplicate(name, "question", question_id, seen, f"{path}.id", record):
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
            self.hygiene(name, record["text"], f"{path}.text", _yaml.line_of(record, "text"))
            groups[group][1].append(
                Question(id=question_id, group=group, number=len(seen), text=record["text"])
            )
        return [QuestionGroup(id=g, heading=h, questions=tuple(qs)) for g, (h, qs) in groups.items()]

    def sections(
        self, lang: str, actors: dict[str, Actor] | None, groups: list[QuestionGroup] | None
    ) -> list[Section] | None:
        """The sections of ``<lang>/text.yaml``, with the question groups where it has ``questions: true``."""
        name = f"{lang}/text.yaml"
        data = self.data(name)
        if data is None:
            return None
        sections: list[Section] = []
        seen: set[str] = set()
        for record in data["sections"]:
            section_id, heading, level = record["id"], record["heading"], record.get("level", 1)
            path = f"sections[{section_id}]"
            if self.duplicate(name, "section", section_id, seen, f"{path}.id", record):
                continue
            self.hygiene(name, heading, f"{path}.heading", _yaml.line_of(record, "heading"))
            blocks = self.blocks(name, section_id, record, path, actors)
            sections.append(
                Section(section_id, heading, level, tuple(blocks), part=record.get("part"), lang=lang)
            )
            if record.get("questions") is True:
                sections.extend(_question_sections(groups or [], level + 1, lang))
        for group in groups or ():
            if group.id in seen:
                self.problem(name, f"section id {group.id!r} is also a question group id", "sections")
        return sections

    def blocks(
        self, name: str, section_id: str, record: dict, path: str, actors: dict[str, Actor] | None
    ) -> list[Block]:
        """A section's paragraphs as blocks; every speaker is an actor and the text is clean."""
        paragraphs = record.get("paragraphs", [])
        blocks: list[Block] = []
        for p, paragraph in enumerate(paragraphs, start=1):
            items = paragraph if isinstance(paragraph, list) else [paragraph]
            line = _yaml.line_of(paragraphs, p - 1)
            for b, item in enumerate(items, start=1):
                where = f"{path}.paragraphs[{p}][{b}]"
                item_line = _yaml.line_of(items, b - 1) if isinstance(items, _yaml.LineList) else line
                block_id = f"{section_id}.{p}.{b}"
                if not isinstance(item, dict):
                    self.hygiene(name, item, where, item_line)
                    blocks.append(Block(block_id, "narration", item, section_id, p))
                    continue
                ((speaker, words),) = item.items()
                if actors is not None and speaker not in actors:
                    message = f"unknown speaker id {speaker!r} (not an actor in actors.yaml)"
                    self.problem(name, message, where, item_line)
                    continue
                self.hygiene(name, words, where, item_line)
                shown = actors[speaker].name if actors is not None else speaker
                blocks.append(
                    Block(block_id, "utterance", words, section_id, p, speaker=speaker, speaker_name=shown)
                )
        return blocks

    def relations(
        self, lang: str, actors: dict[str, Actor] | None, sections: list[Section] | None
    ) -> list[Relation] | None:
        """The optional relations; both ends are actors, and the evidence stands word for word in the text."""
        name = "relations.yaml"
        if not self.exists(name):
            return []
        data = self.data(name)
        if data is None:
            return None
        paragraphs = [(s.id, _squash(join_blocks(p))) for s in sections or () for p in s.paragraphs]
        relations: list[Relation] = []
        for i, record in enumerate(data["relations"]):
            path = f"relations[{i}]"
            known = True
            for end in ("source", "target"):
                if actors is not None and record[end] not in actors:
                    self.problem(
                        name,
                        f"relation to an unknown actor {record[end]!r}",
                        f"{path}.{end}",
                        _yaml.line_of(record, end),
                    )
                    known = False
            evidence = record["evidence"]
            sentence = evidence.get(lang)
            if sentence is None:
                line = _yaml.line_of(record, "evidence")
                self.problem(name, f"no evidence in {lang!r}", f"{path}.evidence.{lang}", line)
                continue
            if sections is None:
                continue
            found = [sid for sid, text in paragraphs if _squash(sentence) in text]
            if not found:
                self.problem(
                    name,
                    f"the evidence is not found word for word in {lang}/text.yaml: {sentence[:80]!r}",
                    f"{path}.evidence.{lang}",
                    _yaml.line_of(evidence, lang),
                )
                continue
            if known:
                note = str(record.get("note") or "")
                relations.append(
                    Relation(record["source"], record["type"], record["target"], sentence, found[0], note)
                )
        return relations

    def references(self, sections: list[Section] | None) -> list[Reference] | None:
        """The optional references; ids are unique and every section they name exists."""
        name = "references.yaml"
        if not self.exists(name):
            return []
        data = self.data(name)
        if data is None:
            return None
        section_ids = {s.id for s in sections} if sections is not None else None
        references: list[Reference] = []
        for i, record in enumerate(data["references"]):
            path, ref_id, where = f"references[{i}]", record["id"], record["sections"]
            if self.duplicate(name, "reference", ref_id, {r.id for r in references}, f"{path}.id", record):
                continue
            for section_id in where:
                if section_ids is not None and section_id not in section_ids:
                    line = _yaml.line_of(record, "sections")
                    self.problem(name, f"unknown section id {section_id!r}", f"{path}.sections", line)
            authors, year = tuple(record["authors"]), str(record["year"])
            references.append(Reference(ref_id, authors, year, record["cited_as"], tuple(where)))
        return references

    def activities(
        self, lang: str, sections: list[Section] | None, groups: list[QuestionGroup] | None
    ) -> dict | None:
        """The optional activity texts; every ``evidence`` block id and ``question`` id must exist.

        The role cards' chairs name actors of ``actors.yaml`` and have unique ids; a framework's
        ``activities`` are keys of the file and its ``reference`` is an entry of ``references.yaml``.
        """
        name = f"{lang}/activities.yaml"
        if not self.exists(name):
            return {}
        data = self.data(name)
        if data is None:
            return None
        blocks = {b.id for s in sections for b in s.blocks} if sections is not None else None
        questions = {q.id for g in groups for q in g.questions} if groups is not None else None

        def walk(node: Any, path: str, line: int | None) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    where, at = f"{path}.{key}" if path else str(key), _yaml.line_of(node, key)
                    if key == "evidence":
                        for ref in value if isinstance(value, list) else [value]:
                            if blocks is not None and ref not in blocks:
                                message = f"unknown block id {ref!r} (ids look like del-1.3.10)"
                                self.problem(name, message, where, at)
                    elif key == "question":
                        if questions is not None and value not in questions:
                            self.problem(name, f"unknown question id {value!r}", where, at)
                    else:
                        walk(value, where, at)
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, f"{path}[{i}]", _yaml.line_of(node, i))
            elif isinstance(node, str):
                self.hygiene(name, node, path, line)

        walk(data, "", None)
        self.check_rolecards(name, data.get("rolecards"))
        self.check_frameworks(name, data)
        return data

    def check_rolecards(self, name: str, rolecards: Any) -> None:
        """Every chair of the role cards has a unique id, and every id in its ``actors`` is an actor."""
        if not isinstance(rolecards, dict):
            return
        actors_data = self.data("actors.yaml")
        actors = {r["id"] for r in actors_data["actors"]} if actors_data is not None else None
        chairs = rolecards.get("chairs") or []
        seen: set[str] = set()
        for i, chair in enumerate(chairs):
            path = f"rolecards.chairs[{chair['id']}]"
            self.duplicate(name, "chair", chair["id"], seen, f"rolecards.chairs[{i}].id", chair)
            listed = chair.get("actors") or []
            for j, actor_id in enumerate(listed):
                if actors is not None and actor_id not in actors:
                    message = f"unknown actor id {actor_id!r} (not an actor in actors.yaml)"
                    self.problem(name, message, f"{path}.actors[{j}]", _yaml.line_of(listed, j))

    def check_frameworks(self, name: str, data: dict) -> None:
        """A framework names activities of this file and, if it has one, an entry of ``references.yaml``."""
        frameworks = data.get("frameworks") or []
        refs = self.data("references.yaml") if self.exists("references.yaml") else {"references": []}
        references = {r["id"] for r in refs["references"]} if refs is not None else None
        seen: set[str] = set()
        for i, record in enumerate(frameworks):
            path = f"frameworks[{record['id']}]"
            self.duplicate(name, "framework", record["id"], seen, f"frameworks[{i}].id", record)
            used = record.get("activities") or []
            for j, key in enumerate(used):
                if key not in data or key == "frameworks":
                    message = f"unknown activity {key!r} (not a key of this file)"
                    self.problem(name, message, f"{path}.activities[{j}]", _yaml.line_of(used, j))
            ref = record.get("reference")
            if ref is not None and references is not None and ref not in references:
                line = _yaml.line_of(record, "reference")
                self.problem(
                    name, f"unknown reference id {ref!r} (not in references.yaml)", f"{path}.reference", line
                )

    def check_speakers(self, actors: list[Actor] | None, sections: list[Section] | None) -> None:
        """``speaks`` in actors.yaml must agree with the quotes in the text."""
        if actors is None or sections is None:
            return
        speakers = {b.speaker for s in sections for b in s.utterances}
        lines = {r["id"]: _yaml.line_of(r, "speaks") for r in self.data("actors.yaml")["actors"]}
        for actor in actors:
            if actor.speaks != (actor.id in speakers):
                said = "has no quote in the text" if actor.speaks else "has quotes in the text"
                self.problem(
                    "actors.yaml",
                    f"actor {actor.id!r} says speaks: {str(actor.speaks).lower()} but {said}",
                    f"actors[{actor.id}].speaks",
                    lines.get(actor.id),
                )

    def compare_editions(self, languages: list[str]) -> None:
        """Every edition has the same actor, section and question ids as the first one declared."""
        kinds = (
            ("actor", "actors", "actors"),
            ("section", "text", "sections"),
            ("question", "questions", "questions"),
        )
        for lang in languages[1:]:
            for what, file, key in kinds:
                first, data = (self.data(f"{code}/{file}.yaml") for code in (languages[0], lang))
                if first is None or data is None:
                    continue
                expected, ids = (
                    [i if isinstance(i, str) else i["id"] for i in d[key]] for d in (first, data)
                )
                missing, extra = [i for i in expected if i not in ids], [i for i in ids if i not in expected]
                found = [
                    f"{label} {', '.join(i)}" for label, i in (("missing", missing), ("extra", extra)) if i
                ]
                if found:
                    message = f"the {what} ids differ from the {languages[0]!r} edition: {'; '.join(found)}"
                    self.problem(f"{lang}/{file}.yaml", message, key, _yaml.line_of(data, key))

    def compare_blocks(self, languages: list[str], cases: dict[str, Case]) -> None:
        """Every block of the first edition has its translation in each other one: the same block id, and
        for a quote the same speaker; a block only a translation has is reported too."""
        first = cases.get(languages[0])
        if first is None:
            return
        expected = {b.id: b for b in first.blocks}
        for lang in languages[1:]:
            other = cases.get(lang)
            if other is None:
                continue
            name, found = f"{lang}/text.yaml", {b.id: b for b in other.blocks}
            data = self.data(name)
            lines = {r["id"]: _yaml.line_of(r, "id") for r in (data or {}).get("sections", []) if "id" in r}
            for block_id, block in expected.items():
                twin = found.get(block_id)
                where = f"sections[{block.section}]"
                if twin is None:
                    preview = block.text[:60]
                    message = f"block {block_id} has no translation (in {languages[0]!r}: {preview!r})"
                    self.problem(name, message, where, lines.get(block.section))
                elif twin.speaker != block.speaker:
                    message = (
                        f"block {block_id} is spoken by {twin.speaker!r} here but by {block.speaker!r} "
                        f"in the {languages[0]!r} edition"
                    )
                    self.problem(name, message, where, lines.get(block.section))
            for block_id in found.keys() - expected.keys():
                block = found[block_id]
                message = f"block {block_id} is not in the {languages[0]!r} edition"
                self.problem(name, message, f"sections[{block.section}]", lines.get(block.section))


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


def _tristate(value: Any) -> bool | None:
    return None if value == NOT_STATED or value is None else bool(value)
