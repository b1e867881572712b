"""Reading one collected file: is it a snapshot or an export, of which case, and what it answers.

:func:`first_look` parses a file as JSON and tells its format and case id (or why it is not a casekit
file; an HTML hand-in is read by the export it carries, :mod:`casekit.answers.embedded`, and one without
it is skipped, saying so); :func:`check` checks it against its format and the case, and makes the
:class:`Entry` the summary counts: whose (a snapshot's ``share_id``; an export's student folder in an LMS
ZIP, else its ``learner`` pseudonym), which round, when, and the answers that answer something
(:func:`casekit.registry.is_answered`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casekit import registry
from casekit.answers.embedded import find_block, is_page
from casekit.answers.record import parsed_clean
from casekit.classroom._common import CONTROL, clip
from casekit.classroom.intake import Item
from casekit.classroom.snapshot import DEFAULT_ROUND, SHARE_FORMAT, SHARE_SCHEMA_VERSION, share_problem
from casekit.clock import is_plausible, normalise_time
from casekit.errors import AnswerImportError
from casekit.i18n import t
from casekit.importer import parse_import

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = ["Doc", "Entry", "check", "first_look", "owner_identity"]


@dataclass
class Doc:
    """A file that parsed as JSON, before it is checked against its format."""

    item: Item
    doc: dict[str, Any] | None  # None for an export recognised by its start (parse_import reads it)
    kind: str  # "share" or "export"
    case_id: str


@dataclass(frozen=True)
class Entry:
    """A checked file: whose, which round, when, and its latest answers."""

    label: str
    identity: str
    round: str
    time: str
    answers: dict[str, Any]


_EXPORT_HEAD = re.compile(
    r'\s*\{\s*"format"\s*:\s*"casekit-answers"\s*,\s*"schema_version"\s*:\s*1\s*,'
    r'\s*"case"\s*:\s*\{\s*"id"\s*:\s*"([a-z0-9-]{1,100})"'
)
"""The start of an export as casekit writes it: its format, version and case id, read without parsing."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def first_look(item: Item, lang: str) -> Doc | str:
    """The file as JSON with its format and case id, or why it is not a casekit file."""
    try:
        text = item.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return t("class.skip.not_utf8", lang, position=exc.start)
    page = is_page(item.kind, text)
    if page:  # an HTML hand-in: its export block, which importer.parse_import finds and checks again
        block = find_block(text)
        if block is None:
            return t("class.skip.html_without_answers", lang)
        text = block
    head = _EXPORT_HEAD.match(text)
    if head:  # casekit's own export: importer.parse_import reads (and checks) all of it later
        return Doc(item, None, "export", head.group(1))
    try:  # a full export is parsed again, strictly (duplicate keys too), by importer.parse_import
        doc = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return t("class.skip.not_json", lang)
    doc = parsed_clean(doc, text)  # "\ud800" in a JSON string: U+FFFD, so every page made of it is UTF-8
    if not isinstance(doc, dict):
        return t("class.skip.not_casekit", lang)
    fmt, version = doc.get("format"), doc.get("schema_version")
    if fmt == SHARE_FORMAT and not page:  # a snapshot is its own file (<share_id>.json), never in a page
        kind, supported = "share", SHARE_SCHEMA_VERSION
    elif fmt == registry.EXPORT_FORMAT:
        kind, supported = "export", registry.SCHEMA_VERSION
    else:
        return t("class.skip.not_casekit", lang)
    if version != supported or isinstance(version, bool):
        found = clip(json.dumps(version, ensure_ascii=False), 20)
        newer = isinstance(version, int) and not isinstance(version, bool) and version > supported
        key = "class.skip.schema_newer" if newer else "class.skip.schema_version"
        return t(key, lang, found=found, supported=supported)
    case = doc.get("case")
    case_id = case.get("id") if isinstance(case, dict) else None
    if not isinstance(case_id, str):
        return t("class.skip.no_case", lang)
    return Doc(item, doc, kind, case_id)


CHECKED_MAX = 4096
"""How many checked snapshots :func:`check` remembers (a class of 4,000, or two rounds of 2,000)."""
_checked: OrderedDict[tuple[Any, ...], tuple[Case, Entry]] = OrderedDict()
_checked_lock = threading.Lock()


