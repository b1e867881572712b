"""Export a learner's answers: the JSON exchange file, the HTML hand-in and the Markdown hand-in.

* **JSON** is the documented, versioned exchange format (``docs/answers-format.md``, schema in
  ``casekit/schemas/answers.schema.json``): the settled revisions of every answer, for instructors and for
  moving between machines. It is written and read back by :mod:`casekit.answers.document`, whose names
  this module re-exports.
* **HTML** is the hand-in: one standalone, printable page (template ``handin.html.j2``) with each question
  beside its answer and the learner's charts as vector images with alt text; no scripts. A page made from
  a store carries the JSON export too, in a data block (:mod:`casekit.answers.embedded`): the same file
  can be uploaded again and read by ``casekit class summarize``.
* **Markdown** (template ``handin.md.j2``) carries the same content as plain text.

Both hand-ins are built from one view of the answers (:func:`_view`), so they always say the same.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import markupsafe

from casekit import _templates, registry
from casekit._files import atomic_write_text
from casekit.answers import AnswerStore
from casekit.answers.document import (
    BURST_SECONDS,
    EXPORT_FORMAT,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_REVISIONS,
    SCHEMA_VERSION,
    AnswerExport,
    export_for_page,
    export_json,
    parse_import,
    read_import_file,
    settled,
    to_document,
)
from casekit.answers.location import refuse_overwriting_answers
from casekit.clock import display_time, now
from casekit.errors import AnswerStoreError
from casekit.figure import ExportFigure
from casekit.i18n import reason, t, ui_lang
from casekit.naming import activity_title, case_activity, field_label, stakeholder_names, text_map

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = [
    "BURST_SECONDS",
    "EXPORT_FORMAT",
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_REVISIONS",
    "SCHEMA_VERSION",
    "AnswerExport",
    "ExportFigure",
    "activity_title",
    "canonical_format",
    "export_html",
    "export_json",
    "export_markdown",
    "field_label",
    "figures_for",
    "hand_in_figures",
    "parse_import",
    "read_import_file",
    "render",
    "settled",
    "to_document",
    "write_export",
]

log = logging.getLogger(__name__)

#: format → (file suffix, MIME type)
FORMATS: dict[str, tuple[str, str]] = {
    "json": (".json", "application/json"),
    "html": (".html", "text/html"),
    "markdown": (".md", "text/markdown"),
}
_ALIASES = {"md": "markdown", "htm": "html"}


# -- the view both hand-ins are built from -------------------------------------------------------------------
@dataclass(frozen=True)
class _Entry:
    value: Any
    saved_at: str | None
    count: int


def _entries_from(source: AnswerStore | AnswerExport | Mapping[str, Any]) -> dict[str, _Entry]:
    if isinstance(source, (AnswerStore, AnswerExport)):
        revisions = source.revisions() if isinstance(source, AnswerStore) else source.revisions
        entries: dict[str, _Entry] = {}
        for rev in revisions:
            old = entries.get(rev.key)
            if old is None or old.saved_at is None or rev.saved_at >= old.saved_at:
                entries[rev.key] = _Entry(rev.value, rev.saved_at, (old.count if old else 0) + 1)
            else:
                entries[rev.key] = _Entry(old.value, old.saved_at, old.count + 1)
        return entries
    return {str(key): _Entry(value, None, 1) for key, value in source.items()}


class _Values:
    """Turns answer values into display nodes the templates draw: text, tables, lists; words in ``lang``."""

    def __init__(self, lang: str, actor_names: Mapping[str, str], options: Mapping[str, str]) -> None:
        self.lang = lang
        self.actor_names = actor_names
        self.options = options

    def scalar(self, value: Any) -> str:
        if isinstance(value, str) and value in self.options:
            return self.options[value]
        if isinstance(value, bool):
            return t("export.yes" if value else "export.no", self.lang)
        return "" if value is None else str(value)

    def node(self, value: Any, level: int = 0) -> dict[str, Any]:
        if value is None or (isinstance(value, str) and not value.strip()):
            return {"kind": "empty", "text": t("export.empty_answer", self.lang)}
        if isinstance(value, str):
            return {"kind": "text", "text": value}
        if _is_scalar(value):
            return {"kind": "text", "text": self.scalar(value)}
        if level >= _MAX_NESTING:  # deeper than any activity saves: shown as its JSON text
            return {"kind": "text", "text": _json_text(value)}
        if isinstance(value, Mapping):
            return self.table(value, level)
        return {"kind": "list", "items": [self.cell(item, level) for item in value]}

    def cell(self, value: Any, level: int = 0) -> dict[str, Any]:
        """A table cell or list item; ``plain`` is its one-line text for Markdown."""
        if _is_scalar(value):
            return {"kind": "inline", "text": self.scalar(value), "plain": self.scalar(value)}
        if isinstance(value, list) and all(_is_scalar(v) for v in value):
            plain = ", ".join(self.scalar(v) for v in value)
        else:
            plain = _json_text(value)
        return {**self.node(value, level + 1), "plain": plain}

    def table(self, value: Mapping[str, Any], level: int = 0) -> dict[str, Any]:
        order = {actor: n for n, actor in enumerate(self.actor_names)}
        keys = sorted(value, key=lambda k: order.get(k, len(order)))
        own = {k: _own_name(k, v) for k, v in value.items() if k not in self.actor_names and _own_name(k, v)}
        is_actors = bool(value) and all(k in self.actor_names or k in own for k in value)
        first = t("export.table.actor" if is_actors else "export.table.item", self.lang)
        if _is_grid(value):
            columns: list[str] = []
            for k, row in value.items():
                columns.extend(c for c in row if c not in columns and not (k in own and c == "name"))
            rows = [(k, [self.cell(value[k].get(c), level) for c in columns]) for k in keys]
            headers = [
                t(_OWN_COLUMNS[c], self.lang) if own and c in _OWN_COLUMNS else field_label(c, self.lang)
                for c in columns
            ]
        else:
            rows = [(k, [self.cell(value[k], level)]) for k in keys]
            headers = [t("export.table.value", self.lang)]
        labels = [
            t("map.own.marker", self.lang, name=own[k])
            if k in own
            else self.actor_names.get(k) or field_label(k, self.lang)
            for k, _cells in rows
        ]
        return {
            "kind": "table",
            "headers": [first, *headers],
            "rows": [
                {"label": label, "cells": cells} for label, (_k, cells) in zip(labels, rows, strict=True)
            ],
        }


_MAX_NESTING = 4
_OWN_COLUMNS = {"at_table": "map.col.at_table"}  # the learner's own stakeholders' extra column


def _own_name(key: str, value: Any) -> str:
    """The typed name of a learner's own stakeholder on the map (``own-1``…), else ``""``."""
    if registry.is_own_stakeholder(key) and isinstance(value, Mapping) and isinstance(value.get("name"), str):
        return str(value["name"]).strip()
    return ""


