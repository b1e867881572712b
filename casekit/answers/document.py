"""The export document, both ways: a store's answers as the JSON exchange file, and such a file read back.

The document is described in ``docs/answers-format.md`` and checked against the export schema
(``casekit/schemas/answers.schema.json``).

* **Writing** (:func:`to_document`, :func:`export_json`): the settled revisions of every answer
  (:func:`settled`), for instructors and for moving between machines; always small enough to import again.
* **Reading** (:func:`parse_import`, :func:`read_import_file`): the whole document is checked, and every
  answer's value against the shape the answer registry gives its key, before anything is written. The
  first problem raises an :class:`~casekit.errors.AnswerImportError` whose message (from the string
  catalog, in the store's language) names the file, the field (``answers.dilemma-1.history[2].saved_at``)
  and what is wrong.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit import registry
from casekit.answers.embedded import PAGE_SUFFIXES, find_block, is_page, script_text
from casekit.answers.location import PSEUDONYM_PATTERN
from casekit.answers.record import KEY_PATTERN, SOURCE_IMPORT, Revision, parsed_clean, to_json
from casekit.clock import MAX_AHEAD, is_plausible, normalise_time, now, parse_time
from casekit.errors import AnswerImportError, AnswerStoreError, CasekitError
from casekit.i18n import format_size, t, ui_lang

if TYPE_CHECKING:
    from casekit.answers.store import AnswerStore
    from casekit.case import Case

__all__ = [
    "BURST_SECONDS",
    "EXPORT_FORMAT",
    "IMPORT_SUFFIXES",
    "MAX_DEPTH",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_REVISIONS",
    "SCHEMA_VERSION",
    "AnswerExport",
    "depth",
    "export_for_page",
    "export_json",
    "parse_import",
    "read_import_file",
    "settled",
    "to_document",
    "too_big",
]

EXPORT_FORMAT = registry.EXPORT_FORMAT
SCHEMA_VERSION = registry.SCHEMA_VERSION
#: Revisions of one key closer together than this are one burst of typing; an export keeps the last of each
#: burst. The widgets save on every keystroke so nothing is lost, which would make an export with every
#: keystroke grow with the square of the text's length; the store itself keeps every revision.
BURST_SECONDS = 60
MAX_IMPORT_BYTES = 20 * 1024 * 1024
"""The largest export file casekit reads (20 MB); :func:`export_json` always writes less."""
MAX_IMPORT_REVISIONS = 10_000
"""The most revisions (history items, all answers together) an export may hold; :func:`export_json` always
writes fewer. A learner's settled history over a term is a few hundred; a file of hundreds of thousands is
not a learner's, and would keep an import or a class report busy for minutes."""
IMPORT_SUFFIXES = (".json", *PAGE_SUFFIXES)
"""The files an import reads: a JSON export, or an HTML hand-in, which carries its export
(:mod:`casekit.answers.embedded`). The upload offers these, and ``casekit class summarize`` reads them."""
MAX_DEPTH = 20
"""How deeply lists and mappings may nest in one answer: the activities save two levels; a value nested
hundreds deep is not an answer, and would break every document that shows it."""


# -- writing -------------------------------------------------------------------------------------------------
def settled(revisions: Iterable[Revision], burst_seconds: float | None = None) -> list[Revision]:
    """The revisions that stood for a while: the last of each burst of saves to a key, and each key's latest.

    ``revisions`` must be grouped by key, oldest first (as :meth:`AnswerStore.revisions` returns them).
    """
    pause = BURST_SECONDS if burst_seconds is None else burst_seconds
    ordered = list(revisions)
    following = [*ordered[1:], None][: len(ordered)]
    return [rev for rev, after in zip(ordered, following, strict=True) if _ends_burst(rev, after, pause)]


def _ends_burst(rev: Revision, after: Revision | None, pause: float) -> bool:
    """Whether ``rev`` is the last save before a pause (or the key's latest)."""
    if after is None or after.key != rev.key:
        return True
    return (parse_time(after.saved_at) - parse_time(rev.saved_at)).total_seconds() >= pause


