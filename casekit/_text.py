"""Plain-text helpers that several parts of casekit share: a file-safe slug of a name."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SLUG_PATTERN", "slug", "transliterate"]

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""An id casekit makes or checks: a case's, an actor's, a round's (words of a-z and 0-9 joined by ``-``).
The schemas state it too (``defs.schema.json``'s ``id``, the export's ``actor-id``, the snapshot's case
id); a test keeps them equal."""

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
