"""What the store keeps: a revision of an answer, the rules for its key and size, and its JSON text.

The answer-key pattern is read from the export schema (``casekit/schemas/answers.schema.json``,
``$defs.key``), the one place it is written; the store, the import and the share format all follow it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from casekit import registry
from casekit._text import SURROGATE, utf8_safe
from casekit.errors import AnswerStoreError, AnswerTooBigError
from casekit.i18n import DEFAULT_LANG, format_size, t, ui_lang

__all__ = [
    "KEY_PATTERN",
    "MAX_ANSWER_BYTES",
    "MAX_KEYS",
    "SOURCE_IMPORT",
    "SOURCE_LOCAL",
    "ImportResult",
    "Revision",
    "clean_surrogates",
    "encode",
    "parsed_clean",
    "to_json",
    "too_many_keys",
    "validate_key",
]

KEY_PATTERN = re.compile(registry.export_schema()["$defs"]["key"]["pattern"])
"""An answer key (and a case id): ``a-z``, ``0-9``, ``.``, ``_``, ``-``; from the export schema."""
SOURCE_LOCAL = "local"
"""The ``source`` of a revision typed into this store."""
SOURCE_IMPORT = "import"
"""The ``source`` of a revision merged from an export file."""

MAX_ANSWER_BYTES = 64 * 1024
"""The largest answer one save may store: the UTF-8 bytes of its JSON text (64 KiB, some 30 pages of text)."""
MAX_KEYS = 64
"""The most different answers (keys) one store may hold; the case asks for about twenty."""

_SURROGATE = SURROGATE


@dataclass(frozen=True)
class Revision:
    """One saved version of one answer.

    Attributes
    ----------
    key : str
        The activity or question id, e.g. ``organisering-1``.
    value : Any
        The answer as JSON data (text, number, list, mapping…).
    saved_at : str
        When it was saved, UTC ISO 8601 with microseconds (``2025-03-01T09:15:02.123456+00:00``).
    revision : int
        The store's running number (unique within one store file); ``0`` for a revision read from an
        export file and not yet stored.
    case_version, lang : str
        The case edition the answer was given to.
    source : str
        ``"local"`` (typed here) or ``"import"`` (merged from an export file).
    replaced : int
        How many characters of the value as given could not be stored (lone UTF-16 surrogates, e.g. half
        of a pasted emoji) and were saved as U+FFFD ``�``; ``0`` normally. Tell the learner if not ``0``.
    superseded : Revision or None
        Set only on what :meth:`AnswerStore.save` returns when it was given ``based_on``: the key's latest
        revision at the moment of the save, if that was not the one the saved value was edited from (another
        notebook or tab saved meanwhile). The save still became the answer; ``superseded`` is kept in the
        store's history. Tell the learner. Not compared: a revision is the same with or without it.
    """

    key: str
    value: Any
    saved_at: str
    revision: int
    case_version: str
    lang: str
    source: str = SOURCE_LOCAL
    replaced: int = 0
    superseded: Revision | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: how many revisions were new, how many the store already had, which keys."""

    added: int
    already_present: int
    keys: tuple[str, ...]


def validate_key(key: object, lang: str = DEFAULT_LANG) -> str:
    """Return ``key`` if it is a valid answer key (non-empty, ``[a-z0-9._-]``), else raise.

    Raises
    ------
    AnswerStoreError
        With a message in ``lang`` naming the key.
    """
    if isinstance(key, str) and KEY_PATTERN.fullmatch(key):
        return key
    raise AnswerStoreError(t("answers.error.key_invalid", ui_lang(lang), key=repr(key)))


