"""The JSON export inside the HTML hand-in: written as a data block that nothing can break out of, and found
again.

The hand-in page (``templates/handin.html.j2``) carries the learner's export document
(:func:`casekit.answers.document.export_for_page`) in ``<script type="application/json"
id="casekit-answers">…</script>``: one file serves the reader (the page) and whatever reads answers
(an upload, ``casekit answers import``, ``casekit class summarize``). A browser never runs such a block
(``application/json`` is no script type) and never shows it.

**Written safely.** In JSON text, ``<``, ``>`` and ``&`` can only stand inside a string, where
``\\u003c``, ``\\u003e`` and ``\\u0026`` mean the same characters (:func:`script_text`). With none of the
three left, no ``</script>``, ``<!--`` or ``<script`` in a learner's words can end the block early or
change how an HTML parser reads it (the HTML standard's "script data" states turn only on ``<``), and
the JSON read back is the very document written. U+2028 and U+2029 are written as escapes too, so the
block stays one line for any reader that splits on them.

**Read back** (:func:`find_block`): the first ``<script>`` start tag whose ``id`` is
:data:`BLOCK_ID` and whose ``type`` is :data:`MEDIA_TYPE` (any attribute order or quoting), up to the
next ``</script``. What it holds is then checked exactly as any export file is
(:func:`casekit.answers.document.parse_import`): a tampered block gets the import's own messages.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "BLOCK_ID",
    "MEDIA_TYPE",
    "PAGE_SUFFIXES",
    "find_block",
    "is_page",
    "looks_like_html",
    "script_text",
]

BLOCK_ID = "casekit-answers"
"""The ``id`` of the hand-in's data block (the file format's name: ``docs/answers-format.md``)."""
MEDIA_TYPE = "application/json"
"""The block's ``type``."""
PAGE_SUFFIXES = (".html", ".htm")
"""The names of HTML files (a hand-in is ``<case>-<learner>.html``)."""

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_TO_ESCAPE = re.compile("[<>&\u2028\u2029]")
_START = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_END = re.compile(r"</script[\s/>]", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def script_text(json_text: str) -> str:
    """``json_text`` (a JSON document) written so that it can stand inside a ``<script>`` element: the
    same document, with ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\u`` escapes."""
    return _TO_ESCAPE.sub(lambda match: _ESCAPES[match.group()], json_text)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is markup rather than JSON: its first character that is not white space is ``<``
    (a JSON document never starts so)."""
    return text.lstrip()[:1] == "<"


def _attributes(inside: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(inside):
        name = match.group(1).lower()
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        found.setdefault(name, html.unescape(value))  # the first of two equal names counts, as in HTML
    return found


def is_page(name: str, text: str) -> bool:
    """Whether a file is read as an HTML page: by its text (:func:`looks_like_html`), or by its name
    (``.html``, ``.htm``) unless its text is a JSON object. A page is read by its block alone; one without
    a block says so (rather than "not valid JSON")."""
    if looks_like_html(text):
        return True
    return name.lower().endswith(PAGE_SUFFIXES) and text.lstrip()[:1] != "{"


def find_block(text: str) -> str | None:
    """The text inside the page's answer block, or ``None`` when it has none (a page of another program,
    or a hand-in from a casekit older than the block)."""
    for start in _START.finditer(text):
        attributes = _attributes(start.group(1))
        if attributes.get("id") != BLOCK_ID:
            continue
        if attributes.get("type", "").split(";")[0].strip().lower() != MEDIA_TYPE:
            continue
        end = _END.search(text, start.end())
        return text[start.end() : end.start() if end else len(text)]
    return None
