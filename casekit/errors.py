"""Exceptions raised by casekit.

Every error a user or a data editor can cause is a :class:`CasekitError`. Messages say what was wrong,
where (file, field, line) and, where it helps, what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AnswerImportError",
    "AnswerStoreBusyError",
    "AnswerStoreError",
    "AnswerTooBigError",
    "CaseDataError",
    "CaseNotFoundError",
    "CasekitError",
    "ChartDataError",
    "Problem",
    "UnknownIdError",
]


class CasekitError(Exception):
    """Base class of every error casekit raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a case folder: the file, the field (a dotted path) and the line, where known."""

    file: str
    message: str
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}"


class CaseDataError(CasekitError):
    """A case folder is broken: missing files, bad YAML, unknown ids, duplicates.

    ``problems`` lists every problem found, so an editor can fix them all in one go.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        lines = [str(p) for p in self.problems]
        head = (
            f"{len(lines)} problem(s) in the case data:" if len(lines) != 1 else "Problem in the case data:"
        )
        super().__init__("\n".join([head, *("  " + line for line in lines)]))


class CaseNotFoundError(CasekitError):
    """No case with that id, or the case has no edition in that language."""


class AnswerStoreError(CasekitError):
    """The answer store cannot be opened or written."""


class AnswerStoreBusyError(AnswerStoreError):
    """Another process held the answer store's write lock for longer than the caller would wait.

    Nothing was written; the same save may simply be tried again (see :class:`casekit.answers.SaveQueue`).
    """


class AnswerTooBigError(AnswerStoreError):
    """An answer is larger than one answer may be, or the store would hold more different answers than it
    may; the message names the key, the size and the limit. Nothing was written."""


class AnswerImportError(CasekitError):
    """A file offered for import is not a casekit answer export this store can take.

    ``key`` is the catalog key of the message (``"import.error.not_json"``…) where the importer set it,
    for a caller that words the refusal its own way (the browser's copy is no file); else ``""``.
    """

    key: str = ""


class UnknownIdError(CasekitError, KeyError):
    """A look-up by id found nothing: ``case.actor("nobody")``, ``case.part(3)``.

    Also a :class:`KeyError`, as a mapping's look-up would raise; the message names the id and what exists.
    """

    def __str__(self) -> str:  # KeyError would put the message in quotes
        return str(self.args[0]) if self.args else ""


class ChartDataError(CasekitError, ValueError):
    """A chart was given data it cannot draw: an unknown actor, a value off the scale, a wrong shape.

    Also a :class:`ValueError`; the message names the chart, the item and the value.
    """
