"""How each LMS names the files of a bulk download of hand-ins, read from data (``lms.json``).

Moodle, Canvas, Brightspace and Blackboard put the student's name and numbers before a file's (or a
student folder's) own name (Canvas: ``hansenjens_123_456_``, Moodle:
``Jens Hansen_123_assignsubmission_file_``, Brightspace: ``12-34 - Jens Hansen - 1 March, 2025 1252 PM - ``,
Blackboard:
``Opgave 1_jhansen_attempt_2025-03-01-10-00-00_``). The class summary uses the prefix to tell whose a file is
(:func:`owner`, the pattern's group ``who``) and never shows it. Each LMS's convention is one entry of
``lms.json`` (shape: ``casekit/schemas/lms.schema.json``): its name, the LMS, a regular expression and where
the LMS writes such names, like the named patterns of nbgrader's zip-collect plugin. A new LMS is a new
entry, not new code.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LMS_FILE", "Convention", "conventions", "match", "owner", "strip_prefix"]

LMS_FILE = Path(__file__).with_name("lms.json")
"""The table of conventions, shipped with the package."""


@dataclass(frozen=True)
class Convention:
    """One LMS's file-name prefix: ``pattern`` matches it at the start of a name, ignoring case."""

    name: str
    lms: str
    pattern: re.Pattern[str]
    source: str


@functools.cache
def conventions() -> tuple[Convention, ...]:
    """The conventions of ``lms.json``, in the order they are tried."""
    data = json.loads(LMS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Convention(entry["name"], entry["lms"], re.compile(entry["pattern"], re.IGNORECASE), entry["source"])
        for entry in data["prefixes"]
    )


def match(name: str) -> tuple[Convention, int] | None:
    """The first convention whose prefix starts ``name``, and where the prefix ends; ``None`` if none."""
    for convention in conventions():
        found = convention.pattern.match(name)
        if found:
            return convention, found.end()
    return None


def owner(name: str) -> str | None:
    """Whose file or folder ``name`` is, as an LMS's prefix says: an opaque key, ``None`` without a prefix.

    A pattern's group ``who`` is the part that stays the same for one student across submissions (Moodle's
    participant id, Canvas's user id, Blackboard's user name…), so a resubmission, or Moodle's separate
    folders for files and online text, stays one learner's; without that group the whole prefix is.
    """
    for convention in conventions():
        found = convention.pattern.match(name)
        if found:
            who = found.groupdict().get("who") or found.group(0)
            return f"{convention.name}\0{who.casefold()}"
    return None


def strip_prefix(name: str) -> str:
    """``name`` without an LMS's prefix (the first that matches); ``name`` itself if none does."""
    found = match(name)
    return name[found[1] :] if found else name