def _json_text(value: Any) -> str:
    """A value as one line of JSON; a value too deep even for that (from an old store) says so."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError, TypeError):
        return "…"


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _is_grid(value: Any) -> bool:
    """A mapping of mappings of plain values, e.g. actor → {power, interest}: shown as one wide table."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(v, Mapping) and all(_is_scalar(x) for x in v.values()) for v in value.values())
    )


def _answer(entry: _Entry | None, values: _Values) -> dict[str, Any]:
    """One answer for the templates: its display node and the line saying when it was saved."""
    lang = values.lang
    if entry is None:
        return {"node": {"kind": "empty", "text": t("export.not_answered", lang)}, "saved": ""}
    saved = ""
    if entry.saved_at is not None:
        saved = t("export.saved", lang, time=display_time(entry.saved_at))
        if entry.count > 1:
            saved += " · " + t("export.revisions", lang, count=entry.count)
    return {"node": values.node(entry.value), "saved": saved}


def _view(
    source: AnswerStore | AnswerExport | Mapping[str, Any],
    case: Case | None,
    lang: str | None,
    figures: Iterable[ExportFigure] = (),
) -> dict[str, Any]:
    """Everything a hand-in shows, as plain data for the templates."""
    entries = _entries_from(source)
    ui = ui_lang(lang or (case.lang if case is not None else getattr(source, "lang", None)))
    names = {a.id: a.name for a in case.actors} if case is not None else {}
    plain = _Values(ui, names, {})
    questions = []
    question_ids: set[str] = set()
    if case is not None:
        question_ids = {q.id for q in case.questions}
        for group in case.question_groups:
            items = [
                {
                    "id": q.id,
                    "label": t("export.question_label", ui, number=q.number),
                    "text": q.text,
                    "answer": _answer(entries.get(q.id), plain),
                }
                for q in group.questions
            ]
            questions.append({"heading": group.heading, "questions": items})
    title = case.title if case is not None else str(getattr(source, "case_id", "") or "")
    meta = [
        (t("export.learner", ui), str(getattr(source, "learner", "") or "")),
        (t("export.case", ui), title),
        (
            t("export.case_version", ui),
            str(getattr(source, "case_version", "") or (case.version if case is not None else "")),
        ),
        (t("export.exported_at", ui), display_time(now())),
    ]
    publisher = str(case.source.get("publisher", "") or "") if case is not None else ""
    return {
        "lang": ui,
        "title": t("export.title", ui, title=title),
        "kind": "handin",
        "meta": [(label, value) for label, value in meta if value],
        "labels": {key: t(f"export.{key}", ui) for key in ("questions", "activities", "figures", "answer")},
        "question_groups": questions,
        "activities": _activities(entries, question_ids, case, ui, names),
        "figures": [{"title": f.title, "alt": f.alt or f.title, "src": f.src} for f in figures],
        "footer": t("export.footer", ui, publisher=publisher) if publisher else t("export.footer_plain", ui),
    }


