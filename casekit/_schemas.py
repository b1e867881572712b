"""The JSON Schema files casekit ships, read and compiled in one place.

Every data format casekit reads or writes is a schema file under ``casekit/schemas/``: the case files
(``case/*.schema.json``), the answer export (``answers.schema.json``) and the class snapshot
(``share.schema.json``). Their ``$id`` s live under ``https://casekit.invalid/schemas/``, a name that
resolves nowhere: a ``$ref`` between them is resolved to the shipped file (:func:`resolve`), never fetched.

Two validators: fastjsonschema's (:func:`fast`; compiled once per process, about 20 ms to import) on the
load path, and jsonschema's (:func:`full`; about 0.8 s to import) where every error must be listed with its
path (``casekit validate``, a case file that fails).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["BASE", "FOLDER", "fast", "full", "load", "resolve"]

FOLDER = Path(__file__).with_name("schemas")
BASE = "https://casekit.invalid/schemas/"
"""Where every shipped schema's ``$id`` lives: ``<BASE>answers.schema.json``"""


@functools.cache
def load(name: str) -> dict[str, Any]:
    """A shipped schema as data, by its path under ``casekit/schemas/`` (``"answers"``, ``"case/text"``)."""
    return json.loads((FOLDER / f"{name}.schema.json").read_text(encoding="utf-8"))


def resolve(uri: str) -> dict[str, Any]:
    """The shipped schema a ``$ref`` names; any other address is refused (no network, ever)."""
    if not uri.startswith(BASE):
        raise ValueError(f"casekit resolves no schema outside the package: {uri}")
    return load(uri[len(BASE) :].split("#")[0].removesuffix(".schema.json"))


@functools.cache
def fast(name: str, ref: str = "#", *, detailed: bool = True) -> Callable[[Any], Any]:
    """fastjsonschema's validator for the schema ``name`` (or one of its ``#/$defs/…``), compiled once.

    ``detailed=False`` compiles in about half the time, for callers that ask only whether data fits.
    """
    import fastjsonschema

    schema = load(name)
    if ref != "#":
        if ref.removeprefix("#/$defs/") not in schema.get("$defs", {}):
            raise KeyError(f"the schema {name} has no definition {ref!r}")
        schema = {"$id": schema["$id"], "$ref": ref, "$defs": schema["$defs"]}
    handlers = {"https": resolve, "http": resolve}
    return fastjsonschema.compile(schema, handlers=handlers, use_default=False, detailed_exceptions=detailed)


@functools.cache
def full(name: str) -> Any:
    """jsonschema's validator for the schema ``name``, with every shipped schema resolvable by its ``$id``."""
    import jsonschema
    import referencing
    from referencing.jsonschema import DRAFT202012

    names = [
        str(p.relative_to(FOLDER)).removesuffix(".schema.json") for p in sorted(FOLDER.rglob("*.schema.json"))
    ]
    registry = referencing.Registry().with_resources(
        (load(n)["$id"], DRAFT202012.create_resource(load(n))) for n in names
    )
    return jsonschema.Draft202012Validator(load(name), registry=registry)
