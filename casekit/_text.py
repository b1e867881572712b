"""Plain-text helpers that several parts of casekit share: a file-safe slug of a name, a phrase inside a
sentence."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SLUG_PATTERN", "SURROGATE", "excerpt", "lower_first", "slug", "transliterate", "utf8_safe"]

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""An id casekit makes or checks: a case's, an actor's, a round's (words of a-z and 0-9 joined by ``-``).
The schemas state it too (``defs.schema.json``'s ``id``, the export's ``actor-id``, the snapshot's case
id); a test keeps them equal."""

SURROGATE = re.compile("[\ud800-\udfff]")
"""A UTF-16 surrogate: half of a pair (joined by :func:`utf8_safe`) or a lone one, which UTF-8 cannot hold
(a file name the system could not decode, ``"\\ud800"`` in a JSON string)."""

_DANISH = (("æ", "ae"), ("ø", "oe"), ("å", "aa"))


def transliterate(text: str) -> str:
    """``text`` in lower-case ASCII: the Danish letters as Danes write them without (æ → ae, ø → oe,
    å → aa), other accents dropped (é → e), what has no ASCII form left out."""
    lower = text.strip().lower()
    for letter, plain in _DANISH:
        lower = lower.replace(letter, plain)
    return unicodedata.normalize("NFKD", lower).encode("ascii", "ignore").decode("ascii")


def slug(text: str, *, keep: str = "", trim: str | None = None, limit: int | None = None) -> str:
    """A file-safe form of ``text``: :func:`transliterate`, then every run of other characters than
    ``a-z``, ``0-9`` and those in ``keep`` as one ``-``, trimmed at both ends of the characters in ``trim``
    (default ``-`` and ``keep``'s) and cut to ``limit`` characters. ``""`` when nothing usable is left:
    the caller decides."""
    allowed = re.escape(keep)
    text = re.sub(rf"[^a-z0-9{allowed}]+", "-", transliterate(text))
    ends = "-" + keep if trim is None else trim
    text = text.strip(ends)
    if limit is not None:
        text = text[:limit].strip(ends)
    return text


def utf8_safe(text: str) -> str:
    """``text`` as valid UTF-8 can hold it: surrogate pairs joined, each lone surrogate (a file name's
    undecodable byte, half an emoji) replaced by U+FFFD. Text without surrogates is returned as it is."""
    if not SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def lower_first(text: str) -> str:
    """A phrase (a pole of a scale) as it reads inside a sentence: its first letter lower-case, unless the
    first word is an acronym or a single letter that is all capitals ("IT-afdelingen" stays)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


_JOINING = frozenset("\u200d\ufe0e\ufe0f")  # a joiner and the variation selectors: they belong to a neighbour


def excerpt(text: str, limit: int) -> str:
    """The start of ``text`` to show in ``limit`` characters or fewer: white space as single spaces, cut at a
    word's end where one fits (else within the word, never between a letter and its accent or inside an
    emoji's sequence), with ``…`` where cut; ``""`` for text of white space only."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]
    else:
        while cut and (
            unicodedata.combining(words[len(cut)]) or words[len(cut)] in _JOINING or cut[-1] in _JOINING
        ):
            cut = cut[:-1]
    return cut.rstrip() + "…"