def _activities(
    entries: Mapping[str, _Entry], question_ids: set[str], case: Case | None, lang: str, names: dict[str, str]
) -> list[dict[str, Any]]:
    """The answered activities in the journey's order, each with its prompt and its parts."""
    rank = {key: n for n, key in enumerate(registry.activity_keys())}
    heads: dict[str, list[str]] = {}
    for key in sorted(
        (k for k in entries if k not in question_ids), key=lambda k: (rank.get(k, len(rank)), k)
    ):
        heads.setdefault(key.partition(".")[0], []).append(key)
    out = []
    # A cited paragraph (a dilemma's "del-1 ¶3") reads as the edition cites it: "Del 1 ¶3", "Part 1 ¶3".
    cited = {b.ref: case.cite(b.ref) for b in case.blocks} if case is not None else {}
    # The participation plan names the learner's own stakeholders as their map does ("Lærerne (din egen)").
    mapped = entries.get(registry.STAKEHOLDER_MAP)
    planned = stakeholder_names(case, mapped.value if mapped else None) if case is not None else names
    for head, keys in heads.items():
        data = case_activity(case, head)
        words = {**text_map(data.get("options")), **text_map(data.get("levels"))}
        who = planned if head == registry.PARTICIPATION_PLAN.partition(".")[0] else names
        values = _Values(lang, who, {**cited, **words} if head in registry.DILEMMAS else words)
        parts = [
            {
                "label": field_label(key.partition(".")[2], lang, case, head) if "." in key else "",
                "answer": _answer(entries[key], values),
            }
            for key in keys
        ]
        out.append(
            {
                "id": head,
                "title": activity_title(head, lang, case),
                "prompt": _prompt(case, data),
                "parts": parts,
            }
        )
    return out


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _prompt(case: Case | None, data: Mapping[str, Any]) -> list[str]:
    paragraphs = [_text(data.get("intro")), _text(data.get("prompt"))]
    question_id = _text(data.get("question"))
    if case is not None and question_id:
        # A dangling id is the loader's business; the answer is still shown.
        with contextlib.suppress(KeyError):
            paragraphs.append(case.question(question_id).text)
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


