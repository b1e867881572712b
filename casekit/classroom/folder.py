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
import re
import shutil
import stat
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from casekit._files import atomic_write_text
from casekit._text import SLUG_PATTERN, slug
from casekit.classroom.errors import ClassFolderError
from casekit.classroom.intake import MAX_TOTAL_BYTES, Intake, Item
from casekit.classroom.snapshot import DEFAULT_ROUND, MAX_SHARE_BYTES
from casekit.classroom.transport import CLASS_ENV, Transport
from casekit.clock import now
from casekit.i18n import format_size, reason, t, ui_lang
from casekit.importer import MAX_IMPORT_BYTES

__all__ = [
    "DROPBOX_MODE",
    "MAX_ROUNDS_BYTES",
    "ROUNDS_FILE",
    "SHARE_NAME",
    "FolderTransport",
    "class_folder",
    "current_round",
    "folder_error",
    "init_class_folder",
    "open_round",
    "round_folder",
    "rounds",
]

ROUNDS_FILE = "rounds.json"
"""The class folder's record of its rounds."""
FILE_MODE = 0o644
"""Snapshots and ``rounds.json``: the instructor (and the class) must read what a learner wrote."""
DROPBOX_MODE = 0o3730
"""A class folder made by ``casekit class init``, and its round folders: the instructor reads and writes; the
course group may create files (``-wx``) but not list or read the folder; setgid keeps the course group on
what is created, sticky keeps each learner from removing or replacing another's file."""
MAX_ROUNDS_BYTES = 1024 * 1024
"""A ``rounds.json`` bigger than this is damaged (it is not read)."""
SHARE_NAME = re.compile(r"[0-9a-f]{16}\.json")
"""A snapshot's file name in a class folder: its own share id."""
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
            target = self.round_folder(doc["round"], lang=lang) / f"{doc['share_id']}.json"
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
        self.check_owner(lang)
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
            self.round_folder(round_id, lang=lang)
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            atomic_write_text(existing, text, mode=FILE_MODE)
        except OSError as exc:
            raise folder_error(self.path, exc, lang) from exc
        return round_id

    def collect(self, lang: str = "da") -> Intake:
        """Every file under the folder (any round's, and any other), but ``rounds.json``.

        A file not named ``<share id>.json`` or over :data:`~casekit.classroom.snapshot.MAX_SHARE_BYTES` is
        skipped unread (by its name, and its size from ``stat``), so no file can use up the read budget.

        Raises
        ------
        ClassFolderError
            The folder does not exist or cannot be read.
        """
        try:
            self.path.stat()
        except OSError as exc:
            why = reason(exc, lang)
            raise ClassFolderError(t("class.error.no_source", lang, path=self.path, reason=why)) from exc
        intake = DropBoxIntake(lang)
        intake.folder(self.path, ignore=(ROUNDS_FILE,))
        return intake

    def prepare(self, *, lang: str = "da") -> None:
        """Create the current round's folder (as the instructor); see :meth:`round_folder`."""
        lang = ui_lang(lang)
        try:
            self.round_folder(lang=lang)
        except OSError as exc:
            raise folder_error(self.path, exc, lang) from exc

    def round_folder(self, round_id: str | None = None, *, lang: str = "da") -> Path:
        """The sub-folder of a round (default: the current one), created if missing with the class folder's
        own permissions (group-writable, setgid and sticky on a shared course folder), whatever the umask.

        Only the class folder's owner (the instructor) creates a round's folder.

        Raises
        ------
        ClassFolderError
            The folder is missing and whoever runs this is not the class folder's owner.
        OSError
            It cannot be created.
        """
        sub = self.path / (round_id or self.current_round())
        if sub.is_dir():
            return sub
        self.check_owner(ui_lang(lang))
        try:
            sub.mkdir()
        except FileExistsError:
            return sub
        with contextlib.suppress(OSError):
            os.chmod(sub, self.path.stat().st_mode & 0o7777)
        return sub

    def check_owner(self, lang: str = "da") -> None:
        """Refuse (with :class:`ClassFolderError`) anyone but the class folder's owner: rounds are theirs.

        Where there are no Unix users (Windows), or the folder cannot be read, nothing is refused here.
        """
        geteuid = getattr(os, "geteuid", None)
        try:
            owner = self.path.stat().st_uid
        except OSError:
            return  # the write that follows says what is wrong with the folder
        if geteuid is not None and geteuid() != owner:
            raise ClassFolderError(t("class.error.not_owner", ui_lang(lang), folder=self.path))

    def init(self, group: str | None = None, *, lang: str = "da") -> None:
        """Make the folder a drop box the instructor owns (see :func:`init_class_folder`)."""
        lang = ui_lang(lang)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise folder_error(self.path, exc, lang) from exc
        self.check_owner(lang)
        if group:
            try:
                shutil.chown(self.path, group=group)
            except LookupError as exc:
                raise ClassFolderError(t("class.error.no_group", lang, group=group)) from exc
            except OSError as exc:
                raise folder_error(self.path, exc, lang) from exc
        try:
            os.chmod(self.path, DROPBOX_MODE)
            rounds_file = self.path / ROUNDS_FILE
            if not rounds_file.exists():
                text = json.dumps({"current": DEFAULT_ROUND, "rounds": []}, indent=2) + "\n"
                atomic_write_text(rounds_file, text, mode=FILE_MODE)
            self.round_folder(lang=lang)
        except OSError as exc:
            raise folder_error(self.path, exc, lang) from exc

    def _read_rounds(self) -> dict[str, Any] | None:
        """``rounds.json`` as data, or ``None`` if there is none or it is not a rounds file."""
        try:
            data = json.loads(_read_small(self.path / ROUNDS_FILE, MAX_ROUNDS_BYTES).decode("utf-8"))
        except (OSError, ValueError, RecursionError):  # missing, a FIFO, too big, not JSON, nested too deep
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


