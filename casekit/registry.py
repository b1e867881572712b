"""The answer registry: every answer a learner can give, defined once.

An answer has a key (a question id such as ``organisering-1``, or an activity key such as
``stakeholder-map``), a place in the journey, and the shape of its value: a JSON Schema in
``casekit/schemas/answers.schema.json`` (the ``value-*`` definitions), the same file that describes the
JSON export. The widgets save values of these shapes, the charts and the hand-in read them, the import
refuses what does not fit, ``docs/answers-format.md`` lists them, and the class summary will read them.

>>> from casekit import registry
>>> registry.spec("stakeholder-map").shape
'stakeholder-placements'
>>> [str(p) for p in registry.problems("goal-divergence", {"kim": 9}, lang="en")]
['kim: must be a whole number from 1 to 5, not 9']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casekit import _schemas
from casekit.i18n import t

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = [
    "ANSWERS",
    "DECISION_POINT",
    "DILEMMAS",
    "EXPORT_FORMAT",
    "EXPORT_SCHEMA",
    "GOAL_DIVERGENCE",
    "LEVELS",
    "OWN_ID_PATTERN",
    "OWN_NAME_MAX",
    "OWN_STAKEHOLDERS_MAX",
    "PARTICIPATION_PLAN",
    "PROPOSAL_TEXTS",
    "QUESTIONS",
    "SCALE",
    "SCHEMA_VERSION",
    "STAKEHOLDER_MAP",
    "AnswerSpec",
    "ShapeProblem",
    "activity_keys",
    "answer_keys",
    "clean",
    "document_problem",
    "export_schema",
    "fields",
    "fits",
    "is_answered",
    "is_own_stakeholder",
    "kind_of",
    "own_stakeholder_key",
    "problems",
    "spec",
]

EXPORT_SCHEMA = _schemas.FOLDER / "answers.schema.json"
_DEFS: dict[str, Any] = _schemas.load("answers")["$defs"]

# Facts the export schema states are read from it, so that code and format cannot drift apart.
SCALE: tuple[int, ...] = tuple(range(_DEFS["scale"]["minimum"], _DEFS["scale"]["maximum"] + 1))
"""The 1–5 scale of every placement: the widgets offer it, the charts draw it, the schema checks it."""

LEVELS: tuple[str, ...] = tuple(_DEFS["value-participation-plan"]["additionalProperties"]["enum"])
"""The levels of participation of the IAP2 spectrum, in order; the case data gives their labels."""

QUESTIONS = "questions"
"""The placeholder in :data:`ANSWERS` where a case's reflection questions come in the journey."""

# The activities' answer keys, named once; the widgets, the charts and the class summary use these names.
STAKEHOLDER_MAP = "stakeholder-map"
DECISION_POINT = "decision-point"
GOAL_DIVERGENCE = "goal-divergence"
DILEMMAS = ("dilemma-1", "dilemma-2", "dilemma-3")
PROPOSAL_TEXTS = ("proposal.minutes", "proposal.overlap", "proposal.process")
PARTICIPATION_PLAN = "proposal.participation"


@dataclass(frozen=True)
class AnswerSpec:
    """One answer a learner can give.

    Attributes
    ----------
    key : str
        The answer key it is stored and exported under.
    shape : str
        Its value's shape: ``value-<shape>`` in the export schema (``text``, ``stakeholder-placements``…).
    notebook : str
        The learner notebook it is given in (without ``.ipynb``).
    chart : bool
        Whether the activity shows a chart of it.
    """

    key: str
    shape: str
    notebook: str
    chart: bool = False


ANSWERS: tuple[AnswerSpec, ...] = (
    AnswerSpec(STAKEHOLDER_MAP, "stakeholder-placements", "01_del1", chart=True),
    AnswerSpec(DECISION_POINT, "decision", "01_del1"),
    AnswerSpec(GOAL_DIVERGENCE, "goal-placements", "02_del2", chart=True),
    *(AnswerSpec(key, "dilemma", "03_etik", chart=True) for key in DILEMMAS),
    AnswerSpec(QUESTIONS, "text", "04_spoergsmaal"),
    *(AnswerSpec(key, "text", "05_forslag") for key in PROPOSAL_TEXTS),
    AnswerSpec(PARTICIPATION_PLAN, "participation-plan", "05_forslag"),
)
"""Every activity's answer in the order of the journey; :data:`QUESTIONS` stands for the case's questions."""

_BY_KEY = {s.key: s for s in ANSWERS if s.key != QUESTIONS}
_QUESTION_SPEC = next(s for s in ANSWERS if s.key == QUESTIONS)


