"""The instructor's material: role cards for the next workshop, the theory the case cites, the frameworks.

Everything shown comes from the case data (``<lang>/activities.yaml``: ``rolecards`` and ``frameworks``;
``references.yaml``) and the string catalog (``casekit/locales/<lang>/teaching.yaml``); the role cards
are the template ``casekit/templates/rolecards.html.j2``. There is no answer key: the cards and the
tables offer lenses and questions, never solutions.

>>> from casekit import teaching
>>> case = teaching.load()
>>> html = teaching.rolecards_html(case)          # a printable A4 document, two cards per page
>>> teaching.references(case).columns[0]
'Forfattere'
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit import _html, _templates, loader
from casekit._files import atomic_write_text, ordinary_mode
from casekit.answers.location import refuse_overwriting_answers
from casekit.errors import CasekitError
from casekit.i18n import catalog, t, ui_lang
from casekit.naming import activity_title

if TYPE_CHECKING:
    import argparse
    import os

    import ipywidgets
    import pandas as pd

    from casekit.case import Actor, Case

__all__ = [
    "add_parsers",
    "frameworks",
    "frameworks_table",
    "load",
    "references",
    "references_table",
    "rolecards_data",
    "rolecards_html",
    "rolecards_link",
    "run_rolecards",
    "write_rolecards",
]


def load(case_id: str = loader.DEFAULT_CASE, lang: str | None = None) -> Case:
    """The case, for the instructor's notebook: one call, the same as :func:`casekit.load_case`.

    Parameters
    ----------
    case_id : str
        The case id, ``"samskabelse"`` by default.
    lang : str
        The edition's language, ``"da"`` by default.

    Returns
    -------
    Case
        The loaded case.
    """
    return loader.load_case(case_id, lang=lang)


# -- role cards ----------------------------------------------------------------------------------------------
def _label(case: Case, kind: str, key: str, fallback: str) -> str:
    """A display label from the case data, or ``fallback`` when the case has none for ``key``."""
    label = case.label(kind, key)
    return fallback if label == key else label


def _tristate(case: Case, value: bool | None) -> str:
    """``True``/``False``/``None`` as the case data says them: Ja, Nej or the case's "Ikke oplyst"."""
    lang = ui_lang(case.lang)
    if value is None:
        return _label(case, "participation", "not_stated", t("not_stated", lang))
    return t("teaching.rolecards.yes" if value else "teaching.rolecards.no", lang)


def _actor_data(case: Case, actor: Actor) -> dict[str, Any]:
    lang = ui_lang(case.lang)
    not_stated = t("not_stated", lang)
    sector = not_stated if actor.sector == loader.NOT_STATED else case.label("sector", actor.sector)
    project_group = _label(
        case, "participation", "project_group", t("teaching.rolecards.project_group", lang)
    )
    workshop = _label(case, "participation", "workshop", t("teaching.rolecards.workshop", lang))
    return {
        "id": actor.id,
        "name": actor.name,
        "role": actor.role,
        "facts": [
            (t("teaching.rolecards.kind", lang), case.label("kind", actor.kind)),
            (t("teaching.rolecards.sector", lang), sector),
            (project_group, _tristate(case, actor.project_group)),
            (workshop, _tristate(case, actor.workshop)),
        ],
    }


def _quote_data(case: Case, block_id: str) -> dict[str, Any]:
    block = case.block(block_id)
    lang = ui_lang(case.lang)
    if block.kind == "utterance":
        label = t("speaker_said", lang, name=block.speaker_name or block.speaker or "")
    else:
        label = t("teaching.rolecards.narration", lang)
    return {
        "id": block.id,
        "kind": block.kind,
        "ref": case.cite(block.ref),
        "speaker": block.speaker_name or "",
        "label": label,
        "text": _html.display_narration(block.quoted),
    }


def rolecards_data(case: Case) -> list[dict[str, Any]]:
    """The role cards of ``case`` as plain data, one mapping per chair, in the order of the data file.

    Parameters
    ----------
    case : Case
        A case whose ``<lang>/activities.yaml`` has ``rolecards``.

    Returns
    -------
    list of dict
        Per chair: ``id``, ``title``, ``empty``, ``actors`` (name, role and facts of each, as the case data
        gives them), ``quotes`` (block id, ``ref`` as the edition cites it, such as "Del 2 ¶2", speaker
        name, label and the block's words), ``note`` and ``questions``.

    Raises
    ------
    CasekitError
        The case has no role cards.
    UnknownIdError
        A chair names an actor or a block the case does not have (``casekit validate`` reports it first).
    """
    chairs = _rolecards(case).get("chairs") or []
    return [
        {
            "id": str(chair["id"]),
            "title": str(chair["title"]),
            "empty": bool(chair.get("empty", False)),
            "actors": [_actor_data(case, case.actor(a)) for a in chair.get("actors") or ()],
            "quotes": [_quote_data(case, b) for b in chair.get("evidence") or ()],
            "note": str(chair.get("note") or ""),
            "questions": [str(q) for q in chair.get("questions") or ()],
        }
        for chair in chairs
    ]


