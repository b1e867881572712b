"""The string catalog: every word of the user interface, in Danish and English.

Strings live in ``casekit/locales/<lang>/*.yaml`` (one file per part of the program, flat ``key: text``
mappings). Code asks for a key; it never holds a sentence of its own. Danish is the reference catalog:
a key missing in another language falls back to Danish, and a test keeps the catalogs in step.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from casekit.errors import CasekitError

__all__ = ["DEFAULT_LANG", "LANGUAGES", "catalog", "t", "ui_lang"]

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
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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


def ui_lang(lang: str | None) -> str:
    """The catalog language for messages: ``lang`` if the catalog has it, else Danish."""
    return lang if lang in LANGUAGES else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    Falls back to Danish for a key not yet translated; an unknown key raises ``KeyError`` (a bug, not a
    user error).
    """
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG)[key]
    return text.format(**values) if values else text
