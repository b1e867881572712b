"""casekit: interactive teaching cases for Jupyter.

>>> import casekit
>>> case = casekit.load_case("samskabelse", lang="da")
>>> case.part(1).heading
'Case del 1: Planlægning af samskabelse'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casekit.case import Actor, Block, Case, Question, QuestionGroup, Reference, Relation, Section
from casekit.errors import (
    AnswerImportError,
    AnswerStoreBusyError,
    AnswerStoreError,
    AnswerTooBigError,
    CaseDataError,
    CasekitError,
    CaseNotFoundError,
    ChartDataError,
    Problem,
    UnknownIdError,
)
from casekit.loader import list_cases, load_case, load_case_dir, validate

if TYPE_CHECKING:
    from casekit.answers import AnswerStore, Revision
    from casekit.figure import ExportFigure

# Imported on first use: loading and reading a case (what every notebook's first cell does) needs neither
# the answer store (SQLite, the export) nor the hand-in's figure type.
_LAZY = {"AnswerStore": "casekit.answers", "Revision": "casekit.answers", "ExportFigure": "casekit.figure"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'casekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
    "Actor",
    "AnswerImportError",
    "AnswerStore",
    "AnswerStoreBusyError",
    "AnswerStoreError",
    "AnswerTooBigError",
    "Block",
    "Case",
    "CaseDataError",
    "CaseNotFoundError",
    "CasekitError",
    "ChartDataError",
    "ExportFigure",
    "Problem",
    "Question",
    "QuestionGroup",
    "Reference",
    "Relation",
    "Revision",
    "Section",
    "UnknownIdError",
    "__version__",
    "list_cases",
    "load_case",
    "load_case_dir",
    "validate",
]
