"""casekit: interactive teaching cases for Jupyter.

>>> import casekit
>>> case = casekit.load_case("samskabelse", lang="da")
>>> case.part(1).heading
'Case del 1: Planlægning af samskabelse'
"""

from __future__ import annotations

from casekit.answers import AnswerStore, Revision
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
from casekit.figure import ExportFigure
from casekit.loader import list_cases, load_case, load_case_dir, validate

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
