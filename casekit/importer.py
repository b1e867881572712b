"""Read an exported JSON answer file back: check all of it, then hand its revisions to the store.

The document is checked against the export schema (``casekit/schemas/answers.schema.json``), and every
answer's value against the shape the answer registry gives its key, before anything is written. The first
problem raises an :class:`~casekit.errors.AnswerImportError` whose message (from the string catalog, in
the store's language) names the file, the field (``answers.dilemma-1.history[2].saved_at``) and what is
wrong.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit import registry
from casekit.answers import KEY_PATTERN, SOURCE_IMPORT, Revision, to_json
from casekit.clock import MAX_AHEAD, is_plausible, normalise_time
from casekit.errors import AnswerImportError, AnswerStoreError
from casekit.i18n import t, ui_lang

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = [
    "MAX_DEPTH",
    "MAX_IMPORT_BYTES",
    "AnswerExport",
    "depth",
    "parse_import",
    "read_import_file",
    "too_big",
]

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 20
"""How deeply lists and mappings may nest in one answer: the activities save two levels; a value nested
hundreds deep is not an answer, and would break every document that shows it."""


@dataclass(frozen=True)
class AnswerExport:
    """A parsed, validated export file. ``revisions`` are ready for :meth:`AnswerStore.import_revisions`."""

    case_id: str
    case_version: str
    lang: str
    learner: str
    exported_at: str
    revisions: tuple[Revision, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """``{key: latest value}``, the latest being the newest ``saved_at`` (ties: later in the file)."""
        latest: dict[str, Revision] = {}
        for rev in self.revisions:
            if rev.key not in latest or rev.saved_at >= latest[rev.key].saved_at:
                latest[rev.key] = rev
        return {key: latest[key].value for key in sorted(latest)}


def read_import_file(
    path: str | os.PathLike[str], *, case_id: str, lang: str = "da", case: Case | None = None
) -> AnswerExport:
    """Read and check an export file; its size is checked before it is read.

    Raises
    ------
    AnswerImportError
        See :func:`parse_import`; also when the file is missing or unreadable.
    """
    target = Path(path)
    ui = ui_lang(lang)
    try:
        size = target.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise too_big(target.name, size, ui)
        content = target.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc
        raise AnswerImportError(t("import.error.not_found", ui, name=target.name, reason=reason)) from exc
    return parse_import(content, case_id=case_id, lang=lang, name=target.name, case=case)


def parse_import(
    content: bytes | str,
    *,
    case_id: str,
    lang: str = "da",
    name: str = "upload.json",
    case: Case | None = None,
) -> AnswerExport:
    """Check an export document and return its revisions; nothing is written.

    Parameters
    ----------
    content : bytes or str
        The file's bytes (UTF-8; a byte-order mark is allowed).
    case_id : str
        The case the importing store belongs to; answers to another case are refused.
    lang : str
        Language of the error messages.
    name : str
        The file name, for the messages.
    case : Case, optional
        With the case, a reflection question's answer is checked as text too.

    Raises
    ------
    AnswerImportError
        Too big, not UTF-8, not JSON, a key twice in one object, not a casekit export (``format``), an
        unknown ``schema_version``, another case, a field that does not fit the export schema, or an
        answer whose value does not have its activity's shape; the message names the field.
    """
    if case is None:
        case = _case_quietly(case_id, lang)
    return _Reader(name, ui_lang(lang), case_id, case).read(content)


def _case_quietly(case_id: str, lang: str) -> Case | None:
    """The case the answers belong to, to check its questions' answers as text; ``None`` if it cannot be
    loaded (an import is never refused because of the case data)."""
    from casekit.errors import CasekitError
    from casekit.loader import load_case

    try:
        return load_case(case_id, lang=lang)
    except CasekitError:
        return None


def too_big(name: str, size: int, lang: str) -> AnswerImportError:
    """The refusal of a file of ``size`` bytes, over :data:`MAX_IMPORT_BYTES`."""

    def mb(n: float) -> str:
        text = f"{n / 1024 / 1024:.1f}"
        return text.replace(".", ",") if lang == "da" else text

    return AnswerImportError(
        t("import.error.too_big", lang, name=name, size=mb(size), limit=mb(MAX_IMPORT_BYTES))
    )


def depth(value: Any) -> int:
    """How deeply lists and mappings nest in ``value``: 0 for text or a number, 1 for a flat list…

    Counted without recursion, so a value nested thousands deep is measured, not a crash.
    """
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (list, dict)):
            level += 1
            deepest = max(deepest, level)
            stack.extend((child, level) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON


class _Reader:
    """Checks one export document; the first problem raises."""

    def __init__(self, name: str, lang: str, case_id: str, case: Case | None) -> None:
        self.name = name
        self.lang = lang
        self.case_id = case_id
        self.case = case

    def fail(self, message: str, /, **fields: object) -> AnswerImportError:
        return AnswerImportError(t(message, self.lang, name=self.name, **fields))

    def read(self, content: bytes | str) -> AnswerExport:
        if isinstance(content, str):
            content = content.encode("utf-8")
        if len(content) > MAX_IMPORT_BYTES:
            raise too_big(self.name, len(content), self.lang)
        try:
            text = bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise self.fail("import.error.not_utf8", position=exc.start) from exc
        return self.document(self.parse_json(text))

    def parse_json(self, text: str) -> Any:
        try:
            return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            raise self.fail("import.error.not_json", line=exc.lineno, column=exc.colno) from exc
        except _DuplicateKey as exc:
            found = json.dumps(exc.key, ensure_ascii=False)[:80]
            raise self.fail("import.error.duplicate_key", key=found) from exc
        except (ValueError, RecursionError) as exc:
            raise self.fail("import.error.not_json", line="?", column="?") from exc

    def document(self, doc: Any) -> AnswerExport:
        if not isinstance(doc, dict):
            raise self.fail("import.error.not_object", found=registry.kind_of(doc, self.lang))
        # Which format and version this is decides how to read the rest, so it is asked first.
        if doc.get("format") != registry.EXPORT_FORMAT:
            found = json.dumps(doc["format"], ensure_ascii=False)[:80] if "format" in doc else "—"
            raise self.fail("import.error.format", found=found)
        version = doc.get("schema_version")
        if isinstance(version, int) and not isinstance(version, bool):
            if version > registry.SCHEMA_VERSION:
                raise self.fail("import.error.schema_newer", found=version, supported=registry.SCHEMA_VERSION)
            if version != registry.SCHEMA_VERSION:
                raise self.fail(
                    "import.error.schema_unknown", found=version, supported=registry.SCHEMA_VERSION
                )
        problem = registry.document_problem(doc, self.lang)
        if problem is not None:
            raise self.schema_failure(doc, problem)
        case = doc["case"]
        if case["id"] != self.case_id:
            raise self.fail("import.error.other_case", found=case["id"], expected=self.case_id)
        revisions: list[Revision] = []
        for key, entry in doc["answers"].items():
            for n, item in enumerate(entry["history"]):
                revisions.append(self.revision(key, item, f"answers.{key}.history[{n}]", case))
        return AnswerExport(
            case["id"],
            case["version"],
            case["lang"],
            doc.get("learner", ""),
            doc.get("exported_at", ""),
            tuple(revisions),
        )

    def schema_failure(self, doc: dict[str, Any], problem: registry.ShapeProblem) -> AnswerImportError:
        """The catalog message for the first place the document does not fit the export schema."""
        if problem.rule == "propertyNames" and problem.where == "answers":
            bad = next(k for k in doc["answers"] if not KEY_PATTERN.fullmatch(k))
            return self.fail("import.error.key_invalid", key=json.dumps(bad, ensure_ascii=False))
        if problem.rule == "required":
            return self.fail("import.error.field_missing", field=problem.missing_field)
        if problem.rule in ("type", "minItems"):
            return self.fail(
                "import.error.field_type", field=problem.where, expected=problem.expected, found=problem.found
            )
        return self.fail("import.error.field_value", field=problem.where or "—", reason=problem.message)

    def revision(self, key: str, item: dict[str, Any], where: str, case: dict[str, Any]) -> Revision:
        try:
            saved_at = normalise_time(item["saved_at"])
        except ValueError:
            found = json.dumps(item["saved_at"], ensure_ascii=False)[:80]
            raise self.fail("import.error.saved_at", field=f"{where}.saved_at", found=found) from None
        if not is_plausible(saved_at):
            found = json.dumps(item["saved_at"], ensure_ascii=False)[:80]
            days = MAX_AHEAD.days
            raise self.fail("import.error.saved_at_future", field=f"{where}.saved_at", found=found, days=days)
        value = item["value"]
        if depth(value) > MAX_DEPTH:
            raise self.fail("import.error.too_deep", field=f"{where}.value", key=key, limit=MAX_DEPTH)
        try:
            to_json(key, value, self.lang)  # the store will accept it: check now, write nothing
        except AnswerStoreError as exc:
            raise self.fail("import.error.value", field=f"{where}.value", reason=exc) from None
        shape = registry.problems(key, value, self.case, lang=self.lang)
        if shape:
            raise self.fail("import.error.value_shape", field=f"{where}.value", key=key, reason=shape[0])
        return Revision(
            key=key,
            value=value,
            saved_at=saved_at,
            revision=0,
            case_version=item.get("case_version", case["version"]),
            lang=item.get("lang", case["lang"]),
            source=SOURCE_IMPORT,
        )