def spec(key: str, case: Case | None = None) -> AnswerSpec | None:
    """The answer ``key`` stands for: an activity's, or (given the case) a question's; else ``None``."""
    found = _BY_KEY.get(key)
    if found is not None:
        return found
    if case is not None and key in case.question_ids:
        return AnswerSpec(key, _QUESTION_SPEC.shape, _QUESTION_SPEC.notebook)
    return None


def answer_keys(case: Case) -> list[str]:
    """Every answer key a learner can fill in for ``case``, in the order of the journey."""
    keys: list[str] = []
    for item in ANSWERS:
        keys.extend(q.id for q in case.questions) if item.key == QUESTIONS else keys.append(item.key)
    return keys


def activity_keys() -> tuple[str, ...]:
    """The activity keys (not the questions), in the order of the journey."""
    return tuple(_BY_KEY)


# -- the shapes ----------------------------------------------------------------------------------------------
def export_schema() -> dict[str, Any]:
    """The export schema (``casekit/schemas/answers.schema.json``) as data."""
    return _schemas.load("answers")


EXPORT_FORMAT: str = export_schema()["properties"]["format"]["const"]
"""The ``format`` of an export file: ``casekit-answers``."""
SCHEMA_VERSION: int = export_schema()["properties"]["schema_version"]["const"]
"""The ``schema_version`` casekit writes and reads."""


def _validator(ref: str) -> Callable[[Any], Any]:
    """A fast validator (fastjsonschema, compiled once) for the schema's ``#`` or ``#/$defs/<name>``."""
    return _schemas.fast("answers", ref)


@dataclass(frozen=True)
class ShapeProblem:
    """Where a value does not fit its schema, and how, in the learner's language.

    ``where`` is the dotted path inside the value (``kim.power``; ``history[2]`` for a list item);
    ``rule`` the JSON Schema keyword that failed (``type``, ``maximum``, ``required``…).
    """

    where: str
    rule: str
    message: str
    expected: str = ""
    found: str = ""
    missing_field: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


_TYPE_NAMES = {
    "string": "string",
    "object": "object",
    "array": "list",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "null": "null",
}


def kind_of(value: Any, lang: str) -> str:
    """How a value looks, in words for a message: "tekst", "en liste", "et tal"…"""
    if isinstance(value, bool):
        return t("import.type.boolean", lang)
    if isinstance(value, (int, float)):
        return t("import.type.number", lang)
    name = "string" if isinstance(value, str) else "list" if isinstance(value, list) else "object"
    return t(f"import.type.{name if value is not None else 'null'}", lang)


def _path(parts: Iterable[Any], root: Any) -> str:
    """``answers.etik-1.history[0].saved_at``: names joined with dots, list positions in brackets."""
    out, node = "", root
    for part in parts:
        if isinstance(node, list):
            index = int(part)
            out += f"[{index}]"
            node = node[index] if 0 <= index < len(node) else None
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _shape_problem(exc: Any, lang: str, root: Any) -> ShapeProblem:
    """A fastjsonschema error as a :class:`ShapeProblem` with a message from the catalog."""
    parts = list(exc.path or [])[1:]  # the first element is the value's own name, "data"
    where, rule, definition, value = _path(parts, root), str(exc.rule), exc.rule_definition, exc.value
    if rule == "type":
        wanted = definition if isinstance(definition, list) else [definition]
        expected = t("shape.or", lang).join(t(f"import.type.{_TYPE_NAMES[w]}", lang) for w in wanted)
        found = kind_of(value, lang)
        return ShapeProblem(
            where, rule, t("shape.type", lang, expected=expected, found=found), expected, found
        )
    if rule == "minItems":
        expected = t("import.type.nonempty_list", lang)
        found = t("import.type.list", lang) + f" ({len(value)})"
        return ShapeProblem(
            where, rule, t("shape.type", lang, expected=expected, found=found), expected, found
        )
    if rule == "required":
        missing = next((n for n in definition if not isinstance(value, dict) or n not in value), "?")
        inner = f"{where}.{missing}" if where else str(missing)
        return ShapeProblem(where, rule, t("shape.required", lang, field=missing), missing_field=inner)
    if rule in ("minimum", "maximum"):
        return ShapeProblem(where, rule, t("shape.scale", lang, low=SCALE[0], high=SCALE[-1], found=value))
    if rule == "enum":
        options = ", ".join(str(o) for o in definition)
        return ShapeProblem(where, rule, t("shape.enum", lang, options=options, found=value))
    if rule == "additionalProperties":
        known = set(exc.definition.get("properties", {}))
        extra = next((k for k in value if k not in known), "?") if isinstance(value, dict) else "?"
        return ShapeProblem(where, rule, t("shape.unknown_field", lang, field=extra))
    if rule in ("propertyNames", "pattern"):
        return ShapeProblem(where, rule, t("shape.id", lang))
    return ShapeProblem(where, rule, t("shape.other", lang))