# -- the two hand-ins ----------------------------------------------------------------------------------------
def export_html(
    store_or_answers: AnswerStore | AnswerExport | Mapping[str, Any],
    case: Case | None,
    figures: Iterable[ExportFigure] = (),
    *,
    lang: str | None = None,
) -> str:
    """The hand-in as one standalone, printable HTML page.

    Parameters
    ----------
    store_or_answers : AnswerStore, AnswerExport or mapping
        The answers: a store (latest values, save times and revision counts), a parsed export, or a plain
        ``{key: value}`` mapping.
    case : Case or None
        Gives the question texts, question groups and actor names. Without it, answers are listed by key.
    figures : iterable of ExportFigure
        The learner's charts, embedded as images with their alt text.
    lang : str, optional
        Language of the page's own words; default the case's (or the store's) language.

    Returns
    -------
    str
        The page. It has no scripts; every piece of learner text is escaped. Made from a store, it carries
        the store's JSON export in a data block (:mod:`casekit.answers.embedded`) that an import reads; the
        whole page then stays within :data:`MAX_IMPORT_BYTES` when it can (the export's history is thinned
        as :func:`export_json` thins it).
    """
    view = _view(store_or_answers, case, lang, figures)
    if not isinstance(store_or_answers, AnswerStore):
        return _templates.render("handin.html.j2", **view, answers_json=None)
    bare = _templates.render("handin.html.j2", **view, answers_json="")
    room = MAX_IMPORT_BYTES - len(bare.encode("utf-8"))
    answers_json = markupsafe.Markup(export_for_page(store_or_answers, room))  # safe: see embedded.py
    return _templates.render("handin.html.j2", **view, answers_json=answers_json)


def export_markdown(
    store_or_answers: AnswerStore | AnswerExport | Mapping[str, Any],
    case: Case | None,
    figures: Iterable[ExportFigure] = (),
    *,
    lang: str | None = None,
) -> str:
    """The hand-in as plain-text Markdown: the same content as :func:`export_html`.

    Learner text is kept as typed, except that ``<`` is written ``&lt;`` so that no HTML tag gets through;
    figures are given by their title and alt text.
    """
    return _templates.render("handin.md.j2", **_view(store_or_answers, case, lang, figures))


# -- writing files -------------------------------------------------------------------------------------------
def hand_in_figures(case: Case, answers: Mapping[str, Any]) -> list[ExportFigure]:
    """The hand-in's choice of the learner's charts, from the answers that have data for them.

    ``answers["stakeholder-map"]`` gives the power–interest grid (with the learner's own stakeholders, by
    the names they typed), ``answers["goal-divergence"]`` the goal chart, and the dilemma answers
    (``dilemma-1``…, each ``{"position", "left", "right", …}``) the dilemma chart. Values come from a
    learner's store and are cleaned with :func:`casekit.registry.clean`: what does not fit the case (a wrong
    type, an unknown actor, a value off the scale) is skipped, never raised; a stakeholder is placed only
    with both power and interest, a dilemma shown when it has a position or a pole; a chart with nothing
    left is left out.

    Parameters
    ----------
    case : Case
        The case; its ``lang`` picks the language.
    answers : Mapping[str, Any]
        Answer key -> latest value.

    Returns
    -------
    list[ExportFigure]
        Title, SVG (text kept as text) and alt text of each chart, in the order above.
    """
    from casekit import charts  # matplotlib: only when a hand-in with charts is made

    if not isinstance(answers, Mapping):
        return []

    def cleaned(key: str) -> Any:
        return registry.clean(key, answers.get(key), case) or {}

    drawn: list[charts.Chart] = []
    placed = {k: v for k, v in cleaned(registry.STAKEHOLDER_MAP).items() if None not in v.values()}
    if placed:
        drawn.append(charts.stakeholder_map(case, placed))
    goals = cleaned(registry.GOAL_DIVERGENCE)
    if goals:
        drawn.append(charts.goal_divergence(case, goals))
    positions: dict[str, int | None] = {}
    poles: dict[str, tuple[str, str]] = {}
    for key in registry.DILEMMAS:
        value = cleaned(key)
        left, right = value.get("left", ""), value.get("right", "")
        if value.get("position") is not None or left.strip() or right.strip():
            positions[key], poles[key] = value.get("position"), (left, right)
    if positions:
        drawn.append(charts.dilemma_positions(case, positions, poles))
    return [ExportFigure(title=c.title, svg=c.to_svg(), alt=c.alt) for c in drawn]