def to_document(store: AnswerStore) -> dict[str, Any]:
    """The export document (schema version 1) of a store, as plain data.

    The history holds the settled revisions (see :func:`settled`): how the answer stood at each pause.
    """
    learner, created_at = store.identity()
    answers: dict[str, dict[str, Any]] = {}
    for rev in settled(store.revisions()):  # grouped by key, oldest first: the last one seen is the latest
        entry = answers.setdefault(rev.key, {"value": None, "history": []})
        entry["value"] = rev.value
        entry["history"].append(
            {"value": rev.value, "saved_at": rev.saved_at, "case_version": rev.case_version, "lang": rev.lang}
        )
    return {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "case": {"id": store.case_id, "version": store.case_version, "lang": store.lang},
        "learner": learner,
        # With the learner's pseudonym, what keeps their class-view entry theirs after a restore (the share
        # id is made from both; see AnswerExport.identity).
        "created_at": created_at,
        "exported_at": now(),
        "answers": answers,
    }


def export_json(store: AnswerStore) -> str:
    """The JSON export of a store: UTF-8 text, letters kept as they are (``ensure_ascii=False``).

    It always fits casekit's own import limits (:data:`MAX_IMPORT_BYTES`, :data:`MAX_IMPORT_REVISIONS`), so
    that it can be imported again: when the settled history makes it too big, the history is thinned (each
    key keeps its latest revision and as many of its most recent settled ones as fit), and as a last resort
    it is written without indentation.
    """
    return _fitted(to_document(store), MAX_IMPORT_BYTES, _plain)


def export_for_page(store: AnswerStore, limit: int = MAX_IMPORT_BYTES) -> str:
    """The JSON export of a store as the HTML hand-in carries it (:mod:`casekit.answers.embedded`): the
    document of :func:`export_json`, written safe for a ``<script>`` block, and thinned as that is until it
    takes at most ``limit`` bytes (what the rest of the page leaves of :data:`MAX_IMPORT_BYTES`, so that
    the whole page can be imported again)."""
    return _fitted(to_document(store), limit, script_text)


def _plain(text: str) -> str:
    return text


def _fitted(document: dict[str, Any], limit: int, write: Callable[[str], str]) -> str:
    """``document`` as text (``write`` applied to its JSON) of at most ``limit`` bytes and
    :data:`MAX_IMPORT_REVISIONS` revisions, its history thinned as :func:`export_json` says."""
    answers = document["answers"]
    text = write(_dump(document, indent=2))
    keep = max((len(entry["history"]) for entry in answers.values()), default=0)
    while (_size(text) > limit or _count(answers) > MAX_IMPORT_REVISIONS) and keep > 1:
        keep //= 2
        answers = {key: {**e, "history": e["history"][-keep:]} for key, e in document["answers"].items()}
        text = write(_dump({**document, "answers": answers}, indent=2))
    if _size(text) > limit:
        text = write(_dump({**document, "answers": answers}, indent=None))
    return text


def _dump(document: Mapping[str, Any], indent: int | None) -> str:
    return json.dumps(document, ensure_ascii=False, indent=indent) + "\n"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _count(answers: Mapping[str, Any]) -> int:
    """How many history items an export's ``answers`` hold (only lists are counted: the schema checks the
    rest after this count)."""
    entries = (entry.get("history") if isinstance(entry, dict) else None for entry in answers.values())
    return sum(len(history) for history in entries if isinstance(history, list))


def created_at(value: Any) -> str:
    """An export's ``created_at`` as the store keeps it, or "" when it is missing or not a plausible time."""
    try:
        stamp = normalise_time(value) if isinstance(value, str) else ""
    except ValueError:
        return ""
    return stamp if stamp and is_plausible(stamp) else ""


