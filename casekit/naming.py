"""What an answer is called: the one place that names an answer key for people.

Every screen and document that shows an answer by name asks here: the hand-in's headings, the progress
line and the hand-in preview, the share preview and its ticks, the class report's text sections, the
command line's ``answers show`` and the instructor's frameworks table. The case's own words win
(``<lang>/activities.yaml``: an activity's ``title`` and ``fields``), then the string catalog
(``activity.<key>``, ``export.field.<name>``); an unknown key is shown as it is.

What an answer *says*, as one line a person reads (the share preview), is :func:`answer_text`: stakeholders
by their names (a learner's own as "Lærerne (din egen)", :func:`stakeholder_names`), choices and levels by
the case's words, cited paragraphs as the edition cites them; never an id.
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
    "answer_text",
    "answer_title",
    "case_activity",
    "dilemma_keys",
    "dilemma_label",
    "dilemma_number",
    "dilemma_poles",
    "field_label",
    "own_stakeholders",
    "stakeholder_names",
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


# -- what an answer says -------------------------------------------------------------------------------------
def own_stakeholders(stakeholder_map: Any, case: Case) -> dict[str, str]:
    """The learner's own stakeholders in a stakeholder-map value, key → name as typed (``own-1`` →
    "Lærerne"), in the map's order; what does not fit the map's shape is left out."""
    cleaned = registry.clean(registry.STAKEHOLDER_MAP, stakeholder_map, case) or {}
    return {k: str(v["name"]) for k, v in cleaned.items() if registry.is_own_stakeholder(k) and "name" in v}


def stakeholder_names(case: Case, stakeholder_map: Any = None) -> dict[str, str]:
    """Every stakeholder's display name by key: the case's actors, then the learner's own from their
    stakeholder map, marked as theirs ("Lærerne (din egen)", the catalog's ``map.own.marker``)."""
    names = {a.id: a.name for a in case.actors}
    lang = ui_lang(case.lang)
    for key, name in own_stakeholders(stakeholder_map, case).items():
        names.setdefault(key, t("map.own.marker", lang, name=name))
    return names


def answer_text(case: Case, key: str, value: Any, answers: Mapping[str, Any] | None = None) -> str:
    """What an answer says, as one line a person reads: "Kim: Magt 4, Interesse 3; …", "Dit valg: Start
    fra deltagernes interesser", "Kim: Inddrag", cited paragraphs as "Del 1 ¶3". ``answers`` (the learner's
    other answers) names the learner's own stakeholders where a value other than the map itself uses them
    (the participation plan); one without a name is left out, never shown by its key."""
    lang = ui_lang(case.lang)
    found = registry.spec(key, case)
    shape = found.shape if found is not None else ""
    value = registry.clean(key, value, case) if found is not None else value
    if isinstance(value, str) or value is None:
        return value or ""
    if shape == "stakeholder-placements":
        names = stakeholder_names(case, value)
        return "; ".join(
            f"{names[k]}: " + ", ".join(f"{field_label(a, lang)} {place[a]}" for a in _AXES if place.get(a))
            for k, place in value.items()
            if k in names and any(place.get(a) for a in _AXES)
        )
    data = case_activity(case, key.partition(".")[0])
    if shape in ("goal-placements", "participation-plan"):
        names = stakeholder_names(case, (answers or {}).get(registry.STAKEHOLDER_MAP))
        words = text_map(data.get("levels"))
        return "; ".join(f"{names[k]}: {words.get(str(v), v)}" for k, v in value.items() if k in names)
    if shape in ("decision", "dilemma"):
        return "; ".join(
            f"{field_label(name, lang, case, key)}: {shown}"
            for name, item in value.items()
            if (shown := _field_text(case, data, name, item, value))
        )
    return _plain(value)


_AXES = ("power", "interest")


def _field_text(case: Case, data: Mapping[str, Any], name: str, item: Any, value: Mapping[str, Any]) -> str:
    """One field of a decision or a dilemma in words: the chosen option's label, a position with its pole,
    cited paragraphs as the edition cites them, text as written."""
    lang = ui_lang(case.lang)
    if item is None or item == "" or item == []:
        return ""
    if name == "choice":
        return text_map(data.get("options")).get(str(item), str(item))
    if name == "position" and isinstance(item, int):
        if item == 1:
            return t("widgets.dilemma.point_left", lang, pole=value.get("left") or data.get("left", ""))
        if item == 5:
            return t("widgets.dilemma.point_right", lang, pole=value.get("right") or data.get("right", ""))
        return t("widgets.dilemma.point_middle", lang) if item == 3 else str(item)
    if name == "paragraphs" and isinstance(item, list):
        return ", ".join(case.cite(str(ref)) for ref in item)
    return _plain(item)


def _plain(value: Any) -> str:
    """A value without a known shape: text as it is, a list and a mapping item by item, nothing as JSON."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    return "" if value is None else str(value)