def figures_for(case: Case | None, answers: Mapping[str, Any]) -> tuple[ExportFigure, ...]:
    """The learner's charts for the hand-in (:func:`hand_in_figures`); ``()`` without a case.

    A chart that fails is logged and left out: a broken chart must not stop a learner from handing in.
    """
    if case is None:
        return ()
    try:
        return tuple(hand_in_figures(case, answers))
    except Exception:  # see the docstring: the hand-in goes out without the charts
        log.warning("the hand-in's charts failed; exporting without charts", exc_info=True)
        return ()


def canonical_format(format: str, lang: str = "da") -> str:
    """The export format's name (``json``, ``html``, ``markdown``; ``md`` and ``htm`` are accepted).

    Raises
    ------
    AnswerStoreError
        For any other format, in ``lang``.
    """
    name = _ALIASES.get(str(format).lower(), str(format).lower())
    if name not in FORMATS:
        raise AnswerStoreError(t("answers.error.export_format", ui_lang(lang), format=format))
    return name


def _load_case_quietly(case_id: str, lang: str) -> Case | None:
    """The store's case, or ``None`` if it cannot be loaded (the hand-in then lists answers by key)."""
    try:
        from casekit.loader import load_case

        return load_case(case_id, lang=lang)
    except Exception:  # a problem in the case data must not block a learner's hand-in
        log.warning("case %r (%s) could not be loaded for the export", case_id, lang, exc_info=True)
        return None


def render(
    store: AnswerStore,
    format: str = "json",
    *,
    case: Case | None = None,
    figures: Iterable[ExportFigure] | None = None,
    find_case: bool = True,
) -> str:
    """The text of an export of ``store`` in ``format`` (``json``, ``html`` or ``markdown``).

    For HTML and Markdown, a missing ``case`` is loaded (``find_case``) and missing ``figures`` come from
    :func:`figures_for`.
    """
    name = canonical_format(format, store.lang)
    if name == "json":
        return export_json(store)
    if case is None and find_case:
        case = _load_case_quietly(store.case_id, store.lang)
    if figures is None:
        figures = figures_for(case, store.as_dict()) if name == "html" else ()
    if name == "html":
        return export_html(store, case, figures)
    return export_markdown(store, case, figures)


def write_export(
    store: AnswerStore,
    path: str | os.PathLike[str],
    format: str = "json",
    *,
    case: Case | None = None,
    figures: Iterable[ExportFigure] | None = None,
    find_case: bool = True,
) -> Path:
    """Write an export file atomically (a crash never leaves half a file in place of a good one).

    Returns
    -------
    Path
        The file written.
    """
    target = Path(path)
    lang = ui_lang(store.lang)
    refuse_overwriting_answers(target, lang, store=store.path)
    text = render(store, format, case=case, figures=figures, find_case=find_case)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, text)
    except OSError as exc:
        raise AnswerStoreError(
            t("export.error.write_failed", lang, path=target, reason=reason(exc, lang))
        ) from exc
    return target
