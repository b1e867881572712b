"""What an answer is called: the one place that names an answer key for people.

Every screen and document that shows an answer by name asks here: the hand-in's headings, the progress
line and the hand-in preview, the share preview and its ticks, the class report's text sections, the
command line's ``answers show`` and the instructor's frameworks table. The case's own words win
(``<lang>/activities.yaml``: an activity's ``title`` and ``fields``), then the string catalog
(``activity.<key>``, ``export.field.<name>``); an unknown key is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from casekit import registry
from casekit.i18n import catalog, t, ui_lang

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = [
    "activity_title",
    "answer_title",
    "case_activity",
    "dilemma_keys",
    "dilemma_label",
    "dilemma_number",
    "dilemma_poles",
    "field_label",
    "text_map",
]


def activity_title(key: str, lang: str = "da", case: Case | None = None) -> str:
    """The display title of a non-question answer key.

    The case's own activity title wins (``<lang>/activities.yaml``), then the catalog
    (``activity.<key>``). A part of an activity gets the activity's title and the part's label:
    ``proposal.minutes`` → "Kim og Sannes opgave · Referat af workshoppen". An unknown key is shown as it is.
    """
    strings = catalog(ui_lang(lang))
    whole = _text(case_activity(case, key).get("title")) or strings.get(f"activity.{key}")
    if whole:
        return whole
    head, _, rest = key.partition(".")
    if rest:
        head_title = _text(case_activity(case, head).get("title")) or strings.get(f"activity.{head}")
        if head_title:
            return f"{head_title} · {field_label(rest, lang, case, head)}"
    return key


def answer_title(case: Case, key: str) -> str:
    """The title of any answer key of ``case``: a reflection question as "3. <its text>", else the
    activity's title (:func:`activity_title`), in the case's language."""
    question = next((q for q in case.questions if q.id == key), None)
    if question is not None:
        return f"{question.number}. {question.text}"
    return activity_title(key, case.lang, case=case)


def field_label(name: str, lang: str, case: Case | None = None, head: str | None = None) -> str:
    """A part's or a field's label: the case's ``fields`` of the activity, then the catalog, else the name."""
    fields = text_map(case_activity(case, head).get("fields")) if head else {}
    return fields.get(name) or catalog(ui_lang(lang)).get(f"export.field.{name}", name)


def case_activity(case: Case | None, key: str) -> Mapping[str, Any]:
    """The case's texts for one activity; the three dilemmas live under ``dilemmas`` in the case data."""
    if case is None:
        return {}
    data: Any = case.activity(key)
    if not data:
        dilemmas = case.activity("dilemmas")
        data = dilemmas.get(key) if isinstance(dilemmas, Mapping) else None
    return data if isinstance(data, Mapping) else {}


def dilemma_number(key: str) -> tuple[int, str]:
    """The number a dilemma key ends in (for sorting and its label), and the key."""
    match = re.search(r"(\d+)$", key)
    return (int(match.group(1)) if match else 10**6, key)


def dilemma_label(key: str, lang: str) -> str:
    """A dilemma's short name in the class's charts: ``Dilemma 2`` for ``dilemma-2``; a key without a
    number as it is."""
    match = re.search(r"(\d+)$", key)
    return t("chart.dilemma.row", lang, n=match.group(1)) if match else key


def dilemma_keys(case: Case) -> list[str]:
    """The case's dilemmas (its activity data), else the registry's, in number order."""
    keys = [str(k) for k in case.activity("dilemmas")] or list(registry.DILEMMAS)
    return sorted(keys, key=dilemma_number)


def dilemma_poles(case: Case, key: str) -> tuple[str, str]:
    """A dilemma's two ends (at 1 and at 5) in the case's words; the catalog's "no pole" where it has none."""
    config = case_activity(case, key)
    none = t("class.chart.dilemma.no_pole", case.lang)
    return str(config.get("left") or none), str(config.get("right") or none)


def text_map(value: object) -> dict[str, str]:
    """The text entries of a mapping from the case data (``options``, ``levels``, ``fields``)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