# -- reading -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerExport:
    """A parsed, validated export file. ``revisions`` are ready for :meth:`AnswerStore.import_revisions`."""

    case_id: str
    case_version: str
    lang: str
    learner: str
    exported_at: str
    revisions: tuple[Revision, ...] = field(default=())
    #: When the exported store was created ("" in exports older than this field, or when not a valid time).
    created_at: str = ""
    #: With ``parse_import(ahead=True)``: the refusal a time further ahead of this machine's clock than
    #: :data:`~casekit.clock.MAX_AHEAD` gets, if the file has one (see :meth:`check_ahead`).
    ahead: AnswerImportError | None = field(default=None, compare=False, repr=False)

    def check_ahead(self, identity: tuple[str, str] | None) -> None:
        """Raise :attr:`ahead` unless the file is the importing store's own copy (its ``learner`` and
        ``created_at`` are ``identity``) or the store holds no answers yet (``identity`` ``None``): a
        learner's own answers, saved while their clock ran days ahead, always come back."""
        if self.ahead is not None and identity is not None and identity != (self.learner, self.created_at):
            raise self.ahead

    def identity(self, learner: str) -> dict[str, str] | None:
        """The exported store's identity (``learner`` and ``created_at``) for a store of ``learner`` to take
        on if it holds no answers yet, so that a restored learner keeps their entry in the class's views;
        ``None`` when the export has none, or when the store was opened with another learner's name."""
        if not (self.learner and self.created_at):
            return None
        if learner != self.learner and not PSEUDONYM_PATTERN.fullmatch(learner):
            return None
        return {"learner": self.learner, "created_at": self.created_at}

    def as_dict(self) -> dict[str, Any]:
        """``{key: latest value}``, the latest being the newest ``saved_at`` (ties: later in the file)."""
        latest: dict[str, Revision] = {}
        for rev in self.revisions:
            if rev.key not in latest or rev.saved_at >= latest[rev.key].saved_at:
                latest[rev.key] = rev
        return {key: latest[key].value for key in sorted(latest)}