def check(found: Doc, case: Case, lang: str) -> Entry | str:
    """A parsed file checked against its format and the case: an entry, or why it is skipped.

    A snapshot's result is remembered by everything it depends on (its bytes and name, the case object
    and the language): the live view reads the same class folder at every refresh, and most of its
    files have not changed since; each one changed or new, and each refused, is checked in full.
    """
    if found.kind != "share":
        return _check(found, case, lang)
    item = found.item
    # Not the label: it numbers the file among the others ("fil 7"), so a new file renumbers those after it.
    key = (hashlib.sha256(item.data).digest(), item.name, item.owner, id(case), lang)
    with _checked_lock:
        held = _checked.get(key)
        if held is not None and held[0] is case:  # the case object itself: an id is reused only after it
            _checked.move_to_end(key)
            return dataclasses.replace(held[1], label=item.label)
    result = _check(found, case, lang)
    if isinstance(result, str):
        return result  # a refusal is checked again next time: "shared in the future" may pass later
    with _checked_lock:
        _checked[key] = (case, result)
        while len(_checked) > CHECKED_MAX:
            _checked.popitem(last=False)
    return result


def _check(found: Doc, case: Case, lang: str) -> Entry | str:
    item = found.item
    if found.case_id != case.id:
        return t("class.skip.other_case", lang, found=clip(found.case_id, 40), expected=case.id)
    if found.kind == "share" and found.doc is not None:
        problem = share_problem(found.doc, case, lang)
        if problem:
            return problem
        if item.name is not None and item.name != f"{found.doc['share_id']}.json":
            return t("class.skip.name_mismatch", lang)  # a snapshot's identity is its file: no one else's
        try:
            moment = normalise_time(found.doc["shared_at"])
        except ValueError:
            return t("class.skip.bad_time", lang)
        if not is_plausible(moment):
            return t("class.skip.future_time", lang)
        if item.owner is not None:
            # In a student's folder (or under their LMS prefix), a snapshot is that student's like any file
            # there, and in the one round an LMS hand-in has: neither its share id nor its round, which the
            # student wrote, may count them more than once or put a heading of theirs in the report.
            owned = owner_identity(item.owner)
            return _entry(item.label, owned, DEFAULT_ROUND, moment, found.doc["answers"], case, lang)
        identity = "share:" + found.doc["share_id"]
        return _entry(item.label, identity, found.doc["round"], moment, found.doc["answers"], case, lang)
    try:
        # Only each answer's latest revision counts: the rest of the history is not checked value by value.
        name = CONTROL.sub("?", item.label)
        export = parse_import(item.data, case_id=case.id, lang=lang, name=name, case=case, latest=True)
    except AnswerImportError as exc:
        return clip(str(exc), 300)
    try:
        moment = normalise_time(export.exported_at) if export.exported_at else ""
    except ValueError:
        moment = ""
    if item.owner is not None:
        identity = owner_identity(item.owner)
    elif export.learner:
        identity = "learner:" + export.learner
    else:  # no pseudonym: the file is its own learner
        identity = "file:" + hashlib.sha256(item.data).hexdigest()
    return _entry(item.label, identity, DEFAULT_ROUND, moment, export.as_dict(), case, lang)


def owner_identity(owner: str) -> str:
    """The identity of the learner whose student folder (or LMS prefix) is ``owner`` (see ``Item``)."""
    return "folder:" + owner


def _entry(
    label: str, identity: str, round_id: str, moment: str, answers: Mapping[str, Any], case: Case, lang: str
) -> Entry | str:
    cleaned: dict[str, Any] = {}
    for key in registry.answer_keys(case):
        if key in answers:
            value = registry.clean(key, answers[key], case)
            # Cleaned already: is_answered without the case need not clean it again (a question's text is
            # answered by the same test either way).
            if registry.is_answered(key, value):
                cleaned[key] = value
    if not cleaned:
        return t("class.skip.no_answers", lang)
    return Entry(label, identity, round_id, moment, cleaned)
