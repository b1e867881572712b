"""A standalone, printable, accessible HTML handout of a whole case and its questions."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from casekit import _html
from casekit.i18n import t

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = ["handout_html"]

# Print-friendly, high-contrast, readable type; no scripts and no external resources.
_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; font-size: 12pt; line-height: 1.5; color: #111;
       max-width: 42em; margin: 2em auto; padding: 0 1em; background: #fff; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; line-height: 1.2; }
h2 { margin-top: 1.6em; border-bottom: 1px solid #999; }
.casekit-pref { font-family: Helvetica, Arial, sans-serif; }
.casekit-attribution, footer { color: #333; }
@media print { body { margin: 0; max-width: none; } h2, h3 { break-after: avoid; }
               .casekit-utterance { break-inside: avoid; } }
"""


def handout_html(case: Case) -> str:
    """The whole case, questions included, as one HTML document with ``lang`` set and no scripts."""
    title = t("handout_title", case.lang, title=case.title)
    publisher = str(case.source.get("publisher", ""))
    url = str(case.source.get("url", ""))
    generated = t("handout_generated", case.lang, publisher=publisher)
    sections = "".join(_html.section_html(s, case.lang, top_level=2) for s in case.sections)
    source_link = f'<a href="{escape(url)}">{escape(publisher or url)}</a>' if url else escape(publisher)
    return f"""<!DOCTYPE html>
<html lang="{escape(case.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{escape(case.title)}</h1>
{_html.attribution_html(case)}
</header>
<main>
{sections}
</main>
<footer>
<p>{escape(t("source_label", case.lang))}: {source_link}. {escape(generated)}</p>
</footer>
</body>
</html>
"""
