"""HTML and Markdown renderings of the case text, shared by the notebook display and the handout.

Everything from the data is escaped. Utterances are set apart with their speaker's name, so dialogue reads
as dialogue; narration fragments that only join quotes (", Sanne siger:", ".") lose their leading
punctuation in this view. ``Section.text`` keeps the exact running text.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from casekit.i18n import t

if TYPE_CHECKING:
    from casekit.case import Block, Case, Section

_LEADING_JOINERS = re.compile(r"^[,.;:!?…]+\s*")

# Inline styles: notebook front-ends keep style attributes, and the handout needs no stylesheet for them.
_UTTERANCE_STYLE = "margin:0.3em 0 0.3em 1.2em;padding:0.2em 0.8em;border-left:4px solid #0072B2;"
_PREF_STYLE = "font-size:0.8em;color:#444;margin-right:0.4em;"


def display_narration(text: str) -> str:
    return _LEADING_JOINERS.sub("", text)


def _utterance_html(block: Block, lang: str) -> str:
    name = escape(t("speaker_said", lang, name=block.speaker_name or block.speaker or ""))
    return (
        f'<blockquote class="casekit-utterance" data-speaker="{escape(block.speaker or "")}" '
        f'style="{_UTTERANCE_STYLE}"><p><strong>{name}</strong> {escape(block.quoted)}</p></blockquote>'
    )


def _paragraph_html(blocks: tuple[Block, ...], lang: str) -> str:
    """One paragraph: its number (for citing) leads the first line; quotes are set apart."""
    first = blocks[0]
    anchor = escape(f"{first.section}-p{first.paragraph}")
    if first.kind == "question":
        items = "".join(
            f'<p class="casekit-question"><strong>{b.paragraph}.</strong> {escape(b.text)}</p>'
            for b in blocks
        )
        return f'<div class="casekit-paragraph" id="{anchor}">{items}</div>'
    label = (
        f'<span class="casekit-pref" style="{_PREF_STYLE}" title="{escape(first.ref)}">'
        f"{escape(t('paragraph_label', lang, n=first.paragraph))}</span>"
    )
    parts: list[str] = []
    for block in blocks:
        if block.kind == "utterance":
            parts.append(_utterance_html(block, lang))
        elif text := display_narration(block.text):
            parts.append(f"<p>{escape(text)}</p>")
    if parts and parts[0].startswith("<p>"):
        parts[0] = "<p>" + label + parts[0][len("<p>") :]
    else:
        parts.insert(0, f"<p>{label}</p>")
    return f'<div class="casekit-paragraph" id="{anchor}">{"".join(parts)}</div>'


def section_html(section: Section, lang: str = "da", top_level: int = 2) -> str:
    """One section as an HTML fragment: a heading, then its paragraphs."""
    level = min(top_level + section.level - 1, 6)
    body = "".join(_paragraph_html(p, lang) for p in section.paragraphs)
    return (
        f'<section class="casekit-section" id="{escape(section.id)}" lang="{escape(lang)}">'
        f"<h{level}>{escape(section.heading)}</h{level}>{body}</section>"
    )


def attribution_html(case: Case) -> str:
    """The attribution line, with a link to the publisher when the data gives an address."""
    text = escape(str(case.meta.get("attribution", "")))
    url = str(case.source.get("url", ""))
    link = f' <a href="{escape(url)}">{escape(url)}</a>' if url else ""
    return f'<p class="casekit-attribution"><small>{text}{link}</small></p>'


def case_html(case: Case, top_level: int = 2) -> str:
    sections = "".join(section_html(s, case.lang, top_level + 1) for s in case.sections)
    return (
        f'<article class="casekit-case" lang="{escape(case.lang)}"><h{top_level}>{escape(case.title)}'
        f"</h{top_level}>{attribution_html(case)}{sections}</article>"
    )


# -- Markdown ------------------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def md_escape(text: str) -> str:
    """Escape text for Markdown: HTML-significant characters and Markdown's own markers."""
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


def section_markdown(section: Section, lang: str = "da", top_level: int = 2) -> str:
    level = min(top_level + section.level - 1, 6)
    lines = [f"{'#' * level} {md_escape(section.heading)}", ""]
    for paragraph in section.paragraphs:
        for block in paragraph:
            if block.kind == "utterance":
                name = md_escape(t("speaker_said", lang, name=block.speaker_name or ""))
                lines += [f"> **{name}** {md_escape(block.quoted)}", ""]
            elif block.kind == "question":
                lines += [f"{block.paragraph}. {md_escape(block.text)}", ""]
            elif text := display_narration(block.text):
                prefix = (
                    f"*{t('paragraph_label', lang, n=block.paragraph)}* " if block is paragraph[0] else ""
                )
                lines += [prefix + md_escape(text), ""]
    return "\n".join(lines)


def case_markdown(case: Case) -> str:
    head = [f"# {md_escape(case.title)}", "", f"*{md_escape(str(case.meta.get('attribution', '')))}*", ""]
    return "\n".join(head + [section_markdown(s, case.lang) for s in case.sections])
