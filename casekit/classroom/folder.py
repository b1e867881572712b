"""The class folder: the default transport, on a folder every learner in the course can write to.

A learner clicks "Del med holdet" and the snapshot is written (or replaced) as
``<folder>/<round id>/<share_id>.json``. Rounds (vote, discuss, vote again) are kept in
``<folder>/rounds.json`` (``{"current": id, "rounds": [{"id", "name", "opened_at"}]}``); before any round is
opened the class shares into ``<folder>/1/``. Every file is written atomically, readable by the class
(``0644``), and a round's folder gets the class folder's own permissions (group-writable, setgid and
sticky on a shared course folder), whatever the umask.

The module functions (:func:`rounds`, :func:`current_round`, :func:`open_round`, :func:`round_folder`) are
the :class:`FolderTransport` methods for a folder given by path.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from casekit._files import atomic_write_text
from casekit._text import SLUG_PATTERN, slug
from casekit.classroom.errors import ClassFolderError
from casekit.classroom.intake import Intake, collect
from casekit.classroom.snapshot import DEFAULT_ROUND
from casekit.classroom.transport import CLASS_ENV, Transport
from casekit.clock import now
from casekit.i18n import reason, t, ui_lang

__all__ = [
    "ROUNDS_FILE",
    "FolderTransport",
    "class_folder",
    "current_round",
    "folder_error",
    "open_round",
    "round_folder",
    "rounds",
]

ROUNDS_FILE = "rounds.json"
"""The class folder's record of its rounds."""
FILE_MODE = 0o644
"""Snapshots and ``rounds.json``: the instructor (and the class) must read what a learner wrote."""
_ROUND_FALLBACK = "runde"
"""A round's id when its name has nothing file-safe in it (``"!!!"``)."""


def class_folder(folder: str | os.PathLike[str] | None = None) -> Path | None:
    """The class folder: ``folder`` if given, else ``$CASEKIT_CLASS`` if set, else ``None``."""
    if folder is not None and str(folder).strip():
        return Path(folder).expanduser()
    value = os.environ.get(CLASS_ENV, "").strip()
    return Path(value).expanduser() if value else None


def folder_error(folder: Path, exc: BaseException, lang: str) -> ClassFolderError:
    """The class folder cannot be written: the error that names it and says why, in ``lang``."""
    return ClassFolderError(t("class.error.cannot_write", lang, folder=folder, reason=reason(exc, lang)))


