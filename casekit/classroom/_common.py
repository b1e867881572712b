"""Small helpers the class modules share: a name made safe to show, "is there text", a case by its id."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casekit.case import Case

__all__ = ["CONTROL", "clip", "has_text", "load_case"]

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
"""Control, zero-width and direction characters: never shown as they are (a name in a ZIP may hold them)."""


def clip(text: str, limit: int = 80) -> str:
    """``text`` with its control characters as ``?``, cut to ``limit`` characters (with ``…``)."""
    text = CONTROL.sub("?", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def has_text(value: Any) -> bool:
    """Whether ``value`` is a string with something else than white space in it."""
    return isinstance(value, str) and bool(value.strip())


def load_case(case_id: str, lang: str | None) -> Case:
    """The shipped case ``case_id``, in ``lang`` if it has that edition, else in its default language."""
    from casekit.errors import CaseNotFoundError
    from casekit.loader import case_path, load_case, load_case_dir

    if lang:
        try:
            return load_case(case_id, lang=lang)
        except CaseNotFoundError:
            pass
    return load_case_dir(case_path(case_id))


def shipped_cases() -> list[str]:
    """The ids of the cases casekit ships (:func:`casekit.loader.list_cases`)."""
    from casekit.loader import list_cases

    return list_cases()