def encode(key: str, value: Any, lang: str = DEFAULT_LANG) -> tuple[str, int]:
    """The JSON text a store keeps for ``value`` under ``key``, and how many characters were replaced.

    Lone UTF-16 surrogates are replaced by U+FFFD first (see :func:`clean_surrogates`).

    Raises
    ------
    AnswerStoreError
        ``key`` is invalid, or ``value`` is not JSON data (the message, in ``lang``, names the type).
    AnswerTooBigError
        The JSON text is over :data:`MAX_ANSWER_BYTES`.
    """
    validate_key(key, lang)
    value, replaced = clean_surrogates(value)
    text = to_json(key, value, lang)
    size = len(text.encode("utf-8"))
    if size > MAX_ANSWER_BYTES:
        ui = ui_lang(lang)
        raise AnswerTooBigError(
            t(
                "store.error.too_big",
                ui,
                key=key,
                size=f"{format_size(size, ui, 'KB')} KB",
                limit=f"{format_size(MAX_ANSWER_BYTES, ui, 'KB')} KB",
            )
        )
    return text, replaced


def too_many_keys(key: str, lang: str = DEFAULT_LANG) -> AnswerTooBigError:
    """The refusal of a new ``key`` in a store that already holds :data:`MAX_KEYS` answers."""
    return AnswerTooBigError(t("store.error.too_many_keys", ui_lang(lang), key=key, limit=MAX_KEYS))


# -- the JSON text of a value --------------------------------------------------------------------------------
class _NotJson(Exception):
    def __init__(self, kind: str) -> None:
        self.kind = kind


def _refuse(obj: object) -> Any:
    raise _NotJson(type(obj).__name__)


def to_json(key: str, value: Any, lang: str = DEFAULT_LANG) -> str:
    """The compact JSON text the store keeps for ``value``, or raise naming the key and the offending type.

    Mapping order is kept (a widget's order of fields is meaningful); an exported value re-serialises to
    the same text, which is what import uses to recognise revisions it already has.

    Raises
    ------
    AnswerStoreError
        ``value`` is not JSON data; the message, in ``lang``, names ``key`` and the type.
    """
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_refuse)
    except _NotJson as exc:
        kind = exc.kind
    except ValueError:  # NaN or infinity
        kind = t("answers.type.not_a_number", ui_lang(lang))
    except TypeError:  # a mapping key that is not str/int/float/bool/None, or mixed key types
        kind = f"{type(value).__name__} ({_bad_key_type(value, lang)})"
    except RecursionError:
        kind = type(value).__name__
    raise AnswerStoreError(t("answers.error.not_json", ui_lang(lang), key=key, type=kind))


def _bad_key_type(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        for k in value:
            if not isinstance(k, (str, int, float, bool, type(None))):
                return t("answers.type.bad_key", ui_lang(lang), type=type(k).__name__)
        return t("answers.type.mixed_keys", ui_lang(lang))
    return "?"


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def parsed_clean(doc: Any, text: str) -> Any:
    """``doc``, parsed from the JSON ``text`` (decoded from UTF-8), with its lone surrogates replaced as
    :func:`clean_surrogates` does. Such text holds a surrogate only as an escape (``"\\ud800"``), so
    where ``text`` has none, ``doc`` is returned as it is, neither serialised again nor walked (about a
    tenth of reading a class's hand-ins went to that)."""
    return clean_surrogates(doc)[0] if _ESCAPED_SURROGATE.search(text) else doc


def clean_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` with every lone UTF-16 surrogate (in text, list items and mapping keys) replaced by U+FFFD
    and valid surrogate pairs joined; and how many characters were replaced.

    A value that is not JSON data is returned as it is (:func:`to_json` says what is wrong with it).
    """
    count = 0

    def text(s: str) -> str:
        nonlocal count
        if not _SURROGATE.search(s):
            return s
        fixed = utf8_safe(s)
        count += fixed.count("\ufffd") - s.count("\ufffd")
        return fixed

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return text(v)
        if isinstance(v, (list, tuple)):
            return [walk(item) for item in v]
        if isinstance(v, dict):
            out: dict[Any, Any] = {}
            for k, item in v.items():
                new_key = text(k) if isinstance(k, str) else k
                while new_key in out and new_key is not k:  # two keys made alike: keep both
                    new_key += "\ufffd"
                out[new_key] = walk(item)
            return out
        return v

    try:
        probe = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return value, 0  # to_json says what is wrong with it
    if not _SURROGATE.search(probe):
        return value, 0
    try:
        return walk(value), count
    except RecursionError:  # pragma: no cover - json.dumps above would have failed first
        return value, 0
