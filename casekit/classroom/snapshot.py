"""The snapshot format: what a learner shares with the class, and the check of a shared file.

A snapshot (``casekit/schemas/share.schema.json``) holds the latest value of each answer shared and nothing
else. Only what the learner chose on a scale or from a list is shared, and only the text the learner ticked:

* always: the stakeholder map (actor → power and interest), the goal placements, the participation plan
  (actor → IAP2 level; a learner's own stakeholder in it with its name from the map), the decision point's
  *choice*, and each dilemma's *position*;
* only when its key is in ``text_keys``: a question's or a proposal part's text, the decision point's
  justification (key ``decision-point``), and a dilemma's poles, justification, paragraphs and missing
  voices (key ``dilemma-1``…);
* never: the learner's name or pseudonym, the history, keys the registry does not know, or text left
  blank. Values are cleaned with :func:`casekit.registry.clean` first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from casekit import _schemas, registry
from casekit.answers.record import MAX_ANSWER_BYTES, MAX_KEYS
from casekit.classroom._common import clip, has_text, load_case
from casekit.clock import now
from casekit.i18n import t, ui_lang

if TYPE_CHECKING:
    from casekit.answers import AnswerStore
    from casekit.case import Case

__all__ = [
    "DEFAULT_ROUND",
    "MAX_SHARE_BYTES",
    "SHARE_FORMAT",
    "SHARE_SCHEMA",
    "SHARE_SCHEMA_VERSION",
    "share_id",
    "share_problem",
    "snapshot",
]

SHARE_SCHEMA = _schemas.FOLDER / "share.schema.json"
"""The snapshot's JSON Schema file."""
SHARE_FORMAT = "casekit-class-share"
SHARE_SCHEMA_VERSION = 1
DEFAULT_ROUND = "1"
"""The round of a snapshot when no round was opened (and of every export in a summary)."""
MAX_SHARE_BYTES = MAX_KEYS * MAX_ANSWER_BYTES + 64 * 1024
"""The biggest snapshot a class folder reads: each answer a store may hold at its size limit, and a frame."""


def share_problem(doc: Any, case: Case | None = None, lang: str = "da") -> str | None:
    """Why ``doc`` is not a valid snapshot, in the catalog's words; ``None`` if it is one.

    The document is checked against ``casekit/schemas/share.schema.json``, then each answer's value
    against its key's shape in the registry (:func:`casekit.registry.problems`).
    """
    lang = ui_lang(lang)
    problem = registry.document_problem(doc, lang, schema="share")
    if problem is not None:
        return t("class.skip.share_invalid", lang, field=clip(problem.where or "—"))
    for key, value in doc["answers"].items():
        found = registry.problems(key, value, case, lang)
        if found:
            return t("class.skip.value_shape", lang, key=clip(key), reason=clip(str(found[0]), 120))
        if registry.spec(key, case) is None:
            return t("class.skip.unknown_key", lang, key=clip(key))
    return None


def share_id(store: AnswerStore) -> str:
    """The store's share id: 16 hex digits of sha256 over its case id, pseudonym and creation time (as the
    file holds them now, also when another notebook restored the learner's identity into it)."""
    text = "\0".join((store.case_id, *store.identity()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def snapshot(
    store: AnswerStore, text_keys: Sequence[str] = (), *, case: Case | None = None
) -> dict[str, Any]:
    """What :func:`~casekit.classroom.share` would write for ``store``: the snapshot, with no name in it.

    Parameters
    ----------
    store : AnswerStore
        The learner's answers (latest values).
    text_keys : Sequence[str]
        The keys whose text the learner ticked to share: a question id or ``proposal.*`` key shares that
        text; ``decision-point`` adds the decision's justification; ``dilemma-N`` adds that dilemma's
        poles, justification, paragraphs and missing voices. Everything else typed stays private.
    case : Case, optional
        The case; loaded from the store's case id and language if not given.

    Returns
    -------
    dict
        ``{"format", "schema_version", "case", "share_id", "round", "shared_at", "answers"}``; ``round``
        is :data:`DEFAULT_ROUND` (the transport puts the class's current round in when it shares).
    """
    case = case if case is not None else load_case(store.case_id, store.lang)
    ticked = set(text_keys)
    values = store.as_dict()
    answers: dict[str, Any] = {}
    for key in registry.answer_keys(case):
        found = registry.spec(key, case)
        if found is None or key not in values:
            continue
        value = registry.clean(key, values[key], case)
        shared = _shared_part(found.shape, value, key in ticked)
        if shared is not None:
            answers[key] = shared
    _name_own_in_plan(answers, values, case)
    return {
        "format": SHARE_FORMAT,
        "schema_version": SHARE_SCHEMA_VERSION,
        "case": {"id": case.id, "version": store.case_version or case.version, "lang": case.lang},
        "share_id": share_id(store),
        "round": DEFAULT_ROUND,
        "shared_at": now(),
        "answers": answers,
    }


def _name_own_in_plan(answers: dict[str, Any], values: dict[str, Any], case: Case) -> None:
    """A level in the participation plan for one of the learner's own stakeholders goes with the stakeholder's
    name (from their map, placed or not: the class summary knows it by its name); one the map does not name
    is not shared."""
    plan = answers.get(registry.PARTICIPATION_PLAN)
    own = [key for key in plan or {} if registry.is_own_stakeholder(key) and key not in case.actor_ids]
    if not plan or not own:
        return
    mapped = registry.clean(registry.STAKEHOLDER_MAP, values.get(registry.STAKEHOLDER_MAP), case) or {}
    shared_map = dict(answers.get(registry.STAKEHOLDER_MAP) or {})
    for key in own:
        if key in mapped:
            shared_map.setdefault(key, mapped[key])
        else:
            del plan[key]
    if shared_map:
        answers[registry.STAKEHOLDER_MAP] = shared_map
    if not plan:
        del answers[registry.PARTICIPATION_PLAN]
    order = {key: n for n, key in enumerate(registry.answer_keys(case))}
    ordered = sorted(answers.items(), key=lambda item: order.get(item[0], len(order)))
    answers.clear()
    answers.update(ordered)


def _shared_part(shape: str, value: Any, ticked: bool) -> Any:
    """The part of a cleaned value that may be shared (see the module docstring); ``None`` for nothing."""
    if value is None:
        return None
    if shape == "text":
        return value if ticked and has_text(value) else None
    if shape == "decision":
        out: dict[str, Any] = {"choice": value.get("choice")}
        if ticked and has_text(value.get("justification")):
            out["justification"] = value["justification"]
        return out if out["choice"] is not None or len(out) > 1 else None
    if shape == "dilemma":
        out = {"position": value.get("position")}
        if ticked:
            out.update(
                (k, v)
                for k, v in value.items()
                if k != "position" and (has_text(v) or (k == "paragraphs" and v))
            )
        return out if out["position"] is not None or len(out) > 1 else None
    if shape == "stakeholder-placements":
        placed = {k: v for k, v in value.items() if any(v.get(p) is not None for p in ("power", "interest"))}
        return placed or None
    return value or None  # goal placements and the participation plan: choices only