class DropBoxIntake(Intake):
    """The intake of a class folder, where anyone in the course may drop any file.

    The read budget goes to the smallest files first, so big files only push out other big files; a file
    named like a snapshot (``<share id>.json``) over :data:`~casekit.classroom.snapshot.MAX_SHARE_BYTES` is
    skipped by its size from ``stat``, never read; each item keeps its file name (:attr:`Item.name`), which
    must be the share id of a snapshot in it (checked by the summary).
    """

    reading: str | None = None
    """The name of the file being read (:meth:`add` follows its read)."""

    def folder(self, root: Path, *, ignore: Collection[str] = ()) -> None:
        found: list[tuple[list[str], Any]] = []
        self._walk(root, [], found, 0, ignore)
        sizes = sorted((h[1].st_size, n) for n, (_, h) in enumerate(found) if not isinstance(h, str))
        left, over = self.left, set()
        for size, n in sizes:
            if size <= MAX_IMPORT_BYTES and size > left:
                over.add(n)
            elif size <= MAX_IMPORT_BYTES:
                left -= size
        budget = t("class.skip.total_limit", self.lang, limit=MAX_TOTAL_BYTES // (1024 * 1024))
        for n, (parts, handle) in enumerate(found):
            if isinstance(handle, str):
                continue
            size = handle[1].st_size
            if SHARE_NAME.fullmatch(parts[-1]) and size > MAX_SHARE_BYTES:
                mb = format_size(size, self.lang, "MB"), format_size(MAX_SHARE_BYTES, self.lang, "MB")
                found[n] = (parts, t("class.skip.too_big", self.lang, size=mb[0], limit=mb[1]))
            elif n in over:
                found[n] = (parts, budget)
        self._container(found, self._read_path, 1, None, "", [], student_folders=False)

    def _read_path(self, source: tuple[Path, os.stat_result], limit: int) -> bytes | str:
        self.reading = source[0].name
        return super()._read_path(source, limit)

    def add(self, shown: str, owner: str | None, data: bytes) -> None:
        """Keep a file's bytes with its file name (:attr:`Item.name`)."""
        self.items.append(Item(self.label(shown), owner, data, name=self.reading))


def _read_small(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` (never blocking on a FIFO); ``ValueError`` if bigger."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            raise ValueError(path)
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(path)
    return data


def init_class_folder(folder: str | os.PathLike[str], group: str | None = None, *, lang: str = "da") -> Path:
    """Make ``folder`` a class folder the instructor owns: a drop box for the course group.

    The folder (created if missing) gets mode :data:`DROPBOX_MODE` (``rwx-wx--T`` with setgid: the group
    may create files but not list or read the folder), a ``rounds.json`` and the default round's folder,
    with the same mode. Run it as the instructor; only the folder's owner opens rounds.

    Parameters
    ----------
    folder : path-like
        The class folder.
    group : str, optional
        The course group to give the folder; by default its group is left as it is.
    lang : str
        The language of an error message.

    Returns
    -------
    Path
        The class folder.

    Raises
    ------
    ClassFolderError
        The folder cannot be created or changed, belongs to someone else, or the group does not exist.
    """
    transport = FolderTransport(folder)
    transport.init(group, lang=lang)
    return transport.path


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