def _rolecards(case: Case) -> Mapping[str, Any]:
    config = case.activity("rolecards")
    if not config.get("chairs"):
        raise CasekitError(t("teaching.rolecards.none", ui_lang(case.lang), case=case.id, lang=case.lang))
    return config


def rolecards_html(case: Case) -> str:
    """The role cards as one standalone printable HTML document: a cover and one card per A4 half page.

    Parameters
    ----------
    case : Case
        A case whose ``<lang>/activities.yaml`` has ``rolecards``.

    Returns
    -------
    str
        A complete document (``<!DOCTYPE html>``, ``lang`` set, the stylesheet inlined, no scripts): the
        cover with the title, the intro and the list of chairs, then every chair's card, each 148 mm tall,
        never broken across pages when printed on A4.
    """
    config = _rolecards(case)
    lang = ui_lang(case.lang)
    chairs = rolecards_data(case)
    for n, chair in enumerate(chairs, start=1):
        chair["count"] = t("teaching.rolecards.card_of", lang, n=n, total=len(chairs))
    title = str(config.get("title") or case.title)
    publisher = str(case.source.get("publisher", ""))
    return _templates.render(
        "rolecards.html.j2",
        lang=case.lang,
        kind="rolecards",
        title=t("teaching.rolecards.doc_title", lang, title=title),
        heading=title,
        case_title=case.title,
        intro=str(config.get("intro") or ""),
        chairs=chairs,
        a=_html.attribution_data(case),
        publisher=publisher,
        url=str(case.source.get("url", "")),
        generated=t("teaching.rolecards.generated", lang, publisher=publisher),
        s={key.removeprefix("teaching.rolecards."): text for key, text in _strings(lang).items()},
    )


def _strings(lang: str) -> dict[str, str]:
    """The role cards' fixed strings of the catalog (those without fields to fill)."""
    return {
        key: text
        for key, text in catalog(lang).items()
        if key.startswith("teaching.rolecards.") and "{" not in text
    }


def rolecards_link(case: Case) -> ipywidgets.HTML:
    """A download link to the role cards, for a notebook: ``<a download href="data:text/html;base64,…">``.

    The link carries the whole document, so it works in JupyterLab, Voilà and Binder without a server.

    Parameters
    ----------
    case : Case
        A case with role cards.

    Returns
    -------
    ipywidgets.HTML
        The link, with a visible label from the catalog.
    """
    import ipywidgets

    lang = ui_lang(case.lang)
    payload = base64.b64encode(rolecards_html(case).encode("utf-8")).decode("ascii")
    return ipywidgets.HTML(
        _templates.piece(
            "widgets.html.j2",
            "download",
            file_name=t("teaching.rolecards.file_name", lang, case=case.id),
            href=f"data:text/html;charset=utf-8;base64,{payload}",
            label=t("teaching.rolecards.download", lang),
        )
    )


# -- theory and frameworks -----------------------------------------------------------------------------------
def _references(case: Case) -> tuple[list[str], list[list[str]]]:
    lang = ui_lang(case.lang)
    headings = {s.id: s.heading for s in case.sections}
    columns = [t(f"teaching.references.{c}", lang) for c in ("authors", "year", "cited_as", "sections")]
    rows = [
        [
            ", ".join(r.authors),
            r.year,
            r.cited_as,
            ", ".join(headings.get(s, s) for s in r.sections),
        ]
        for r in case.references
    ]
    return columns, rows


def references(case: Case) -> pd.DataFrame:
    """The theory the case cites (``references.yaml``), one row per cited work, columns from the catalog.

    Parameters
    ----------
    case : Case
        The case.

    Returns
    -------
    pandas.DataFrame
        Columns (in Danish for a Danish case): authors, year, as cited, where cited (section headings).
        :func:`references_table` shows the same to read.
    """
    import pandas as pd

    columns, rows = _references(case)
    return pd.DataFrame(rows, columns=columns)