def document_problem(doc: Any, lang: str = "da", schema: str = "answers") -> ShapeProblem | None:
    """The first place a document does not fit its schema (the export's, or another shipped one such as
    ``"share"``, the class snapshot's), in the catalog's words; ``None`` if it fits.

    The one translation of a schema's refusal into words for learners and instructors: the import, the
    class summary and the answer values all use it.
    """
    import fastjsonschema

    try:
        _schemas.fast(schema)(doc)
    except fastjsonschema.JsonSchemaValueException as exc:
        return _shape_problem(exc, lang, doc)
    except RecursionError:
        return ShapeProblem("", "depth", t("shape.other", lang))
    return None


def problems(key: str, value: Any, case: Case | None = None, lang: str = "da") -> list[ShapeProblem]:
    """What is wrong with ``value`` as the answer ``key``: ``[]`` if it fits, or the key is not known.

    A reflection question's key is known only with the ``case``.
    """
    found = spec(key, case)
    if found is None:
        return []
    import fastjsonschema

    try:
        _validator(f"#/$defs/value-{found.shape}")(value)
    except fastjsonschema.JsonSchemaValueException as exc:
        return [_shape_problem(exc, lang, value)]
    except RecursionError:
        return [ShapeProblem("", "depth", t("shape.other", lang))]
    return []


def fits(key: str, value: Any, case: Case | None = None) -> bool:
    """Whether ``value`` has the shape of the answer ``key`` (an unknown key fits anything)."""
    return not problems(key, value, case)


# -- answered ----------------------------------------------------------------------------------------------
def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _placed(place: Any) -> bool:
    return isinstance(place, Mapping) and all(_scale(place.get(axis)) is not None for axis in _AXES)


_AXES = ("power", "interest")

# What makes a value of each shape an answer: a choice on a scale or from a list, or text that is not
# blank. A stakeholder counts once it is placed on both axes; a dilemma's poles are the case's own words
# until a learner changes them, so renaming a pole alone is not an answer.
_ANSWERED: dict[str, Callable[[Any], bool]] = {
    "text": _has_text,
    "stakeholder-placements": lambda v: any(_placed(p) for p in v.values()),
    "goal-placements": lambda v: any(_scale(p) is not None for p in v.values()),
    "participation-plan": lambda v: any(level in LEVELS for level in v.values()),
    "decision": lambda v: v.get("choice") is not None or _has_text(v.get("justification")),
    "dilemma": lambda v: (
        _scale(v.get("position")) is not None
        or _has_text(v.get("justification"))
        or _has_text(v.get("missing_voices"))
        or bool(v.get("paragraphs"))
    ),
}


def is_answered(key: str, value: Any, case: Case | None = None) -> bool:
    """Whether ``value`` answers ``key``: the one definition the progress line, the hand-in preview, the
    share control and the class report use.

    With the ``case`` the value is first cleaned (:func:`clean`): what no longer fits the case does not
    count. A placement counts once both its axes are set, a choice once it is made, text once it is not
    blank; a dilemma needs a position, a justification, a missing voice or a cited paragraph (its poles
    alone are the case's words). An unknown key counts when it holds anything but blank text.
    """
    if case is not None:
        value = clean(key, value, case)
    if value is None:
        return False
    found = spec(key, case)
    test = _ANSWERED.get(found.shape) if found is not None else None
    if test is None:
        return _has_content(value)
    if found is not None and found.shape != "text" and not isinstance(value, Mapping):
        return False
    return test(value)


