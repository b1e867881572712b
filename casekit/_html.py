"""HTML and Markdown renderings of the case text, shared by the notebook display and the handout.

The markup lives in template files (``casekit/templates/case/``); this module only prepares the data
(heading levels, paragraph numbers, speakers' names, the catalog's words) and renders them. The HTML
templates are autoescaped and the Markdown ones escape every data field, so nothing from the data becomes
markup. Utterances are set apart with their speaker's name, so dialogue reads as dialogue; narration
fragments that only join quotes (", Sanne siger:", ".") lose their leading punctuation in this view.
``Section.text`` keeps the exact running text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from casekit import _filters, _templates
from casekit.i18n import t

if TYPE_CHECKING:
    import pandas as pd

    from casekit.case import Block, Case, Section

__all__ = [
    "Table",
    "attribution_data",
    "attribution_html",
    "case_html",
    "case_markdown",
    "display_narration",
    "glossary_data",
    "glossary_html",
    "md_escape",
    "section_html",
    "section_markdown",
    "sections_data",
]

_LEADING_JOINERS = re.compile(r"^[,.;:!?…]+\s*")


def display_narration(text: str) -> str:
    """Narration as the dialogue view shows it: without the punctuation that only joins it to a quote.

    Parameters
    ----------
    text : str
        A narration fragment, e.g. ``", Sanne siger:"``.

    Returns
    -------
    str
        ``text`` without its leading joining punctuation and the space after it (``"Sanne siger:"``).
    """
    return _LEADING_JOINERS.sub("", text)


# -- a table to read -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """A table a person reads in full, shown in a notebook as a styled HTML table (``data_table.html.j2``):
    a caption, the column headers, and rows each led by the row's name (a row header). Nothing is cut, and
    there is no 0…n index column. Its plain text (``repr``) lists each row's cells under its name.

    ``frame`` is the same table as a pandas DataFrame, for those who compute with it.
    """

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    wide: tuple[int, ...] = ()
    """The columns of running text (a role, a lens): at least a readable width; the others as their words."""
    lead: int = 1
    """How many columns name the row: the first in bold, the others under it in small type (who is who's
    name, with what and where under it), so that a narrow notebook keeps room for the running text."""

    @property
    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=list(self.columns))

    def _repr_html_(self) -> str:
        return _templates.render(
            "data_table.html.j2",
            caption=self.caption,
            columns=self.columns,
            rows=self.rows,
            wide=self.wide,
            lead=self.lead,
        )

    def __repr__(self) -> str:
        lines = [self.caption]
        for row in self.rows:
            lines.append(row[0])
            lines += [f"  {column}: {cell}" for column, cell in zip(self.columns[1:], row[1:], strict=True)]
        return "\n".join(lines)


# -- the data the templates get ------------------------------------------------------------------------------
def _part(block: Block, lang: str, *, first: bool) -> dict[str, Any] | None:
    """One block of a paragraph for the templates, or ``None`` for narration that is only punctuation."""
    part: dict[str, Any] = {"kind": block.kind, "number": block.paragraph, "first": first}
    if block.kind == "utterance":
        part["speaker"] = block.speaker or ""
        part["said"] = t("speaker_said", lang, name=block.speaker_name or block.speaker or "")
        part["text"] = block.quoted
        return part
    text = block.text if block.kind == "question" else display_narration(block.text)
    if not text:
        return None
    part["text"] = text
    return part


def _paragraph(blocks: tuple[Block, ...], lang: str, section: Section) -> dict[str, Any]:
    """One paragraph: its anchor, its citable number and its parts (questions keep every block)."""
    first = blocks[0]
    question = first.kind == "question"
    parts = []
    for block in blocks:
        if question:
            parts.append({"kind": "question", "number": block.paragraph, "text": block.text, "first": False})
        elif (part := _part(block, lang, first=block is first)) is not None:
            parts.append(part)
    return {
        "anchor": f"{first.section}-p{first.paragraph}",
        "ref": section.cite(first.paragraph),
        "label": t("paragraph_label", lang, n=first.paragraph),
        "question": question,
        "parts": parts,
    }


def _section(section: Section, lang: str, top_level: int) -> dict[str, Any]:
    """One section: id, language, heading and its level (``top_level`` for a top section, at most 6)."""
    return {
        "id": section.id,
        "lang": lang,
        "heading": section.heading,
        "level": min(top_level + section.level - 1, 6),
        "paragraphs": [_paragraph(p, lang, section) for p in section.paragraphs],
        "after_heading": "",
    }


def attribution_data(case: Case) -> dict[str, str]:
    """The attribution line, the publisher's address and, for a translation, the translator's note."""
    translation = case.meta.get("translation")
    note = str(translation.get("note", "")) if isinstance(translation, Mapping) else ""
    return {
        "text": str(case.meta.get("attribution", "")),
        "url": str(case.source.get("url", "")),
        "translation": note,
    }


def glossary_data(case: Case, level: int = 2, within: str | None = None) -> dict[str, Any]:
    """The edition's glossary for the templates (a translated edition explains the Danish terms).

    Parameters
    ----------
    case : Case
        Its ``meta.glossary`` lists ``{term, english, explanation}``; a Danish edition has none.
    level : int
        The heading level of the glossary.
    within : str, optional
        Only the terms whose rendering appears in this text (a part of the case: where they first appear).
    """
    listed = case.meta.get("glossary")
    entries = [e for e in listed if isinstance(e, Mapping)] if isinstance(listed, (list, tuple)) else []
    if within is not None:
        text = within.casefold()
        entries = [e for e in entries if str(e.get("english", "")).casefold() in text]
    shown = [{k: str(e.get(k, "")) for k in ("term", "english", "explanation")} for e in entries]
    return {"heading": t("glossary.heading", case.lang), "level": min(level, 6), "entries": shown}


def glossary_html(case: Case, level: int = 2, within: str | None = None) -> str:
    """The glossary (see :func:`glossary_data`) as an HTML fragment; ``""`` when it has no entries."""
    return _templates.piece("case/macros.html.j2", "glossary", g=glossary_data(case, level, within))


def sections_data(case: Case, top_level: int) -> list[dict[str, Any]]:
    """Every section of ``case`` prepared for the templates (the handout uses this too)."""
    return [_section(s, case.lang, top_level) for s in case.sections]


# -- HTML ----------------------------------------------------------------------------------------------------
def section_html(section: Section, lang: str = "da", top_level: int = 2, after_heading: str = "") -> str:
    """One section as an HTML fragment: a heading, then its numbered paragraphs.

    Parameters
    ----------
    section : Section
        The section to show.
    lang : str
        The language of the catalog's words (speaker labels, paragraph numbers) and of ``lang=``.
    top_level : int
        The heading level of a top-level section; subsections go one level deeper (never past 6).
    after_heading : str
        HTML that casekit's own templates rendered (the reading view's speakers line and glossary), put
        right under the heading.

    Returns
    -------
    str
        ``<section class="casekit-section" id=… lang=…>`` with the heading and one
        ``<div class="casekit-paragraph">`` per paragraph.
    """
    data = {**_section(section, lang, top_level), "after_heading": Markup(after_heading)}
    return _templates.render("case/section.html.j2", s=data)


def attribution_html(case: Case) -> str:
    """The attribution line, with a link to the publisher when the data gives an address.

    Parameters
    ----------
    case : Case
        The case whose ``meta.attribution`` and ``source.url`` are shown.

    Returns
    -------
    str
        ``<p class="casekit-attribution">`` with the text and, if there is one, the link.
    """
    return _templates.render("case/attribution.html.j2", a=attribution_data(case))


def case_html(case: Case, top_level: int = 2) -> str:
    """The whole case as an HTML fragment: its title, the attribution, then every section.

    Parameters
    ----------
    case : Case
        The case to show.
    top_level : int
        The heading level of the title; the sections start one level below.

    Returns
    -------
    str
        ``<article class="casekit-case" lang=…>``.
    """
    return _templates.render(
        "case/case.html.j2",
        lang=case.lang,
        level=top_level,
        title=case.title,
        a=attribution_data(case),
        sections=sections_data(case, top_level + 1),
        g=glossary_data(case, top_level + 1),
    )


# -- Markdown ------------------------------------------------------------------------------------------------
def md_escape(text: str) -> str:
    """Escape text for Markdown: HTML-significant characters and Markdown's own markers.

    The rule is :func:`casekit._filters.md_escape` (the templates' ``md`` filter), the one every Markdown
    rendering uses.

    Parameters
    ----------
    text : str
        Text from the data.

    Returns
    -------
    str
        ``text`` with ``&``, ``<``, ``>`` as entities and ``\\ ` * _ [ ] # |`` backslash-escaped.
    """
    return _filters.md_escape(text)


def section_markdown(section: Section, lang: str = "da", top_level: int = 2) -> str:
    """One section as Markdown: a heading, then a block of text per narration, quote or question.

    Parameters
    ----------
    section : Section
        The section to show.
    lang : str
        The language of the catalog's words.
    top_level : int
        The heading level of a top-level section (never past 6).

    Returns
    -------
    str
        Markdown text ending in one line break.
    """
    return _templates.render("case/section.md.j2", s=_section(section, lang, top_level))


def case_markdown(case: Case) -> str:
    """The whole case as Markdown: the title, the attribution in italics, then every section.

    Parameters
    ----------
    case : Case
        The case to show.

    Returns
    -------
    str
        Markdown text ending in one line break.
    """
    return _templates.render(
        "case/case.md.j2",
        title=case.title,
        attribution=str(case.meta.get("attribution", "")),
        sections=sections_data(case, 2),
    )