class FolderTransport(Transport):
    """The class shared through a folder (see the module docstring for its layout).

    Parameters
    ----------
    folder : path-like
        The class folder. It must exist to share into it or open a round; nothing is created above it.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.path = Path(folder)

    @property
    def location(self) -> str:
        return str(self.path)

    def share(self, document: Mapping[str, Any], *, lang: str = "da") -> str:
        """Write ``<folder>/<current round>/<share_id>.json``; the receipt is the file's path."""
        return str(self.share_file(document, lang=lang))

    def share_file(self, document: Mapping[str, Any], *, lang: str = "da") -> Path:
        """:meth:`share`, returning the file written as a :class:`~pathlib.Path`."""
        lang = ui_lang(lang)
        if not self.path.is_dir():
            exc = NotADirectoryError(20, "") if self.path.exists() else FileNotFoundError(2, "")
            raise folder_error(self.path, exc, lang)
        doc = {**document, "round": self.current_round()}
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        try:
            target = self.round_folder(doc["round"]) / f"{doc['share_id']}.json"
            return atomic_write_text(target, text, mode=FILE_MODE)
        except OSError as exc:
            raise folder_error(self.path, exc, lang) from exc

    def rounds(self) -> list[dict[str, Any]]:
        data = self._read_rounds()
        return [dict(r) for r in data["rounds"]] if data else []

    def current_round(self) -> str:
        data = self._read_rounds()
        return data["current"] if data else DEFAULT_ROUND

    def open_round(self, name: str, *, lang: str = "da") -> str:
        """Add the round to ``rounds.json`` (atomically) and create its folder; a damaged file is refused."""
        lang = ui_lang(lang)
        existing = self.path / ROUNDS_FILE
        data = self._read_rounds()
        if data is None and existing.exists():
            raise ClassFolderError(t("class.error.rounds_damaged", lang, path=existing))
        data = data or {"current": DEFAULT_ROUND, "rounds": []}
        taken = {r["id"] for r in data["rounds"]} | {DEFAULT_ROUND}
        base = slug(str(name), limit=40) or _ROUND_FALLBACK
        round_id, n = base, 2
        while round_id in taken:
            round_id, n = f"{base}-{n}", n + 1
        shown = " ".join(str(name).split()) or round_id
        data["rounds"].append({"id": round_id, "name": shown, "opened_at": now()})
        data["current"] = round_id
        try:
            self.round_folder(round_id)
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            atomic_write_text(existing, text, mode=FILE_MODE)
        except OSError as exc:
            raise folder_error(self.path, exc, lang) from exc
        return round_id

    def collect(self, lang: str = "da") -> Intake:
        """Every file under the folder (any round's, and any other), but ``rounds.json``."""
        return collect(self.path, lang, ignore=(ROUNDS_FILE,))

    def prepare(self, *, lang: str = "da") -> None:
        """Create the current round's folder (as the instructor); see :meth:`round_folder`."""
        try:
            self.round_folder()
        except OSError as exc:
            raise folder_error(self.path, exc, ui_lang(lang)) from exc

    def round_folder(self, round_id: str | None = None) -> Path:
        """The sub-folder of a round (default: the current one), created if missing with the class folder's
        own permissions (group-writable, setgid and sticky on a shared course folder), whatever the umask.

        Raises ``OSError`` if it cannot be created.
        """
        sub = self.path / (round_id or self.current_round())
        try:
            sub.mkdir()
        except FileExistsError:
            return sub
        with contextlib.suppress(OSError):
            os.chmod(sub, self.path.stat().st_mode & 0o7777)
        return sub

    def _read_rounds(self) -> dict[str, Any] | None:
        """``rounds.json`` as data, or ``None`` if there is none or it is not a rounds file."""
        try:
            data = json.loads((self.path / ROUNDS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("rounds"), list):
            return None
        good = [
            r
            for r in data["rounds"]
            if isinstance(r, dict) and isinstance(r.get("id"), str) and SLUG_PATTERN.fullmatch(r["id"])
        ]
        current = data.get("current")
        if not isinstance(current, str) or current not in {r["id"] for r in good}:
            current = good[-1]["id"] if good else DEFAULT_ROUND
        return {"current": current, "rounds": good}


def rounds(folder: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The rounds opened in the class folder, oldest first: ``[{"id", "name", "opened_at"}]``."""
    return FolderTransport(folder).rounds()


def current_round(folder: str | os.PathLike[str]) -> str:
    """The id of the round learners share into now; ``"1"`` when no round was opened."""
    return FolderTransport(folder).current_round()


def open_round(folder: str | os.PathLike[str], name: str, *, lang: str = "da") -> str:
    """Open a new round (vote, discuss, vote again) in the class folder; it becomes the current round.

    Parameters
    ----------
    folder : path-like
        The class folder (it must exist).
    name : str
        The round's name, shown in the report; its id is a file-safe slug of it, made unique.
    lang : str
        The language of an error message.

    Returns
    -------
    str
        The new round's id (the name of its sub-folder).

    Raises
    ------
    ClassFolderError
        The folder cannot be written, or its ``rounds.json`` is damaged (it is left as it is).
    """
    return FolderTransport(folder).open_round(name, lang=lang)


def round_folder(folder: str | os.PathLike[str], round_id: str | None = None) -> Path:
    """The sub-folder of a round (default: the current one), created if missing with the class folder's
    own permissions (group-writable, setgid and sticky on a shared course folder), whatever the umask.

    The instructor's view and :func:`open_round` create it, so that on a shared folder with the sticky bit
    the round folders belong to the instructor and no learner can remove another's snapshot.
    """
    return FolderTransport(folder).round_folder(round_id)
