"""The one error of the class's sharing and summary: the class (its folder, its input) cannot be used."""

from __future__ import annotations

from casekit.errors import CasekitError

__all__ = ["ClassFolderError"]


class ClassFolderError(CasekitError):
    """The class folder is not set, does not exist, or cannot be read or written; the message names it.

    Every transport (:class:`casekit.classroom.transport.Transport`) raises it, with a catalog message, for
    a class it cannot reach; :func:`casekit.classroom.summarize` raises it for an input with nothing to read.
    """
