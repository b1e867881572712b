"""A standalone, printable, accessible HTML handout of a whole case and its questions.

The document is ``casekit/templates/handout.html.j2``: the shared layout and stylesheet of
``base.html.j2`` around the same section markup the notebook display uses. No scripts, no external
resources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casekit import _html, _templates
from casekit.i18n import t

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = ["handout_html"]


def handout_html(case: Case) -> str:
    """The whole case, questions included, as one HTML document with ``lang`` set and no scripts.

    Parameters
    ----------
    case : Case
        The case to print.

    Returns
    -------
    str
        A complete document: ``<!DOCTYPE html>``, a header with the title and attribution, every section
        in ``<main>``, and a footer with the source and the line saying how the handout was made.
    """
    publisher = str(case.source.get("publisher", ""))
    return _templates.render(
        "handout.html.j2",
        lang=case.lang,
        kind="handout",
        title=t("handout_title", case.lang, title=case.title),
        case_title=case.title,
        a=_html.attribution_data(case),
        sections=_html.sections_data(case, 2),
        g=_html.glossary_data(case, 2),
        source_label=t("source_label", case.lang),
        publisher=publisher,
        url=str(case.source.get("url", "")),
        generated=t("handout_generated", case.lang, publisher=publisher),
    )