def read_import_file(
    path: str | os.PathLike[str],
    *,
    case_id: str,
    lang: str = "da",
    case: Case | None = None,
    ahead: bool = False,
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
    return parse_import(content, case_id=case_id, lang=lang, name=target.name, case=case, ahead=ahead)


def parse_import(
    content: bytes | str,
    *,
    case_id: str,
    lang: str = "da",
    name: str = "upload.json",
    case: Case | None = None,
    latest: bool = False,
    ahead: bool = False,
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
    latest : bool
        Return only each answer's latest revision (the newest ``saved_at``; ties: later in the file), and
        check only its value: what a class report needs. Every revision's time is checked all the same.
    ahead : bool
        A time further ahead than :data:`~casekit.clock.MAX_AHEAD` is not refused here but kept in the
        result's ``ahead``, for the store to decide (:meth:`AnswerExport.check_ahead`).

    Raises
    ------
    AnswerImportError
        Too big or more than :data:`MAX_IMPORT_REVISIONS` revisions, not UTF-8, not JSON, a key twice in
        one object, not a casekit export (``format``), an unknown ``schema_version``, another case, a field
        that does not fit the export schema, or an answer whose value does not have its activity's shape;
        the message names the field.
    """
    if case is None:
        case = _case_quietly(case_id, lang)
    return _Reader(name, ui_lang(lang), case_id, case, latest, ahead).read(content)


def _case_quietly(case_id: str, lang: str) -> Case | None:
    """The case the answers belong to, to check its questions' answers as text; ``None`` if it cannot be
    loaded (an import is never refused because of the case data)."""
    from casekit.loader import load_case  # here: the case data (YAML) only when an import needs it

    try:
        return load_case(case_id, lang=lang)
    except CasekitError:
        return None


def too_big(name: str, size: int, lang: str) -> AnswerImportError:
    """The refusal of a file of ``size`` bytes, over :data:`MAX_IMPORT_BYTES`."""

    refusal = AnswerImportError(
        t(
            "import.error.too_big",
            lang,
            name=name,
            size=format_size(size, lang, "MB"),
            limit=format_size(MAX_IMPORT_BYTES, lang, "MB"),
        )
    )
    refusal.key = "import.error.too_big"
    return refusal


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

    def __init__(
        self, name: str, lang: str, case_id: str, case: Case | None, latest: bool = False, ahead: bool = False
    ) -> None:
        self.name = name
        self.lang = lang
        self.case_id = case_id
        self.case = case
        self.latest = latest
        self.ahead_ok = ahead
        self.ahead: AnswerImportError | None = None

    def fail(self, message: str, /, **fields: object) -> AnswerImportError:
        refusal = AnswerImportError(t(message, self.lang, name=self.name, **fields))
        refusal.key = message
        return refusal

    def read(self, content: bytes | str) -> AnswerExport:
        if isinstance(content, str):
            content = content.encode("utf-8")
        if len(content) > MAX_IMPORT_BYTES:
            raise too_big(self.name, len(content), self.lang)
        try:
            text = bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise self.fail("import.error.not_utf8", position=exc.start) from exc
        if is_page(self.name, text):  # an HTML hand-in: the export it carries is read, checked like any file
            block = find_block(text)
            if block is None:
                raise self.fail("import.error.html_without_answers")
            text = block
        if (
            text.count('"saved_at"') > MAX_IMPORT_REVISIONS
        ):  # maybe a flood: count before the slow, strict parse
            self.refuse_flood(text)
        return self.document(self.parse_json(text))

    def refuse_flood(self, text: str) -> None:
        """Refuse a file of more than :data:`MAX_IMPORT_REVISIONS` revisions after a quick parse (4× faster
        than :meth:`parse_json`); anything else is left to the strict parse and its messages."""
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return
        answers = doc.get("answers") if isinstance(doc, dict) else None
        count = _count(answers) if isinstance(answers, dict) else 0
        if count > MAX_IMPORT_REVISIONS:
            raise self.fail("import.error.too_many_revisions", count=count, limit=MAX_IMPORT_REVISIONS)

    def parse_json(self, text: str) -> Any:
        try:
            doc = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            raise self.fail("import.error.not_json", line=exc.lineno, column=exc.colno) from exc
        except _DuplicateKey as exc:
            found = json.dumps(exc.key, ensure_ascii=False)[:80]
            raise self.fail("import.error.duplicate_key", key=found) from exc
        except (ValueError, RecursionError) as exc:
            raise self.fail("import.error.not_json", line="?", column="?") from exc
        return parsed_clean(doc, text)  # "\ud800" in a JSON string: U+FFFD, so every document is UTF-8

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
        # Counted before the schema is checked: checking hundreds of thousands of revisions takes long.
        count = _count(doc["answers"]) if isinstance(doc.get("answers"), dict) else 0
        if count > MAX_IMPORT_REVISIONS:
            raise self.fail("import.error.too_many_revisions", count=count, limit=MAX_IMPORT_REVISIONS)
        problem = registry.document_problem(doc, self.lang)
        if problem is not None:
            raise self.schema_failure(doc, problem)
        case = doc["case"]
        if case["id"] != self.case_id:
            raise self.fail("import.error.other_case", found=case["id"], expected=self.case_id)
        revisions: list[Revision] = []
        for key, entry in doc["answers"].items():
            items = list(enumerate(entry["history"]))
            if self.latest:  # the newest time wins; a tie goes to the later item, as AnswerExport.as_dict
                times = [self.saved_at(item, f"answers.{key}.history[{n}]") for n, item in items]
                items = [items[max(range(len(items)), key=lambda i: (times[i], i))]]
            for n, item in items:
                revisions.append(self.revision(key, item, f"answers.{key}.history[{n}]", case))
        return AnswerExport(
            case["id"],
            case["version"],
            case["lang"],
            doc.get("learner", ""),
            doc.get("exported_at", ""),
            tuple(revisions),
            created_at(doc.get("created_at")),
            self.ahead,
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

    def saved_at(self, item: dict[str, Any], where: str) -> str:
        """The item's ``saved_at`` in casekit's form; refused when it is no time, or far in the future."""
        try:
            saved_at = normalise_time(item["saved_at"])
        except ValueError:
            found = json.dumps(item["saved_at"], ensure_ascii=False)[:80]
            raise self.fail("import.error.saved_at", field=f"{where}.saved_at", found=found) from None
        if not is_plausible(saved_at):
            found = json.dumps(item["saved_at"], ensure_ascii=False)[:80]
            days = MAX_AHEAD.days
            refusal = self.fail(
                "import.error.saved_at_future", field=f"{where}.saved_at", found=found, days=days
            )
            if not self.ahead_ok:
                raise refusal
            self.ahead = self.ahead or refusal
        return saved_at

    def revision(self, key: str, item: dict[str, Any], where: str, case: dict[str, Any]) -> Revision:
        saved_at = self.saved_at(item, where)
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
