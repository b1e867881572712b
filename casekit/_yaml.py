"""YAML reading that remembers line numbers and refuses duplicate keys, for messages that say where.

libyaml's C parser is used when PyYAML has it (about ten times faster on the case files); the nodes it
produces carry the same line marks as the pure-Python parser's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from casekit.errors import Problem


class LineDict(dict):
    """A mapping read from YAML, with the line it starts on and the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


class LineList(list):
    """A sequence read from YAML, with the line it starts on and the line of each item."""

    line: int | None = None
    item_lines: list[int]

    def line_of(self, index: int) -> int | None:
        lines = getattr(self, "item_lines", [])
        return lines[index] if index < len(lines) else self.line


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


class CaseLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _mapping(loader: CaseLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise DuplicateKeyError(
                "while reading a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _sequence(loader: CaseLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


CaseLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
CaseLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def read(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Read one YAML file; on failure return ``None`` and a problem naming the file and the line."""
    if not path.is_file():
        return None, [Problem(display, "file is missing")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    try:
        return yaml.load(text, Loader=CaseLoader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [Problem(display, f"YAML syntax error: {reason}", line=line)]
    except yaml.YAMLError as exc:
        return None, [Problem(display, f"YAML syntax error: {exc}")]


def line_of(container: Any, key: str | int) -> int | None:
    """The line of ``key`` in a mapping or sequence read by :func:`read`, if known."""
    if isinstance(container, LineDict) and isinstance(key, str):
        return container.line_of(key)
    if isinstance(container, LineList) and isinstance(key, int):
        return container.line_of(key)
    return getattr(container, "line", None)


def line_at(root: Any, path: Iterable[str | int]) -> int | None:
    """The line of the value at ``path`` (keys and indexes from ``root``) in data read by :func:`read`.

    Where the path leaves the data (a missing key, say), the line of the last container on the way is given.
    """
    node, line = root, getattr(root, "line", None)
    for key in path:
        line = line_of(node, key)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return line


# -- schema errors as problems -------------------------------------------------------------------------------
def schema_problems(
    file: str,
    data: Any,
    errors: Iterable[Any],
    *,
    prefix: str = "",
    id_pattern: re.Pattern[str],
    missing: Mapping[str, str] | None = None,
) -> list[Problem]:
    """jsonschema errors on data read by :func:`read`, as problems in plain words with field and line.

    Parameters
    ----------
    file
        The file name the problems carry.
    data
        The data that was validated (``LineDict``/``LineList`` containers know their lines).
    errors
        The ``ValidationError`` objects of ``iter_errors``.
    prefix
        Put before every field, e.g. ``"case"`` for ``case.languages``.
    id_pattern
        List items with an ``id`` matching it are named by it (``actors[kim]``), others by position.
    missing
        Messages for missing fields by field name, instead of "missing field '…'"; they may use ``{key}``
        and ``{id}`` (the record's id).

    Returns
    -------
    list[Problem]
        One problem per field, in line order.
    """
    found: dict[str, tuple[int | None, str, str]] = {}
    for error in errors:
        for path, message, rule in _explain(error, missing or {}):
            field = field_path(data, path, prefix, id_pattern)
            # One message per field; a list of allowed values says more than the type they share.
            if field not in found or (found[field][2] == "type" and rule == "enum"):
                found[field] = (line_at(data, path), message, rule)
    problems = [Problem(file, message, field or None, line) for field, (line, message, _) in found.items()]
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def _explain(error: Any, missing: Mapping[str, str]) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """One jsonschema error in plain words: (path of the value, message, rule) for each thing wrong."""
    path, rule, schema, value = tuple(error.absolute_path), error.validator, error.schema, error.instance
    if rule in ("anyOf", "oneOf"):
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        for subs in branches.values():  # the alternative the value has the type of is the one meant
            if not any(s.validator == "type" and not s.relative_path for s in subs):
                for sub in subs:
                    yield from _explain(sub, missing)
                return
        types = [s.validator_value for subs in branches.values() for s in subs if s.validator == "type"]
        yield path, f"expected {' or '.join(map(_type_words, types))}, found {_found(value)}", "type"
    elif rule == "required":
        for key in error.validator_value:
            if key not in value:
                message = missing.get(key, "missing field '{key}'")
                yield (*path, key), message.format(key=key, id=value.get("id")), rule
    elif rule == "additionalProperties":
        known = list(schema.get("properties", ()))
        for key in value:
            if key not in known:
                listed = f" (known fields: {', '.join(known)})" if known else ""
                yield (*path, key), f"unknown field '{key}'{listed}", rule
    elif rule == "type":
        types = error.validator_value
        containers = {"array", "object"}.issuperset([types] if isinstance(types, str) else types)
        yield path, f"expected {_type_words(types)}, found {_found(value, containers)}", rule
    elif rule == "enum":
        allowed = " | ".join(_show(v) for v in error.validator_value)
        yield path, f"expected one of {allowed}, found {_found(value)}", rule
    elif rule == "pattern":
        expected = schema.get("patternErrorMessage") or f"expected text matching {error.validator_value}"
        yield path, f"{expected}, found {_found(value)}", rule
    elif rule == "not":
        expected = schema.get("notErrorMessage") or "expected a value the schema allows"
        yield path, f"{expected}, found {_found(value)}", rule
    elif rule in ("minProperties", "maxProperties"):
        least = "at least" if rule == "minProperties" else "at most"
        expected = (
            schema.get("errorMessage") or f"expected a mapping with {least} {error.validator_value} keys"
        )
        yield path, f"{expected}, found keys {list(value)}", rule
    elif rule == "minLength":
        yield path, f"expected non-empty text, found {_found(value)}", rule
    elif rule == "minItems":
        yield path, f"expected a list of at least {error.validator_value}, found {len(value)}", rule
    elif rule == "minimum":
        yield path, f"expected a number from {error.validator_value}, found {_found(value)}", rule
    else:
        yield path, error.message, rule


_TYPE_WORDS = {
    "array": "a list",
    "boolean": "true or false",
    "integer": "a whole number",
    "null": "nothing",
    "number": "a number",
    "object": "a mapping",
    "string": "text",
}


def _type_words(types: str | list[str]) -> str:
    return " or ".join(_TYPE_WORDS.get(t, t) for t in ([types] if isinstance(types, str) else types))


def _show(value: Any) -> str:
    """A value as YAML spells it: true, not_stated, 2."""
    return str(value).lower() if isinstance(value, bool) else str(value)


_KINDS = (
    (type(None), "nothing"),
    (bool, "true/false"),
    ((int, float), "a number"),
    (dict, "a mapping"),
    (list, "a list"),
    (str, "text"),
)


def _found(value: Any, by_kind: bool = False) -> str:
    """How a wrong value looks, for a message: its kind ('a list', 'text', 'nothing') or the value itself."""
    if by_kind or value is None or isinstance(value, (dict, list)):
        return next((name for kind, name in _KINDS if isinstance(value, kind)), type(value).__name__)
    shown = _show(value) if isinstance(value, bool) else repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "…"


def field_path(data: Any, path: Iterable[str | int], prefix: str, id_pattern: re.Pattern[str]) -> str:
    """The field notation of messages: ``actors[elever].speaks``, ``sections[del-1].paragraphs[1][4]``.

    List items with an ``id`` matching ``id_pattern`` are named by it; paragraphs and their blocks count from
    1, as block ids do; ``prefix`` (e.g. ``case``) goes first.
    """
    path = tuple(path)
    out = prefix if path else ""
    node, from_one = data, 0
    for key in path:
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and key < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str) and id_pattern.match(ident):
                out += f"[{ident}]"
            else:
                out += f"[{key + 1}]" if from_one else f"[{key}]"
            from_one = max(from_one - 1, 0)
        else:
            out += f".{key}" if out else str(key)
            from_one = 2 if key == "paragraphs" else 0
        node = item if isinstance(key, int) else node.get(key) if isinstance(node, dict) else None
    return out
