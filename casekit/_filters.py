"""Filters the templates use: Markdown escaping and compact one-line text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

__all__ = ["FILTERS", "md_cell", "md_escape", "md_text", "one_line"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def one_line(text: object) -> str:
    """``text`` with every run of white space (line breaks too) made one space."""
    return " ".join(str(text).split())


def md_escape(text: object) -> str:
    """Escape text for Markdown, the one rule every Markdown document uses for text from the data or a
    label: ``&``, ``<`` and ``>`` as entities (no tag gets through), then Markdown's own markers
    (``\\ ` * _ [ ] # |``) with a backslash."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def md_text(text: object) -> str:
    """A learner's own text for Markdown, kept as typed except that no HTML tag can get through.

    ``<`` becomes ``&lt;``, which every Markdown renderer shows as ``<``: ``<script>`` reads as text.
    """
    return str(text).replace("<", "&lt;")


def md_cell(text: object) -> str:
    """Text for one Markdown table cell: one line, escaped (a bare ``|`` would start a new cell)."""
    return md_escape(one_line(text))


FILTERS: dict[str, Callable[..., Any]] = {
    "md": md_escape,
    "md_cell": md_cell,
    "md_text": md_text,
    "one_line": one_line,
}
