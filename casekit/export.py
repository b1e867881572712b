"""Export a learner's answers (JSON, HTML hand-in, Markdown) and read an exported JSON file back.

* **JSON** is the documented, versioned exchange format (``docs/answers-format.md``): every revision of
  every answer, for instructors and for moving between machines.
* **HTML** is the hand-in: one standalone, printable file with each question's text beside the answer,
  the learner's charts as images with alt text, no scripts, every piece of learner text escaped.
* **Markdown** carries the same content as plain text.

Reading an export (:func:`parse_import`, :func:`read_import_file`) checks the whole file first and refuses
anything wrong with an :class:`~casekit.errors.AnswerImportError` whose message (from the string catalog)
says what is wrong and where.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from casekit.answers import (
    KEY_PATTERN,
    SOURCE_IMPORT,
    AnswerStore,
    Revision,
    _parse_time,
    _to_json,
    _ui,
    normalise_time,
)
from casekit.errors import AnswerImportError, AnswerStoreError
from casekit.i18n import catalog, t

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = [
    "EXPORT_FORMAT",
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "SCHEMA_VERSION",
    "AnswerExport",
    "ExportFigure",
    "activity_title",
    "export_html",
    "export_json",
    "export_markdown",
    "figures_for",
    "parse_import",
    "read_import_file",
    "render",
    "to_document",
    "write_export",
]

log = logging.getLogger(__name__)

EXPORT_FORMAT = "casekit-answers"
SCHEMA_VERSION = 1
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: Revisions of one key closer together than this are one burst of typing; an export keeps the last of each
#: burst. The widgets save on every keystroke so nothing is lost, which would make an export with every
#: keystroke grow with the square of the text's length; the store itself keeps every revision.
BURST_SECONDS = 60
#: format → (file suffix, MIME type)
FORMATS: dict[str, tuple[str, str]] = {
    "json": (".json", "application/json"),
    "html": (".html", "text/html"),
    "markdown": (".md", "text/markdown"),
}
_ALIASES = {"md": "markdown", "htm": "html"}
# Non-question keys in the order the activities come in the notebooks; others follow alphabetically.
_ACTIVITY_ORDER = (
    "stakeholder-map",
    "decision-point",
    "goal-divergence",
    "dilemma-1",
    "dilemma-2",
    "dilemma-3",
    "proposal",
)


@dataclass(frozen=True)
class ExportFigure:
    """A chart for the HTML hand-in: a heading, the PNG bytes and the alt text that describes it."""

    title: str
    png: bytes
    alt: str


@dataclass(frozen=True)
class AnswerExport:
    """A parsed, validated export file. ``revisions`` are ready for :meth:`AnswerStore.import_revisions`."""

    case_id: str
    case_version: str
    lang: str
    learner: str
    exported_at: str
    revisions: tuple[Revision, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """``{key: latest value}``, the latest being the newest ``saved_at`` (ties: later in the file)."""
        latest: dict[str, Revision] = {}
        for rev in self.revisions:
            if rev.key not in latest or rev.saved_at >= latest[rev.key].saved_at:
                latest[rev.key] = rev
        return {key: latest[key].value for key in sorted(latest)}


# -- JSON ----------------------------------------------------------------------------------------------------
def settled(revisions: Iterable[Revision], burst_seconds: float | None = None) -> list[Revision]:
    """The revisions that stood for a while: the last of each burst of saves to a key, and each key's latest.

    ``revisions`` must be grouped by key, oldest first (as :meth:`AnswerStore.revisions` returns them).
    """
    pause = BURST_SECONDS if burst_seconds is None else burst_seconds
    ordered = list(revisions)
    following = [*ordered[1:], None][: len(ordered)]
    return [rev for rev, after in zip(ordered, following, strict=True) if _ends_burst(rev, after, pause)]


def _ends_burst(rev: Revision, after: Revision | None, pause: float) -> bool:
    """Whether ``rev`` is the last save before a pause (or the key's latest)."""
    if after is None or after.key != rev.key:
        return True
    return (_parse_time(after.saved_at) - _parse_time(rev.saved_at)).total_seconds() >= pause


def to_document(store: AnswerStore) -> dict[str, Any]:
    """The export document (schema version 1) of a store, as plain data.

    The history holds the settled revisions (see :func:`settled`): how the answer stood at each pause.
    """
    answers: dict[str, dict[str, Any]] = {}
    for rev in settled(store.revisions()):  # grouped by key, oldest first: the last one seen is the latest
        entry = answers.setdefault(rev.key, {"value": None, "history": []})
        entry["value"] = rev.value
        entry["history"].append(
            {"value": rev.value, "saved_at": rev.saved_at, "case_version": rev.case_version, "lang": rev.lang}
        )
    return {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "case": {"id": store.case_id, "version": store.case_version, "lang": store.lang},
        "learner": store.learner,
        "exported_at": _now(),
        "answers": answers,
    }


def export_json(store: AnswerStore) -> str:
    """The JSON export of a store: UTF-8 text, letters kept as they are (``ensure_ascii=False``)."""
    return json.dumps(to_document(store), ensure_ascii=False, indent=2) + "\n"


# -- the view both hand-in formats are built from ------------------------------------------------------------
_NO_OPTIONS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class _Entry:
    value: Any
    saved_at: str | None
    count: int


@dataclass(frozen=True)
class _View:
    lang: str
    learner: str
    case_version: str
    exported_at: str
    entries: dict[str, _Entry]
    title: str
    questions: tuple[tuple[str, tuple[tuple[str, int, str], ...]], ...]  # (heading, ((id, number, text)…))
    activities: tuple[_Group, ...]
    actor_names: dict[str, str]
    publisher: str


@dataclass(frozen=True)
class _Group:
    """One activity in the hand-in: ``stakeholder-map``, or ``proposal`` with parts ``proposal.minutes``…"""

    head: str
    title: str
    prompt: tuple[str, ...]  # the activity's own text from the case, shown beside the answers
    parts: tuple[tuple[str, str | None], ...]  # (answer key, label of the part; None for the head key)
    options: dict[str, str]  # option id → label, e.g. "inform" → "Informere"


def _entries_from(source: AnswerStore | AnswerExport | Mapping[str, Any]) -> dict[str, _Entry]:
    if isinstance(source, (AnswerStore, AnswerExport)):
        revisions = source.revisions() if isinstance(source, AnswerStore) else source.revisions
        entries: dict[str, _Entry] = {}
        for rev in revisions:
            old = entries.get(rev.key)
            newest = old is None or old.saved_at is None or rev.saved_at >= old.saved_at
            entries[rev.key] = _Entry(
                rev.value if newest else old.value,  # type: ignore[union-attr]
                rev.saved_at if newest else old.saved_at,  # type: ignore[union-attr]
                (old.count if old else 0) + 1,
            )
        return entries
    return {str(key): _Entry(value, None, 1) for key, value in source.items()}


def _view(
    source: AnswerStore | AnswerExport | Mapping[str, Any], case: Case | None, lang: str | None
) -> _View:
    entries = _entries_from(source)
    own_lang = getattr(source, "lang", None)
    ui = _ui(lang or (case.lang if case is not None else own_lang))
    questions: tuple[tuple[str, tuple[tuple[str, int, str], ...]], ...] = ()
    question_ids: set[str] = set()
    if case is not None:
        questions = tuple(
            (group.heading, tuple((q.id, q.number, q.text) for q in group.questions))
            for group in case.question_groups
        )
        question_ids = {q.id for q in case.questions}
    by_head: dict[str, list[str]] = {}
    for key in sorted(k for k in entries if k not in question_ids):
        by_head.setdefault(key.partition(".")[0], []).append(key)
    rank = {key: n for n, key in enumerate(_ACTIVITY_ORDER)}
    heads = sorted(by_head, key=lambda head: (rank.get(head, len(rank)), head))
    source_meta = case.source if case is not None else {}
    return _View(
        lang=ui,
        learner=str(getattr(source, "learner", "") or ""),
        case_version=str(getattr(source, "case_version", "") or (case.version if case is not None else "")),
        exported_at=_now(),
        entries=entries,
        title=case.title if case is not None else str(getattr(source, "case_id", "") or ""),
        questions=questions,
        activities=tuple(_group(head, by_head[head], case, ui) for head in heads),
        actor_names={a.id: a.name for a in case.actors} if case is not None else {},
        publisher=str(source_meta.get("publisher", "") or ""),
    )


def activity_title(key: str, lang: str = "da", case: Case | None = None) -> str:
    """The display title of a non-question answer key.

    The case's own activity title wins (``<lang>/activities.yaml``), then the catalog
    (``activity.<key>``). A part of an activity gets the activity's title and the part's label:
    ``proposal.minutes`` → "Kim og Sannes opgave · Referat af workshoppen". An unknown key is shown as it is.
    """
    strings = catalog(_ui(lang))
    whole = _text(_case_activity(case, key).get("title")) or strings.get(f"activity.{key}")
    if whole:
        return whole
    head, _, rest = key.partition(".")
    if rest:
        head_title = _text(_case_activity(case, head).get("title")) or strings.get(f"activity.{head}")
        if head_title:
            return f"{head_title} · {_field_label(rest, lang, case, head)}"
    return key


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _text_map(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _case_activity(case: Case | None, key: str) -> Mapping[str, Any]:
    """The case's texts for one activity; the three dilemmas live under ``dilemmas`` in the case data."""
    getter = getattr(case, "activity", None)
    if getter is None:
        return {}
    data = getter(key)
    if not data:
        dilemmas = getter("dilemmas")
        data = dilemmas.get(key) if isinstance(dilemmas, Mapping) else None
    return data if isinstance(data, Mapping) else {}


def _field_label(name: str, lang: str, case: Case | None = None, head: str | None = None) -> str:
    """A part's or a field's label: the case's ``fields`` of the activity, then the catalog, else the name."""
    fields = _text_map(_case_activity(case, head).get("fields")) if head else {}
    return fields.get(name) or catalog(_ui(lang)).get(f"export.field.{name}", name)


def _prompt(case: Case | None, data: Mapping[str, Any]) -> tuple[str, ...]:
    paragraphs = [_text(data.get("intro")), _text(data.get("prompt"))]
    question_id = _text(data.get("question"))
    if case is not None and question_id:
        # A dangling id is the loader's business; the answer is still shown.
        with contextlib.suppress(KeyError):
            paragraphs.append(case.question(question_id).text)
    return tuple(" ".join(p.split()) for p in paragraphs if p.strip())


def _group(head: str, keys: list[str], case: Case | None, lang: str) -> _Group:
    data = _case_activity(case, head)
    order = {name: n for n, name in enumerate(_text_map(data.get("fields")))}

    def rank(key: str) -> tuple[bool, int, str]:
        rest = key.partition(".")[2]
        return (rest != "", order.get(rest, len(order)), rest)

    parts = tuple(
        (key, _field_label(key.partition(".")[2], lang, case, head) if "." in key else None)
        for key in sorted(keys, key=rank)
    )
    options = {**_text_map(data.get("options")), **_text_map(data.get("levels"))}
    return _Group(head, activity_title(head, lang, case), _prompt(case, data), parts, options)


def _row_label(key: str, view: _View) -> str:
    return view.actor_names.get(key) or _field_label(key, view.lang)


def _display_time(saved_at: str | None) -> str:
    if not saved_at:
        return ""
    try:
        moment = datetime.fromisoformat(normalise_time(saved_at))
    except ValueError:
        return saved_at
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _scalar_text(value: Any, lang: str, options: Mapping[str, str] | None = None) -> str:
    if isinstance(value, str) and options and value in options:
        return options[value]
    if isinstance(value, bool):
        return t("export.yes" if value else "export.no", lang)
    if value is None:
        return ""
    return str(value)


def _is_grid(value: Any) -> bool:
    """A mapping of mappings of plain values, e.g. actor → {power, interest}: shown as one wide table."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(v, Mapping) and all(_is_scalar(x) for x in v.values()) for v in value.values())
    )


def _grid_columns(value: Mapping[str, Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in value.values():
        columns.extend(c for c in row if c not in columns)
    return columns


def _ordered_rows(value: Mapping[str, Any], view: _View) -> list[str]:
    """Rows in the case's actor order, then any other keys in their own order."""
    order = {actor: n for n, actor in enumerate(view.actor_names)}
    return sorted(value, key=lambda k: order.get(k, len(order)))


def _first_header(value: Mapping[str, Any], view: _View) -> str:
    is_actors = bool(value) and all(k in view.actor_names for k in value)
    return t("export.table.actor" if is_actors else "export.table.item", view.lang)


# -- HTML ----------------------------------------------------------------------------------------------------
_CSS = """
:root { color-scheme: light; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; background: #ffffff; margin: 0 auto; max-width: 62rem; padding: 1.5rem; }
h1 { font-size: 1.9rem; margin: 0 0 .5rem; }
h2 { font-size: 1.45rem; margin: 2rem 0 .75rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1.05rem; margin: 0 0 .4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; color: #3d3d3d; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
article { border-top: 1px solid #767676; padding: .9rem 0; }
.qa { display: grid; grid-template-columns: 1fr; gap: .5rem 1.5rem; }
@media (min-width: 52rem) { .qa { grid-template-columns: 2fr 3fr; } }
.question { margin: 0; padding: .5rem .75rem; border-left: 4px solid #1f4e8c; background: #f1f4f9; }
.answer-text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.empty { font-style: italic; color: #3d3d3d; }
.saved { color: #3d3d3d; font-size: .9rem; margin: .4rem 0 0; }
table { border-collapse: collapse; margin: .25rem 0; }
th, td { border: 1px solid #767676; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f1f4f9; }
td ul { margin: 0; padding-left: 1.2rem; }
.answer + h4 { margin-top: 1.2rem; }
figure { margin: 1rem 0; } img { max-width: 100%; height: auto; }
figcaption { font-weight: 600; margin-top: .3rem; }
.alt { color: #3d3d3d; font-size: .9rem; }
footer { margin-top: 2.5rem; color: #3d3d3d; font-size: .9rem; }
@page { margin: 2cm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .qa { grid-template-columns: 1fr; }
  article, figure, table { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  .question, th { background: none; }
}
"""


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
        The learner's charts, embedded as PNG images with their alt text.
    lang : str, optional
        Language of the page's own words; default the case's (or the store's) language.

    Returns
    -------
    str
        The page. It has no scripts; every piece of learner text is escaped.
    """
    view = _view(store_or_answers, case, lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(view.lang)}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t('export.title', view.lang, title=view.title))}</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
        _html_header(view),
        "<main>",
        _html_questions(view),
        _html_activities(view),
        _html_figures(tuple(figures), view),
        "</main>",
        f"<footer><p>{_e(_footer(view))}</p></footer>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _footer(view: _View) -> str:
    if view.publisher:
        return t("export.footer", view.lang, publisher=view.publisher)
    return t("export.footer_plain", view.lang)


def _meta_rows(view: _View) -> list[tuple[str, str]]:
    rows = [(t("export.learner", view.lang), view.learner), (t("export.case", view.lang), view.title)]
    if view.case_version:
        rows.append((t("export.case_version", view.lang), view.case_version))
    rows.append((t("export.exported_at", view.lang), _display_time(view.exported_at)))
    return [(label, value) for label, value in rows if value]


def _html_header(view: _View) -> str:
    meta = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in _meta_rows(view))
    title = _e(t("export.title", view.lang, title=view.title))
    return f'<header><h1>{title}</h1><dl class="meta">{meta}</dl></header>'


def _html_saved(entry: _Entry | None, view: _View) -> str:
    if entry is None or entry.saved_at is None:
        return ""
    text = t("export.saved", view.lang, time=_display_time(entry.saved_at))
    if entry.count > 1:
        text += " · " + t("export.revisions", view.lang, count=entry.count)
    return f'<p class="saved">{_e(text)}</p>'


def _html_answer(entry: _Entry | None, view: _View, opts: Mapping[str, str] = _NO_OPTIONS) -> str:
    label = _e(t("export.answer", view.lang))
    if entry is None:
        body = f'<p class="empty">{_e(t("export.not_answered", view.lang))}</p>'
    else:
        body = _html_value(entry.value, view, opts)
    return f'<div class="answer" aria-label="{label}">{body}{_html_saved(entry, view)}</div>'


def _html_questions(view: _View) -> str:
    if not view.questions:
        return ""
    heading = _e(t("export.questions", view.lang))
    out = [f'<section aria-labelledby="questions"><h2 id="questions">{heading}</h2>']
    for heading, questions in view.questions:
        out.append(f"<h3>{_e(heading)}</h3>")
        for qid, number, text in questions:
            label = t("export.question_label", view.lang, number=number)
            out.append(
                f'<article id="{_e(qid)}"><h4>{_e(label)}</h4><div class="qa">'
                f'<blockquote class="question"><p>{_e(text)}</p></blockquote>'
                f"{_html_answer(view.entries.get(qid), view)}</div></article>"
            )
    out.append("</section>")
    return "\n".join(out)


def _html_activities(view: _View) -> str:
    if not view.activities:
        return ""
    heading = _e(t("export.activities", view.lang))
    out = [f'<section aria-labelledby="activities"><h2 id="activities">{heading}</h2>']
    for group in view.activities:
        answers = "".join(
            (f"<h4>{_e(label)}</h4>" if label else "") + _html_answer(view.entries[key], view, group.options)
            for key, label in group.parts
        )
        if group.prompt:
            prompt = "".join(f"<p>{_e(p)}</p>" for p in group.prompt)
            prompt = f'<blockquote class="question">{prompt}</blockquote>'
            answers = f'<div class="qa">{prompt}<div>{answers}</div></div>'
        out.append(f'<article id="{_e(group.head)}"><h3>{_e(group.title)}</h3>{answers}</article>')
    out.append("</section>")
    return "\n".join(out)


def _html_value(value: Any, view: _View, opts: Mapping[str, str] = _NO_OPTIONS) -> str:
    if _is_blank(value):
        return f'<p class="empty">{_e(t("export.empty_answer", view.lang))}</p>'
    if isinstance(value, str):
        return f'<p class="answer-text">{_e(value)}</p>'
    if _is_scalar(value):
        return f'<p class="answer-text">{_e(_scalar_text(value, view.lang, opts))}</p>'
    if isinstance(value, Mapping):
        return _html_table(value, view, opts)
    if isinstance(value, list):
        items = "".join(f"<li>{_html_cell(item, view, opts)}</li>" for item in value)
        return f"<ul>{items}</ul>"
    return f'<p class="answer-text">{_e(value)}</p>'  # pragma: no cover - JSON has no other types


def _html_cell(value: Any, view: _View, opts: Mapping[str, str] = _NO_OPTIONS) -> str:
    if _is_scalar(value):
        return f'<span class="answer-text">{_e(_scalar_text(value, view.lang, opts))}</span>'
    return _html_value(value, view, opts)


def _html_table(value: Mapping[str, Any], view: _View, opts: Mapping[str, str] = _NO_OPTIONS) -> str:
    first = _e(_first_header(value, view))
    rows = _ordered_rows(value, view)
    if _is_grid(value):
        columns = _grid_columns(value)
        head = "".join(f'<th scope="col">{_e(_field_label(c, view.lang))}</th>' for c in columns)
        body = "".join(
            f'<tr><th scope="row">{_e(_row_label(r, view))}</th>'
            + "".join(f"<td>{_html_cell(value[r].get(c), view, opts)}</td>" for c in columns)
            + "</tr>"
            for r in rows
        )
    else:
        head = f'<th scope="col">{_e(t("export.table.value", view.lang))}</th>'
        body = "".join(
            f'<tr><th scope="row">{_e(_row_label(r, view))}</th>'
            f"<td>{_html_cell(value[r], view, opts)}</td></tr>"
            for r in rows
        )
    return f'<table><thead><tr><th scope="col">{first}</th>{head}</tr></thead><tbody>{body}</tbody></table>'


def _html_figures(figures: tuple[ExportFigure, ...], view: _View) -> str:
    if not figures:
        return ""
    out = [f'<section aria-labelledby="figures"><h2 id="figures">{_e(t("export.figures", view.lang))}</h2>']
    for fig in figures:
        data = base64.b64encode(bytes(fig.png)).decode("ascii")
        alt = fig.alt or fig.title  # an image without alt text is invisible to a screen reader
        out.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}">'
            f"<figcaption>{_e(fig.title)}</figcaption></figure>"
        )
    out.append("</section>")
    return "\n".join(out)


# -- Markdown ------------------------------------------------------------------------------------------------
def export_markdown(
    store_or_answers: AnswerStore | AnswerExport | Mapping[str, Any],
    case: Case | None,
    figures: Iterable[ExportFigure] = (),
    *,
    lang: str | None = None,
) -> str:
    """The hand-in as plain-text Markdown: the same content as :func:`export_html`.

    Learner text is kept as typed; figures are given by their title and alt text.
    """
    view = _view(store_or_answers, case, lang)
    out = [f"# {t('export.title', view.lang, title=view.title)}", ""]
    out += [f"- **{label}:** {value}" for label, value in _meta_rows(view)]
    if view.questions:
        out += ["", f"## {t('export.questions', view.lang)}"]
        for heading, questions in view.questions:
            out += ["", f"### {heading}"]
            for qid, number, text in questions:
                out += ["", f"#### {t('export.question_label', view.lang, number=number)}", ""]
                out += [f"> {line}" if line else ">" for line in text.splitlines()]
                out += ["", *_md_answer(view.entries.get(qid), view)]
    if view.activities:
        out += ["", f"## {t('export.activities', view.lang)}"]
        for group in view.activities:
            out += ["", f"### {group.title}"]
            for paragraph in group.prompt:
                out += ["", f"> {paragraph}"]
            for key, label in group.parts:
                out += ["", f"#### {label}"] if label else []
                out += ["", *_md_answer(view.entries[key], view, group.options)]
    figures = tuple(figures)
    if figures:
        out += ["", f"## {t('export.figures', view.lang)}"]
        for fig in figures:
            out += ["", f"### {fig.title}", "", fig.alt or fig.title]
    out += ["", "---", "", _footer(view)]
    return "\n".join(out) + "\n"


def _md_answer(entry: _Entry | None, view: _View, opts: Mapping[str, str] = _NO_OPTIONS) -> list[str]:
    if entry is None:
        return [f"*{t('export.not_answered', view.lang)}*"]
    lines = _md_value(entry.value, view, opts)
    if entry.saved_at is not None:
        saved = t("export.saved", view.lang, time=_display_time(entry.saved_at))
        if entry.count > 1:
            saved += " · " + t("export.revisions", view.lang, count=entry.count)
        lines += ["", f"*{saved}*"]
    return lines


def _md_value(value: Any, view: _View, opts: Mapping[str, str] = _NO_OPTIONS) -> list[str]:
    if _is_blank(value):
        return [f"*{t('export.empty_answer', view.lang)}*"]
    if isinstance(value, str):
        return [value]
    if _is_scalar(value):
        return [_scalar_text(value, view.lang, opts)]
    if isinstance(value, Mapping):
        return _md_table(value, view, opts)
    return [f"- {_md_cell(item, view, opts)}" for item in value]


def _md_cell(value: Any, view: _View, opts: Mapping[str, str] = _NO_OPTIONS) -> str:
    if _is_scalar(value):
        text = _scalar_text(value, view.lang, opts)
    elif isinstance(value, list) and all(_is_scalar(v) for v in value):
        text = ", ".join(_scalar_text(v, view.lang, opts) for v in value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    # A table cell is one line, and a bare | would start a new cell.
    return " ".join(text.split()).replace("|", "\\|")


def _md_table(value: Mapping[str, Any], view: _View, opts: Mapping[str, str] = _NO_OPTIONS) -> list[str]:
    rows = _ordered_rows(value, view)
    first = _first_header(value, view)
    if _is_grid(value):
        columns = _grid_columns(value)
        header = [first, *(_field_label(c, view.lang) for c in columns)]
        body = [
            [_row_label(r, view), *(_md_cell(value[r].get(c), view, opts) for c in columns)] for r in rows
        ]
    else:
        header = [first, t("export.table.value", view.lang)]
        body = [[_row_label(r, view), _md_cell(value[r], view, opts)] for r in rows]
    lines = ["| " + " | ".join(_md_cell(h, view) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return lines


# -- writing files -------------------------------------------------------------------------------------------
def figures_for(case: Case | None, answers: Mapping[str, Any]) -> tuple[ExportFigure, ...]:
    """The learner's charts for the hand-in, from ``casekit.charts.export_figures`` once that exists.

    Returns ``()`` when there is no case, no charts module, or no ``export_figures`` in it. A chart that
    fails is logged and left out: a broken chart must not stop a learner from handing in.
    """
    if case is None:
        return ()
    try:
        import casekit.charts as charts
    except ModuleNotFoundError as exc:
        if exc.name == "casekit.charts":
            return ()
        log.warning("casekit.charts cannot be imported; exporting without charts", exc_info=True)
        return ()
    make = getattr(charts, "export_figures", None)
    if make is None:
        return ()
    try:
        return tuple(make(case, answers))
    except Exception:  # see the docstring: the hand-in goes out without the charts
        log.warning("casekit.charts.export_figures failed; exporting without charts", exc_info=True)
        return ()


def _canonical_format(format: str, lang: str) -> str:
    name = _ALIASES.get(str(format).lower(), str(format).lower())
    if name not in FORMATS:
        raise AnswerStoreError(t("answers.error.export_format", _ui(lang), format=format))
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
    name = _canonical_format(format, store.lang)
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
    text = render(store, format, case=case, figures=figures, find_case=find_case)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# -- import --------------------------------------------------------------------------------------------------
def read_import_file(path: str | os.PathLike[str], *, case_id: str, lang: str = "da") -> AnswerExport:
    """Read and validate an export file; its size is checked before it is read.

    Raises
    ------
    AnswerImportError
        See :func:`parse_import`; also when the file is missing or unreadable.
    """
    target = Path(path)
    ui = _ui(lang)
    try:
        size = target.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise _too_big(target.name, size, ui)
        content = target.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc
        raise AnswerImportError(t("import.error.not_found", ui, name=target.name, reason=reason)) from exc
    return parse_import(content, case_id=case_id, lang=lang, name=target.name)


def parse_import(
    content: bytes | str, *, case_id: str, lang: str = "da", name: str = "upload.json"
) -> AnswerExport:
    """Validate an export document and return its revisions; nothing is written.

    Parameters
    ----------
    content : bytes or str
        The file's bytes (UTF-8; a byte-order mark is allowed).
    case_id : str
        The case the importing store belongs to; answers to another case are refused.
    lang : str
        Language of the error messages.
    name : str
        The file name, for the messages.

    Raises
    ------
    AnswerImportError
        Too big, not UTF-8, not JSON, not a casekit export (``format``), an unknown ``schema_version``,
        another case, or a field of the wrong type; the message names the field (e.g.
        ``answers.dilemma-1.history[2].saved_at``).
    """
    return _Reader(name, _ui(lang), case_id).read(content)


def _too_big(name: str, size: int, lang: str) -> AnswerImportError:
    def mb(n: float) -> str:
        text = f"{n / 1024 / 1024:.1f}"
        return text.replace(".", ",") if lang == "da" else text

    return AnswerImportError(
        t("import.error.too_big", lang, name=name, size=mb(size), limit=mb(MAX_IMPORT_BYTES))
    )


class _Reader:
    """Checks one export document from top to bottom; the first problem raises."""

    def __init__(self, name: str, lang: str, case_id: str) -> None:
        self.name = name
        self.lang = lang
        self.case_id = case_id

    def fail(self, message: str, /, **fields: object) -> AnswerImportError:
        return AnswerImportError(t(message, self.lang, name=self.name, **fields))

    def kind(self, value: Any) -> str:
        if isinstance(value, bool):
            return t("import.type.boolean", self.lang)
        if isinstance(value, (int, float)):
            return t("import.type.number", self.lang)
        names = {str: "string", list: "list", dict: "object", type(None): "null"}
        return t(f"import.type.{names.get(type(value), 'null')}", self.lang)

    def require(self, obj: dict[str, Any], key: str, where: str, expected: type, *, optional: bool = False):
        if key not in obj:
            if optional:
                return None
            raise self.fail("import.error.field_missing", field=where)
        value = obj[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            names = {str: "string", list: "list", dict: "object", int: "integer"}
            wanted = t(f"import.type.{names[expected]}", self.lang)
            raise self.fail("import.error.field_type", field=where, expected=wanted, found=self.kind(value))
        return value

    def read(self, content: bytes | str) -> AnswerExport:
        if isinstance(content, str):
            content = content.encode("utf-8")
        if len(content) > MAX_IMPORT_BYTES:
            raise _too_big(self.name, len(content), self.lang)
        try:
            text = bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise self.fail("import.error.not_utf8", position=exc.start) from exc
        doc = self.parse_json(text)
        return self.document(doc)

    def parse_json(self, text: str) -> Any:
        def refuse_constant(name: str) -> Any:
            raise ValueError(name)  # NaN and Infinity are not JSON

        try:
            return json.loads(text, parse_constant=refuse_constant)
        except json.JSONDecodeError as exc:
            raise self.fail("import.error.not_json", line=exc.lineno, column=exc.colno) from exc
        except (ValueError, RecursionError) as exc:
            raise self.fail("import.error.not_json", line="?", column="?") from exc

    def document(self, doc: Any) -> AnswerExport:
        if not isinstance(doc, dict):
            raise self.fail("import.error.not_object", found=self.kind(doc))
        if doc.get("format") != EXPORT_FORMAT:
            found = json.dumps(doc["format"], ensure_ascii=False)[:80] if "format" in doc else "—"
            raise self.fail("import.error.format", found=found)
        version = self.require(doc, "schema_version", "schema_version", int)
        if version > SCHEMA_VERSION:
            raise self.fail("import.error.schema_newer", found=version, supported=SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise self.fail("import.error.schema_unknown", found=version, supported=SCHEMA_VERSION)
        case = self.require(doc, "case", "case", dict)
        case_id = self.require(case, "id", "case.id", str)
        if case_id != self.case_id:
            raise self.fail("import.error.other_case", found=case_id, expected=self.case_id)
        case_version = self.require(case, "version", "case.version", str)
        case_lang = self.require(case, "lang", "case.lang", str)
        learner = self.require(doc, "learner", "learner", str, optional=True) or ""
        exported_at = self.require(doc, "exported_at", "exported_at", str, optional=True) or ""
        answers = self.require(doc, "answers", "answers", dict)
        revisions: list[Revision] = []
        for key, entry in answers.items():
            revisions.extend(self.entry(key, entry, case_version, case_lang))
        return AnswerExport(case_id, case_version, case_lang, learner, exported_at, tuple(revisions))

    def entry(self, key: str, entry: Any, case_version: str, case_lang: str) -> list[Revision]:
        if not KEY_PATTERN.fullmatch(key):
            raise self.fail("import.error.key_invalid", key=json.dumps(key, ensure_ascii=False))
        where = f"answers.{key}"
        if not isinstance(entry, dict):
            wanted = t("import.type.object", self.lang)
            raise self.fail("import.error.field_type", field=where, expected=wanted, found=self.kind(entry))
        history = self.require(entry, "history", f"{where}.history", list)
        if not history:
            wanted = t("import.type.nonempty_list", self.lang)
            found = t("import.type.list", self.lang) + " (0)"
            raise self.fail("import.error.field_type", field=f"{where}.history", expected=wanted, found=found)
        return [
            self.revision(key, item, f"{where}.history[{n}]", case_version, case_lang)
            for n, item in enumerate(history)
        ]

    def revision(self, key: str, item: Any, where: str, case_version: str, case_lang: str) -> Revision:
        if not isinstance(item, dict):
            wanted = t("import.type.object", self.lang)
            raise self.fail("import.error.field_type", field=where, expected=wanted, found=self.kind(item))
        if "value" not in item:
            raise self.fail("import.error.field_missing", field=f"{where}.value")
        saved_at = self.require(item, "saved_at", f"{where}.saved_at", str)
        try:
            saved_at = normalise_time(saved_at)
        except ValueError:
            found = json.dumps(saved_at, ensure_ascii=False)[:80]
            raise self.fail("import.error.saved_at", field=f"{where}.saved_at", found=found) from None
        version = self.require(item, "case_version", f"{where}.case_version", str, optional=True)
        lang = self.require(item, "lang", f"{where}.lang", str, optional=True)
        try:
            _to_json(key, item["value"], self.lang)  # the store will accept it: check now, write nothing
        except AnswerStoreError as exc:
            raise self.fail("import.error.value", field=f"{where}.value", reason=exc) from None
        return Revision(
            key=key,
            value=item["value"],
            saved_at=saved_at,
            revision=0,
            case_version=version if version is not None else case_version,
            lang=lang if lang is not None else case_lang,
            source=SOURCE_IMPORT,
        )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
