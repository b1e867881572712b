"""Read an exported JSON answer file back: check all of it, then hand its revisions to the store.

The code lives in :mod:`casekit.answers.document` (the export document, both ways); this module keeps
its public names where they have always been imported from.
"""

from __future__ import annotations

from casekit.answers.document import (
    IMPORT_SUFFIXES,
    MAX_DEPTH,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_REVISIONS,
    AnswerExport,
    depth,
    parse_import,
    read_import_file,
    too_big,
)

__all__ = [
    "IMPORT_SUFFIXES",
    "MAX_DEPTH",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_REVISIONS",
    "AnswerExport",
    "depth",
    "parse_import",
    "read_import_file",
    "too_big",
]
