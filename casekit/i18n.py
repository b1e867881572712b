"""The string catalog: every word of the user interface, in Danish and English.

Strings live in ``casekit/locales/<lang>/*.yaml`` (one file per part of the program, flat ``key: text``
mappings). Code asks for a key; it never holds a sentence of its own. Danish is the reference catalog:
a key missing in another language falls back to Danish, and a test keeps the catalogs in step.
"""

from __future__ import annotations

import errno
import functools
import os
from pathlib import Path

from casekit._yaml import read as read_yaml
from casekit.errors import CasekitError

__all__ = [
    "DEFAULT_LANG",
    "LANGUAGES",
    "LANG_ENV",
    "catalog",
    "default_lang",
    "format_number",
    "format_size",
    "reason",
    "t",
    "ui_lang",
]

DEFAULT_LANG = "da"
LANGUAGES = ("da", "en")
_LOCALES = Path(__file__).with_name("locales")


@functools.cache
def catalog(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """All strings of one language, merged from its files; a key defined twice is an error."""
    if lang not in LANGUAGES:
        raise CasekitError(f"no string catalog for language {lang!r}; available: {', '.join(LANGUAGES)}")
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in sorted((_LOCALES / lang).glob("*.yaml")):
        # libyaml's parser where PyYAML has it (a tenth of the pure-Python one's time: every kernel and
        # command reads the catalog), and a key written twice in one file is an error with its line.
        data, problems = read_yaml(path, str(path))
        if problems:
            raise CasekitError("; ".join(str(problem) for problem in problems))
        data = data or {}
        if not isinstance(data, dict):
            raise CasekitError(f"{path}: a string catalog must be a mapping of key: text")
        for key, text in data.items():
            if key in merged:
                raise CasekitError(f"{path}: key {key!r} is already defined in {origin[key]}")
            if not isinstance(text, str):
                raise CasekitError(f"{path}: the value of {key!r} must be text")
            merged[key] = text
            origin[key] = path.name
    return merged


LANG_ENV = "CASEKIT_LANG"


def default_lang() -> str:
    """The language when none is asked for: ``$CASEKIT_LANG`` if the catalog has it, else Danish."""
    chosen = os.environ.get(LANG_ENV, "").strip().lower()
    return chosen if chosen in LANGUAGES else DEFAULT_LANG


def ui_lang(lang: str | None) -> str:
    """The catalog language for messages: ``lang`` if the catalog has it, else :func:`default_lang`."""
    return lang if lang in LANGUAGES else default_lang()


def t(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    Where ``count`` is 1 and the catalog has ``<key>.one``, that text: the singular ("1 answer", "1 fil")
    where the plural would read wrong. Falls back to Danish for a key not yet translated; an unknown key
    raises ``KeyError`` (a bug, not a user error).
    """
    if values.get("count") == 1 and f"{key}.one" in catalog(DEFAULT_LANG):
        key = f"{key}.one"
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG)[key]
    return text.format(**values) if values else text


_UNITS = {"KB": 1024, "MB": 1024 * 1024}


def format_number(value: float, lang: str) -> str:
    """A number as people read it in ``lang``: whole numbers without decimals, others to one decimal with
    a decimal comma in Danish (``3,5``) and a point in English (``3.5``)."""
    text = str(int(value)) if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", ",") if ui_lang(lang) == "da" else text


def format_size(size: float, lang: str, unit: str = "MB") -> str:
    """A size in bytes as people read it in ``lang``, to one decimal: ``1,5`` in Danish, ``1.5`` in
    English; the unit (``KB`` or ``MB``, binary) is the caller's to add where its sentence wants it."""
    text = f"{size / _UNITS[unit]:.1f}"
    return text.replace(".", ",") if ui_lang(lang) == "da" else text


_ERRNO_KEYS = {
    errno.EISDIR: "system.is_a_directory",
    errno.ENOTDIR: "system.not_a_directory",
    errno.EEXIST: "system.exists",
    errno.ENOENT: "system.not_found",
    errno.EACCES: "system.no_permission",
    errno.EPERM: "system.no_permission",
    errno.EROFS: "system.read_only",
    errno.ENOSPC: "system.disk_full",
    errno.EDQUOT: "system.disk_full",
    errno.ENAMETOOLONG: "system.name_too_long",
}

_SQLITE_KEYS = (
    ("locked", "system.busy"),
    ("busy", "system.busy"),
    ("readonly", "system.read_only"),
    ("read-only", "system.read_only"),
    ("disk is full", "system.disk_full"),
    ("unable to open", "system.cannot_open"),
    ("malformed", "system.damaged"),
    ("not a database", "system.damaged"),
    ("disk i/o error", "system.io_error"),
)


def reason(exc: BaseException, lang: str = DEFAULT_LANG) -> str:
    """Why an operation failed, in the learner's words: ``exc`` (an ``OSError`` or an SQLite error) said
    in the catalog's language, never the system's English ("[Errno 21] Is a directory").

    Falls back to a sentence naming the error's class and number, for a fault the catalog does not know.
    """
    lang = ui_lang(lang)
    if isinstance(exc, OSError) and exc.errno in _ERRNO_KEYS:
        return t(_ERRNO_KEYS[exc.errno], lang)
    text = str(exc).lower()
    for marker, key in _SQLITE_KEYS:
        if marker in text and not isinstance(exc, OSError):
            return t(key, lang)
    code = getattr(exc, "errno", None) or getattr(exc, "sqlite_errorcode", None) or "?"
    return t("system.other", lang, kind=type(exc).__name__, code=code)