def references_table(case: Case) -> _html.Table:
    """The theory the case cites as a table to read in full in a notebook (see :func:`references`)."""
    columns, rows = _references(case)
    caption = t("teaching.references.caption", ui_lang(case.lang))
    return _html.Table(
        caption, tuple(columns), tuple(tuple(str(c) for c in row) for row in rows), wide=(2, 3), lead=2
    )


def _activity_title(case: Case, key: str) -> str:
    """The hand-in's title of an activity; for the reading and the questions, the teaching catalog's."""
    title = activity_title(key, case.lang, case=case)
    return title if title != key else catalog(ui_lang(case.lang)).get(f"teaching.activity.{key}", key)


def _frameworks(case: Case) -> tuple[list[str], list[list[str]]]:
    lang = ui_lang(case.lang)
    keys = ("name", "authors", "year", "cited", "activities", "lens")
    columns = [t(f"teaching.frameworks.{k}", lang) for k in keys]
    cited = {r.id for r in case.references}
    raw = case.activities.get("frameworks") or []
    rows = [
        [
            str(f["name"]),
            str(f["authors"]),
            str(f.get("year") or t("teaching.frameworks.year_none", lang)),
            t("teaching.rolecards.yes" if f.get("reference") in cited else "teaching.rolecards.no", lang),
            ", ".join(_activity_title(case, a) for a in f.get("activities") or ()),
            str(f["lens"]),
        ]
        for f in raw
    ]
    return columns, rows


def frameworks(case: Case) -> pd.DataFrame:
    """The frameworks the activities use (``frameworks`` in ``<lang>/activities.yaml``), with their lens.

    Parameters
    ----------
    case : Case
        The case.

    Returns
    -------
    pandas.DataFrame
        Columns from the catalog: framework, authors, year, whether the case itself cites it, the
        activities that use it, and one sentence on the lens it offers. Empty if the case lists none.
        :func:`frameworks_table` shows the same to read.
    """
    import pandas as pd

    columns, rows = _frameworks(case)
    return pd.DataFrame(rows, columns=columns)


def frameworks_table(case: Case) -> _html.Table:
    """The frameworks the activities use as a table to read in full in a notebook: each framework's name
    leads its row, its lens in full (see :func:`frameworks`)."""
    columns, rows = _frameworks(case)
    caption = t("teaching.frameworks.caption", ui_lang(case.lang))
    return _html.Table(caption, tuple(columns), tuple(tuple(row) for row in rows), wide=(4, 5), lead=3)


# -- the command line ----------------------------------------------------------------------------------------
def write_rolecards(
    output: str | os.PathLike[str], case_id: str = loader.DEFAULT_CASE, *, lang: str | None = None
) -> Path:
    """Write the role cards of a case to an HTML file (what ``casekit rolecards`` does).

    Parameters
    ----------
    output : path-like
        The HTML file to write.
    case_id : str
        The case id, ``"samskabelse"`` by default.
    lang : str, optional
        The edition's language, as :func:`casekit.load_case` takes it.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    CasekitError
        The case cannot be loaded or has no role cards, or ``output`` is an answer store
        (:class:`~casekit.errors.AnswerStoreError`; nothing is written).
    OSError
        The file cannot be written.
    """
    out = Path(output)
    refuse_overwriting_answers(out, ui_lang(lang))
    case = loader.load_case(case_id, lang=lang)
    return atomic_write_text(out, rolecards_html(case), mode=ordinary_mode())


def add_parsers(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``rolecards`` command to a ``casekit`` sub-parser set (the same as ``casekit`` has).

    ``casekit rolecards [--case samskabelse] [--lang da] -o FILE.html`` writes the role cards and prints
    where; a problem is one line on stderr and exit code 1. The parser sets ``handler`` (call
    ``args.handler(args)``, which returns the exit code).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``rolecards`` parser.
    """
    from casekit.cli import documents  # upward, for callers that build their own parser: the CLI owns it

    return documents.add_rolecards(subparsers)


def run_rolecards(args: argparse.Namespace) -> int:
    """Write the role cards to ``args.output``; returns the exit code (1 with one line on stderr).

    Parameters
    ----------
    args : argparse.Namespace
        ``case``, ``lang`` and ``output``, as :func:`add_parsers` defines them.

    Returns
    -------
    int
        0 when the file was written, else 1.
    """
    from casekit.cli import documents  # upward, for callers that parse their own arguments: the CLI runs it

    return documents.run_rolecards(args)
