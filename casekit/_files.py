"""Writing a file so that a crash never leaves half of it, and keeping a learner's files private.

A hidden temporary file in the target's folder, written and flushed to disk, then renamed over the target
(an atomic replace on every system casekit runs on), then the folder itself flushed so that the rename
survives a power cut where the system allows it. The text is written as valid UTF-8 whatever it holds.

A learner's files (the answer store and everything beside it) are private to their account:
:data:`PRIVATE_FILE` and :data:`PRIVATE_FOLDER` less what the umask takes away; :func:`make_private` takes
the group's and others' rights from an existing one, never adding any.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from pathlib import Path

from casekit._text import utf8_safe

__all__ = [
    "PRIVATE_FILE",
    "PRIVATE_FOLDER",
    "atomic_write_text",
    "create_private",
    "current_umask",
    "fsync_folder",
    "make_private",
    "ordinary_mode",
    "private_folder",
]

PRIVATE_FILE = 0o600
"""The mode of a file only its owner may read and write (less what the umask takes away)."""
PRIVATE_FOLDER = 0o700
"""The mode of a folder only its owner may open (less what the umask takes away)."""

_UMASK_LOCK = threading.Lock()
_STATUS = Path("/proc") / "self" / "status"  # Linux's report on this process: its umask among others


def atomic_write_text(path: str | os.PathLike[str], text: str, *, mode: int | None = None) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically; returns the path written.

    Lone UTF-16 surrogates (an undecodable file name, ``"\\ud800"`` read from JSON) are written as U+FFFD,
    so the file is always valid UTF-8. ``mode`` sets the file's permissions exactly before it takes the
    target's place (a class folder's ``0644``); without it the file is private: :data:`PRIVATE_FILE` less
    what the umask takes away. The folder must exist. On failure the temporary file is removed and the
    target is as it was.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # no folder, no right to write there: name the file asked for, not a temporary one
        exc.filename, exc.filename2 = os.fspath(target), None
        raise
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(utf8_safe(text))
            fh.flush()
            os.fchmod(fh.fileno(), PRIVATE_FILE & ~current_umask() if mode is None else mode)
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError) and exc.filename in (temp, None):  # name the file asked for
            exc.filename, exc.filename2 = os.fspath(target), None
        raise
    fsync_folder(folder)
    return target


def current_umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux), else set and put
    back at once under a lock."""
    with contextlib.suppress(OSError, ValueError), _STATUS.open(encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def ordinary_mode() -> int:
    """The mode ``open()`` gives a new file (``0666`` less the umask): for a document the user names and
    shares (a handout, role cards, the class report), never for a learner's answers."""
    return 0o666 & ~current_umask()


def make_private(path: str | os.PathLike[str]) -> None:
    """Take the group's and others' rights from the file or folder at ``path`` if its owner is this user.

    Never adds a right (a file the umask or the user made stricter stays so) and never follows a symbolic
    link; quietly nothing where it is missing or the system does not allow it (another user's file, a file
    system without permissions).
    """
    with contextlib.suppress(OSError, NotImplementedError):
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode) or st.st_uid != os.geteuid() or not st.st_mode & 0o077:
            return
        os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)


def create_private(path: str | os.PathLike[str]) -> None:
    """Create an empty file at ``path`` (:data:`PRIVATE_FILE` less the umask) unless there is one; make an
    existing one private (:func:`make_private`).

    So that a program that creates its files with wider rights (SQLite: ``0644``, and its ``-wal``,
    ``-shm`` and ``-journal`` with the main file's) finds a private file in place.

    Raises
    ------
    OSError
        The file cannot be created (a read-only folder, a folder in its place).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    except FileExistsError:
        make_private(path)
        return
    os.close(fd)


def private_folder(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` (and missing parents) if need be; the folder itself :data:`PRIVATE_FOLDER` less
    the umask. An existing folder is left as it is (see :func:`make_private` to tighten it).

    Raises
    ------
    OSError
        It cannot be created.
    """
    target = Path(folder)
    if not target.is_dir():  # parents get the system's default mode, the folder itself the private one
        target.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    return target


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (a rename, a new file) to disk; quietly nothing where that is not allowed."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