def _has_content(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping):
        return any(_has_content(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return bool(value)
    return True


# -- stale values --------------------------------------------------------------------------------------------
def _scale(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value in SCALE else None


def clean(key: str, value: Any, case: Case) -> Any:
    """The part of a saved ``value`` that still fits ``case``; ``None`` if nothing does.

    A learner's store may hold values an older casekit or an import put there, or that name actors a new
    edition of the case no longer has. Activities and charts take what still fits and leave the rest
    (in the store: nothing is deleted).
    """
    found = spec(key, case)
    if found is None:
        return value
    actors = case.actor_ids
    cleaner = _CLEANERS.get(found.shape)
    if cleaner is not None:
        return cleaner(value, case, actors)
    return value if fits(key, value, case) else None


_OWN_SCHEMA: tuple[str, dict[str, Any]] = next(
    iter(_DEFS["value-stakeholder-placements"]["patternProperties"].items())
)
OWN_ID_PATTERN = re.compile(_OWN_SCHEMA[0])
"""The stakeholder-map key of a stakeholder the learner adds (``own-1`` … ``own-99``): the export schema's."""
OWN_NAME_MAX: int = _OWN_SCHEMA[1]["properties"]["name"]["maxLength"]
"""The longest name (in characters, after trimming) of a stakeholder the learner adds to the map."""
OWN_STAKEHOLDERS_MAX = 99
"""How many stakeholders of their own a learner can add: keys ``own-1`` … ``own-99`` (a test holds this to
:data:`OWN_ID_PATTERN`)."""
_OWN_PREFIX = "own-"


def own_stakeholder_key(n: int) -> str:
    """The stakeholder-map key of the learner's ``n``-th own stakeholder: ``own-1``, ``own-2``…"""
    return f"{_OWN_PREFIX}{n}"


def is_own_stakeholder(key: object) -> bool:
    """Whether a stakeholder-map key is one of the learner's own stakeholders (``own-1`` … ``own-99``)."""
    return isinstance(key, str) and OWN_ID_PATTERN.fullmatch(key) is not None


def _own_name(value: Any) -> str | None:
    """An own stakeholder's name trimmed, if it is one a learner could have typed (1–80 characters)."""
    if not isinstance(value, str):
        return None
    name = value.strip()
    return name if 0 < len(name) <= OWN_NAME_MAX else None


def _clean_stakeholders(value: Any, case: Case, actors: frozenset[str]) -> dict[str, dict[str, Any]] | None:
    """Case actors' placements ``{power, interest}``; own stakeholders' also ``{name, at_table}``.

    A case actor's id always means the actor (an ``own-`` key that a case uses as an actor id is the
    actor's), so the learner's own stakeholders never take a case actor's place.
    """
    if not isinstance(value, Mapping):
        return None
    result: dict[str, dict[str, Any]] = {}
    for actor_id, place in value.items():
        if not isinstance(place, Mapping):
            continue
        axes = {axis: _scale(place.get(axis)) for axis in ("power", "interest")}
        if actor_id in actors:
            result[actor_id] = axes
        elif is_own_stakeholder(actor_id) and (name := _own_name(place.get("name"))) is not None:
            at_table = place.get("at_table")
            result[actor_id] = {"name": name, "at_table": at_table if isinstance(at_table, bool) else True}
            result[actor_id].update(axes)
    return result


def _clean_goals(value: Any, case: Case, actors: frozenset[str]) -> dict[str, int] | None:
    if not isinstance(value, Mapping):
        return None
    speaking = case.speaker_ids
    return {k: v for k, v in value.items() if k in speaking and _scale(v) is not None}


def _clean_plan(value: Any, case: Case, actors: frozenset[str]) -> dict[str, str] | None:
    """The case's actors' levels, and those of the learner's own stakeholders (``own-1``…: their names are
    in the stakeholder map, :func:`casekit.naming.stakeholder_names`)."""
    if not isinstance(value, Mapping):
        return None
    return {k: v for k, v in value.items() if (k in actors or is_own_stakeholder(k)) and v in LEVELS}


def _clean_fields(fields: Mapping[str, Callable[[Any], bool]]) -> Callable[[Any, Case, frozenset[str]], Any]:
    """A cleaner for a mapping of named fields: each field kept if its check passes."""

    def run(value: Any, case: Case, actors: frozenset[str]) -> dict[str, Any] | None:
        if not isinstance(value, Mapping):
            return None
        return {name: value[name] for name, check in fields.items() if name in value and check(value[name])}

    return run


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _is_position(value: Any) -> bool:
    return value is None or _scale(value) is not None


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _field_check(field: Mapping[str, Any]) -> Callable[[Any], bool]:
    """The check a field of the schema implies: a point on the scale (or unset), text, text or null, a
    list of texts."""
    if field.get("$ref") == "#/$defs/scale-or-unset":
        return _is_position
    kind = field.get("type")
    if kind == "array":
        return _is_text_list
    return _is_text_or_none if kind == ["string", "null"] else _is_text


def fields(shape: str) -> tuple[str, ...]:
    """The fields of a value of ``shape`` that is a record (``decision``, ``dilemma``), in the schema's
    order: what the widgets save, the cleaner keeps and the snapshot may share."""
    return tuple(_DEFS[f"value-{shape}"]["properties"])


def _record_cleaner(shape: str) -> Callable[[Any, Case, frozenset[str]], Any]:
    properties = _DEFS[f"value-{shape}"]["properties"]
    return _clean_fields({name: _field_check(field) for name, field in properties.items()})


_CLEANERS: dict[str, Callable[[Any, Case, frozenset[str]], Any]] = {
    "stakeholder-placements": _clean_stakeholders,
    "goal-placements": _clean_goals,
    "participation-plan": _clean_plan,
    "decision": _record_cleaner("decision"),
    "dilemma": _record_cleaner("dilemma"),
}
