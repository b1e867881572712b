"""Which transport serves a class (``CASEKIT_CLASS`` or a target given), and sharing through it.

A target is a :class:`~casekit.classroom.transport.Transport` (used as it is), a path (the class folder:
:class:`~casekit.classroom.folder.FolderTransport`), or a string. A string of the form ``<scheme>`` or
``<scheme>:<rest>`` whose scheme is in :data:`TRANSPORTS` is that transport; every other string is a path,
as before transports existed (also ``C:\\kurser\\holdet`` and a folder named ``noter:2025``).

**Extension point.** :data:`TRANSPORTS` maps a scheme to a function ``(rest, lang) -> Transport``. The
JupyterHub service is there as ``"hub"`` (:class:`~casekit.classroom.hub.HubTransport`):
``CASEKIT_CLASS=hub`` for the service ``casekit-class``, ``hub:<service>`` for a service of another name. A
scheme reserved for a transport still to come goes in :data:`PLANNED_SCHEMES` (none now): such a value is
refused with a :class:`~casekit.classroom.errors.ClassFolderError` that says so, rather than read as a
folder of that name (which would silently change meaning when the transport arrives). A folder really named
``hub`` is reachable as ``./hub`` or by its full path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.classroom.errors import ClassFolderError
from casekit.classroom.folder import FolderTransport
from casekit.classroom.hub import HubTransport
from casekit.classroom.snapshot import snapshot
from casekit.classroom.transport import CLASS_ENV, Transport
from casekit.i18n import t, ui_lang

if TYPE_CHECKING:
    from casekit.answers import AnswerStore
    from casekit.case import Case

__all__ = ["PLANNED_SCHEMES", "TRANSPORTS", "class_transport", "share", "share_snapshot"]


def _hub(rest: str, _lang: str) -> Transport:
    return HubTransport(rest.strip() or None)


TRANSPORTS: Mapping[str, Callable[[str, str], Transport]] = {"hub": _hub}
"""Scheme → a function of the rest of the target (``""`` for none) and the language, giving the transport."""
PLANNED_SCHEMES: frozenset[str] = frozenset()
"""Schemes reserved for transports still to come: refused with a message, never read as a folder's name."""

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)(?::(.*))?", re.DOTALL)
"""``scheme`` or ``scheme:rest``; at least two letters, so that ``C:\\x`` stays a path."""


def class_transport(
    target: Transport | str | os.PathLike[str] | None = None, *, lang: str | None = None
) -> Transport:
    """The transport of the class named by ``target``, else by ``$CASEKIT_CLASS``.

    Parameters
    ----------
    target : Transport, path-like or str, optional
        A transport (returned as it is), a path (a folder), or a string (see the module docstring). Blank
        or ``None``: the value of ``CASEKIT_CLASS``.
    lang : str, optional
        The language of an error message.

    Raises
    ------
    ClassFolderError
        No class is named (no target, ``CASEKIT_CLASS`` unset or blank), or it names a transport this
        casekit does not have yet.
    """
    if isinstance(target, Transport):
        return target
    lang = ui_lang(lang)
    if isinstance(target, os.PathLike) and str(target).strip():
        return FolderTransport(Path(target).expanduser())
    value = str(target).strip() if target is not None else ""
    value = value or os.environ.get(CLASS_ENV, "").strip()
    if not value:
        raise ClassFolderError(t("class.error.no_folder", lang, env=CLASS_ENV))
    found = _SCHEME.fullmatch(value)
    if found is not None:
        scheme, rest = found.group(1).lower(), found.group(2) or ""
        if scheme in TRANSPORTS:
            return TRANSPORTS[scheme](rest, lang)
        if scheme in PLANNED_SCHEMES:
            raise ClassFolderError(t("class.error.no_transport", lang, value=value, env=CLASS_ENV))
    return FolderTransport(Path(value).expanduser())


def share(
    store: AnswerStore,
    folder: Transport | str | os.PathLike[str] | None = None,
    text_keys: Sequence[str] = (),
    *,
    case: Case | None = None,
) -> Path:
    """Share the learner's snapshot with the class: write (or replace) ``<folder>/<round>/<share_id>.json``.

    Parameters
    ----------
    store : AnswerStore
        The learner's answers.
    folder : path-like, str or Transport, optional
        The class folder (or transport, :func:`class_transport`); default ``$CASEKIT_CLASS``.
    text_keys : Sequence[str]
        The text answers the learner ticked to share (see :func:`~casekit.classroom.snapshot.snapshot`).
    case : Case, optional
        The case; loaded from the store if not given.

    Returns
    -------
    Path
        The file written (the transport's receipt). Sharing again replaces only this file (atomically).

    Raises
    ------
    ClassFolderError
        No class folder (none given, ``CASEKIT_CLASS`` unset), it cannot be written, or there is nothing
        to share (see :func:`share_snapshot`).
    """
    return share_snapshot(snapshot(store, text_keys, case=case), folder, lang=store.lang)


def share_snapshot(
    document: Mapping[str, Any],
    folder: Transport | str | os.PathLike[str] | None = None,
    *,
    lang: str | None = None,
) -> Path:
    """Share a snapshot already made (:func:`~casekit.classroom.snapshot.snapshot`): the one a learner
    was shown is the one written.

    A snapshot with no answers is not written: an empty share would count as shared and replace the
    learner's earlier share of the round with nothing. It is refused with a :class:`ClassFolderError`
    that says so, and nothing in the class folder changes.

    Parameters
    ----------
    document : Mapping
        The snapshot.
    folder : path-like, str or Transport, optional
        The class (:func:`class_transport`); default ``$CASEKIT_CLASS``.
    lang : str, optional
        The language of an error message.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ClassFolderError
        Nothing to share, no class folder, or it cannot be written.
    """
    lang = ui_lang(lang)
    if not document.get("answers"):
        raise ClassFolderError(t("class.error.nothing_to_share", lang))
    chosen = class_transport(folder, lang=lang)
    return Path(chosen.share(document, lang=lang))
