"""The answer store: every answer a learner gives, kept as append-only revisions in one SQLite file.

>>> from casekit.answers import AnswerStore
>>> store = AnswerStore.open(case_id="samskabelse")          # doctest: +SKIP
>>> store.save("organisering-1", "Mit svar")                   # doctest: +SKIP
>>> store.get("organisering-1")                                # doctest: +SKIP
'Mit svar'

Design
------
* **Append-only.** A save inserts a row; nothing is updated or deleted (triggers refuse it). The latest
  revision of a key (newest ``saved_at``, ties broken by the higher revision number) is the answer.
* **Any thread may save.** Widget callbacks run on kernel subshell threads, not on the thread that opened
  the store, so the store holds one connection opened with ``check_same_thread=False`` and serialises its
  use with a lock. After a ``fork`` the child opens its own connection.
* **Several processes may save** (two notebooks open at once): WAL mode, a busy timeout, ``BEGIN
  IMMEDIATE`` for every write and a short retry loop on top.
* **Network and FUSE folders** (NFS, SMB, sshfs…, see :func:`network_filesystem`) get a rollback journal
  (``journal_mode=DELETE``) instead of WAL, which needs memory shared between processes on one host;
  ``$CASEKIT_JOURNAL`` (``wal``, ``delete``, ``auto``) overrides the detection.
  :attr:`AnswerStore.journal_mode` says which the store uses; the guarantees below hold in both.
* **Durable.** ``synchronous=EXTRA``: once :meth:`AnswerStore.save` returns, the revision is on disk, so a
  killed kernel (or a power cut) loses nothing. In WAL mode every save ends with a checkpoint, so the
  ``.sqlite`` file on its own (copied, synced, downloaded without its ``-wal``) holds every answer; with a
  rollback journal the ``.sqlite`` always does.
* **Damage is survived, never destroyed.** A file that is not a readable SQLite database is renamed to
  ``<name>.corrupt-<UTC time>.sqlite`` (with its ``-wal``/``-shm``/``-journal``), a fresh store starts, and
  :attr:`AnswerStore.recovered_from` says where the old file went. An empty or missing main file beside a
  ``-wal`` or ``-journal`` is damage too: both are moved aside and what the companion holds is put back into
  the new store.
* **A deleted store is put back.** If the file is deleted while a notebook runs, the next save writes
  everything the open connection still reads back to the path (or merges it into a store another notebook
  started there meanwhile) before saving.
* **Bounded.** One answer is at most :data:`MAX_ANSWER_BYTES` of JSON, a store holds at most
  :data:`MAX_KEYS` different answers (:class:`~casekit.errors.AnswerTooBigError`).
* **Never stuck.** ``save(..., wait=s)`` waits at most ``s`` seconds for another process's lock
  (:class:`~casekit.errors.AnswerStoreBusyError`); :class:`SaveQueue` keeps saving in the background.

The file format (tables ``meta`` and ``revisions``) and the export format are described in
``docs/answers-format.md``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.clock import MAX_AHEAD, later, normalise_time, now, parse_time
from casekit.errors import AnswerStoreBusyError, AnswerStoreError, AnswerTooBigError
from casekit.i18n import DEFAULT_LANG, LANGUAGES, t
from casekit.i18n import reason as _reason
from casekit.i18n import ui_lang as _ui

if TYPE_CHECKING:
    from casekit.case import Case
    from casekit.figure import ExportFigure

__all__ = [
    "ANSWERS_ENV",
    "JOURNAL_ENV",
    "MAX_ANSWER_BYTES",
    "MAX_KEYS",
    "AnswerStore",
    "ImportResult",
    "Revision",
    "SaveQueue",
    "default_answers_dir",
    "is_store_file",
    "network_filesystem",
    "normalise_time",
    "store_file_name",
    "to_json",
    "validate_key",
]

log = logging.getLogger(__name__)

ANSWERS_ENV = "CASEKIT_ANSWERS"
JOURNAL_ENV = "CASEKIT_JOURNAL"
"""``wal``, ``delete`` or ``auto`` (the default: ``delete`` on a network or FUSE folder, else ``wal``)."""
STORE_FORMAT = "casekit-answer-store"
STORE_SCHEMA = 1
SUFFIX = ".sqlite"
KEY_PATTERN = re.compile(r"^[a-z0-9._-]+$")
SOURCE_LOCAL = "local"
SOURCE_IMPORT = "import"

MAX_ANSWER_BYTES = 64 * 1024
"""The largest answer one save may store: the UTF-8 bytes of its JSON text (64 KiB, some 30 pages of text)."""
MAX_KEYS = 64
"""The most different answers (keys) one store may hold; the case asks for about twenty."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_STORE_SUFFIXES = (SUFFIX, ".db", ".sqlite3")
_COMPANIONS = ("-wal", "-shm", "-journal")
_BUSY_TIMEOUT_S = 15.0
_RETRIES = 5
_WAL_MAGIC = (0x377F0682, 0x377F0683)
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
_WAL, _DELETE = "wal", "delete"
# How long opening tries to switch a file's journal mode before it keeps the one it has (another notebook
# holding the store open in WAL mode blocks the switch for as long as it is open).
_SWITCH_WAIT_S = 0.5
# SQLITE_READONLY_ROLLBACK: a hot -journal a read-only connection cannot roll back.
_SQLITE_READONLY_ROLLBACK = 776
# Filesystems where WAL's shared memory cannot be trusted: network, cluster, FUSE and VM shared folders.
_NETWORK_FS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smb2", "smbfs", "ncpfs", "afs", "openafs", "coda", "ceph",
        "glusterfs", "lustre", "gpfs", "beegfs", "orangefs", "pvfs2", "gfs2", "ocfs2", "panfs", "wekafs",
        "9p", "davfs", "virtiofs", "vboxsf", "vmhgfs", "prl_fs", "sshfs", "s3fs",
    }
)  # fmt: skip
_MOUNTINFO = os.path.join("/proc", "self", "mountinfo")
_SURROGATE = re.compile("[\ud800-\udfff]")
# SQLite result codes that mean "this file is damaged", as opposed to locked, read-only or missing.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SQLITE_IOERR = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    revision     INTEGER PRIMARY KEY AUTOINCREMENT,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    case_version TEXT NOT NULL,
    lang         TEXT NOT NULL,
    source       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS revisions_by_key ON revisions (key, saved_at, revision);
CREATE TRIGGER IF NOT EXISTS revisions_no_update BEFORE UPDATE ON revisions
    BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER IF NOT EXISTS revisions_no_delete BEFORE DELETE ON revisions
    BEGIN SELECT RAISE(ABORT, 'append-only'); END;
"""

_COLUMNS = "revision, key, value, saved_at, case_version, lang, source"


@dataclass(frozen=True)
class Revision:
    """One saved version of one answer.

    Attributes
    ----------
    key : str
        The activity or question id, e.g. ``organisering-1``.
    value : Any
        The answer as JSON data (text, number, list, mapping…).
    saved_at : str
        When it was saved, UTC ISO 8601 with microseconds (``2025-03-01T09:15:02.123456+00:00``).
    revision : int
        The store's running number (unique within one store file); ``0`` for a revision read from an
        export file and not yet stored.
    case_version, lang : str
        The case edition the answer was given to.
    source : str
        ``"local"`` (typed here) or ``"import"`` (merged from an export file).
    replaced : int
        How many characters of the value as given could not be stored (lone UTF-16 surrogates, e.g. half
        of a pasted emoji) and were saved as U+FFFD ``�``; ``0`` normally. Tell the learner if not ``0``.
    """

    key: str
    value: Any
    saved_at: str
    revision: int
    case_version: str
    lang: str
    source: str = SOURCE_LOCAL
    replaced: int = 0


@dataclass(frozen=True)
class ImportResult:
    """What an import did: how many revisions were new, how many the store already had, which keys."""

    added: int
    already_present: int
    keys: tuple[str, ...]


# -- where stores live ---------------------------------------------------------------------------------------
def default_answers_dir(cwd: str | os.PathLike[str] | None = None) -> Path:
    """The folder answers go to when no path is given.

    ``$CASEKIT_ANSWERS`` if set; otherwise ``notebooks/answers`` when the current folder has a
    ``notebooks/`` sub-folder (a terminal at the top of the repository), else ``./answers`` (a kernel's
    current folder is the notebook's folder, so answers land beside the notebooks either way). The
    notebooks of another language (``notebooks/en/``) share the Danish notebooks' folder: the editions
    have the same ids, so a learner who switches language keeps every answer.
    """
    override = os.environ.get(ANSWERS_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    base = Path(cwd) if cwd is not None else Path.cwd()
    if (base / "notebooks").is_dir():
        return base / "notebooks" / "answers"
    if base.name in LANGUAGES and (base.parent / "00_start.ipynb").is_file():
        return base.parent / "answers"
    return base / "answers"


def store_file_name(case_id: str, learner: str | None = None) -> str:
    """``<case_id>.sqlite``, or ``<case_id>-<learner>.sqlite`` with the learner's name made file-safe."""
    if learner is None:
        return f"{case_id}{SUFFIX}"
    return f"{case_id}-{_slug(learner)}{SUFFIX}"


def validate_key(key: object, lang: str = DEFAULT_LANG) -> str:
    """Return ``key`` if it is a valid answer key (non-empty, ``[a-z0-9._-]``), else raise.

    Raises
    ------
    AnswerStoreError
        With a message in ``lang`` naming the key.
    """
    if isinstance(key, str) and KEY_PATTERN.fullmatch(key):
        return key
    raise AnswerStoreError(t("answers.error.key_invalid", _ui(lang), key=repr(key)))


def is_store_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an existing SQLite database, or the ``-wal``/``-shm``/``-journal`` file of one.

    Used to refuse writing anything else (an export, say) onto an answer store.
    """
    target = Path(path)
    for companion in _COMPANIONS:
        base = target.name[: -len(companion)]
        ours = target.name.endswith(companion) and base and target.exists()
        if ours and _is_sqlite_file(target.with_name(base)):
            return True
    return _is_sqlite_file(target)


def _is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:  # missing, a folder, unreadable
        return False


# -- network and FUSE folders -------------------------------------------------------------------------------
def network_filesystem(path: str | os.PathLike[str], mountinfo: str | None = None) -> str | None:
    """The filesystem type of ``path``'s folder if it is a network, cluster or FUSE filesystem, else ``None``.

    SQLite's WAL mode needs memory shared between the processes that use a file, which such filesystems
    (``nfs4`` home folders on a JupyterHub, ``cifs``, ``fuse.sshfs``…) do not give; the store keeps a
    rollback journal there. Linux only: the mount whose mount point is the longest prefix of the resolved
    path, from ``/proc/self/mountinfo`` (or the text ``mountinfo``); where that cannot be read (macOS,
    Windows, no ``/proc``) the folder counts as local.
    """
    if mountinfo is None:
        try:
            with open(_MOUNTINFO, encoding="utf-8", errors="surrogateescape") as fh:
                mountinfo = fh.read()
        except OSError:
            return None
    resolved = os.path.realpath(os.fspath(path))
    best, fstype = -1, ""
    for point, kind in _parse_mountinfo(mountinfo):
        inside = point == "/" or resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= best:  # a later line at the same point is mounted on top
            best, fstype = len(point), kind
    return fstype if best >= 0 and _is_network(fstype) else None


def _is_network(fstype: str) -> bool:
    """Whether ``fstype`` (as mountinfo has it: ``nfs4``, ``fuse.sshfs``, ``ext4``) is network or FUSE."""
    kind = fstype.lower()
    return kind in _NETWORK_FS or kind.startswith("fuse") or kind.split(".")[0] in _NETWORK_FS


def _parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """``(mount point, fstype)`` of every well-formed line of ``/proc/self/mountinfo`` text, in order.

    A line is ``id parent major:minor root mount-point options [optional…] - fstype source super-options``;
    spaces, tabs, newlines and backslashes in a path are written as ``\\040``, ``\\011``, ``\\012``,
    ``\\134``.
    """
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        if "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        if len(fields) <= dash + 1:
            continue
        mounts.append((_unescape_mount(fields[4]), fields[dash + 1]))
    return mounts


def _unescape_mount(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def _journal_wanted(folder: Path) -> tuple[str, str]:
    """The journal mode a store in ``folder`` should have, and why (for the log)."""
    choice = os.environ.get(JOURNAL_ENV, "").strip().lower() or "auto"
    if choice in (_WAL, _DELETE):
        return choice, f"${JOURNAL_ENV}={choice}"
    if choice != "auto":
        log.warning("$%s=%r is not wal, delete or auto; detecting the filesystem", JOURNAL_ENV, choice)
    fstype = network_filesystem(folder)
    if fstype is not None:
        return _DELETE, f"{folder} is on {fstype}"
    return _WAL, "local filesystem"


# -- the store -----------------------------------------------------------------------------------------------
class AnswerStore:
    """One learner's answers to one case, in one SQLite file. Open it with :meth:`AnswerStore.open`."""

    def __init__(
        self,
        path: Path,
        *,
        case_id: str,
        learner: str,
        created_at: str,
        case_version: str,
        lang: str,
        recovered_from: Path | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.case_id = case_id
        self.learner = learner
        self.created_at = created_at
        self.case_version = case_version
        self.lang = lang
        #: Where a damaged store file was moved when this store was opened, else ``None``.
        self.recovered_from = recovered_from
        #: How many revisions were recovered from the damaged file's ``-wal`` into this store.
        self.recovered_count = 0
        self._from_wal = False
        #: Opened with ``read_only=True``: nothing is ever written, created or moved.
        self.read_only = read_only
        #: How many times the store file was found deleted or replaced and its answers put back.
        self.restored = 0
        #: ``"wal"`` or ``"delete"`` (a rollback journal: on a network or FUSE folder, see
        #: :func:`network_filesystem` and :data:`JOURNAL_ENV`), the mode the file is in.
        self.journal_mode = _WAL
        self._wanted = _WAL
        self._companion = "-wal"
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._inherited: list[sqlite3.Connection] = []
        self._pid = os.getpid()

    # -- opening ---------------------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        case_id: str = "samskabelse",
        learner: str | None = None,
        *,
        case: Case | None = None,
        case_version: str = "1",
        lang: str = DEFAULT_LANG,
        create: bool = True,
        read_only: bool = False,
    ) -> AnswerStore:
        """Open (and by default create) the store of one learner and one case.

        Parameters
        ----------
        path : path-like, optional
            A folder (the file is named by :func:`store_file_name`) or a ``.sqlite`` file. Default:
            :func:`default_answers_dir`.
        case_id : str
            The case the answers belong to; an existing file of another case is refused.
        learner : str, optional
            A pseudonym or name the learner chose. Without it the file is ``<case_id>.sqlite`` and a new
            store gets a random pseudonym such as ``elev-7f3a2c``.
        case : Case, optional
            Supplies ``case_id``, ``case_version`` and ``lang`` at once.
        case_version, lang : str
            Recorded with every save.
        create : bool
            If false, a missing store file is an error instead of being created.
        read_only : bool
            Open an existing store for reading only: nothing is created, moved, checkpointed or changed
            (works in a read-only folder and on a read-only file); a damaged file is an error, and saving
            raises :class:`AnswerStoreError`.

        Returns
        -------
        AnswerStore
            ``recovered_from`` is set if a damaged file had to be moved aside (``recovered_count`` says how
            many revisions could be put back from its ``-wal``).

        Raises
        ------
        AnswerStoreError
            The file belongs to another case, was made by a newer casekit, is not an answer store (some
            other file is never replaced), cannot be opened at all (permissions, disk), or is damaged and
            cannot be moved aside (or the store is opened read-only).
        """
        if case is not None:
            if case_id not in ("samskabelse", case.id):
                raise AnswerStoreError(
                    t("answers.error.case_mismatch", _ui(case.lang), given=case_id, case=case.id)
                )
            case_id, case_version, lang = case.id, case.version, case.lang
        if not (isinstance(case_id, str) and KEY_PATTERN.fullmatch(case_id)):
            raise AnswerStoreError(t("answers.error.case_id_invalid", _ui(lang), case_id=repr(case_id)))
        file = _resolve_file(path, case_id, learner)
        if read_only:
            return cls._open_read_only(file, case_id, str(case_version), lang)
        if not create and not file.exists() and not _has_companion(file):
            raise AnswerStoreError(t("answers.error.missing", _ui(lang), path=file))
        _refuse_other_file(file, lang)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _open_failed(file, lang, exc) from exc
        # A -wal or -journal beside an empty or missing main file: SQLite would discard it. Move both
        # aside, recover what it holds.
        companion = _orphan_companion(file)
        if companion is not None:
            moved = _move_aside(file, lang)
            recover = _recover_wal if companion == "-wal" else _recover_journal
            rows, meta = recover(Path(f"{moved}{companion}"))
            store = cls._open_file(file, case_id, learner, str(case_version), lang, moved)
            try:
                store._put_back(rows, meta)
            except BaseException:
                store.close()
                raise
            store._companion = companion
            if companion == "-wal":
                log.warning(t("store.recovered_wal_log", "en", path=file, moved=moved, count=len(rows)))
            else:
                log.warning(
                    "answer file %s was empty or missing beside its -journal; both were moved to %s and %d "
                    "revisions were recovered into a new file",
                    file,
                    moved,
                    len(rows),
                )
            return store
        # Damage the header shows (random bytes, a text file) is moved aside before SQLite sees it.
        recovered = _move_aside_if_damaged(file, lang)
        try:
            return cls._open_file(file, case_id, learner, str(case_version), lang, recovered)
        except _Damaged:
            if recovered is not None:  # pragma: no cover - a fresh file cannot be damaged
                raise
        if file.suffix not in _STORE_SUFFIXES:  # a damaged SQLite file not named as ours: not ours to move
            raise AnswerStoreError(t("store.error.not_a_store_file", _ui(lang), path=file))
        # Damage only SQLite sees (e.g. a truncated file): move it aside once and start afresh.
        moved = _move_aside(file, lang)
        try:
            return cls._open_file(file, case_id, learner, str(case_version), lang, moved)
        except _Damaged as exc:  # pragma: no cover - a fresh file cannot be damaged
            raise _open_failed(file, lang, exc) from exc

    @classmethod
    def _open_file(
        cls,
        file: Path,
        case_id: str,
        learner: str | None,
        case_version: str,
        lang: str,
        recovered: Path | None,
    ) -> AnswerStore:
        store = cls(
            file,
            case_id=case_id,
            learner="",
            created_at="",
            case_version=case_version,
            lang=lang,
            recovered_from=recovered,
        )
        store._wanted, why = _journal_wanted(file.parent)
        try:
            store._initialise(learner, why)
        except sqlite3.DatabaseError as exc:
            store.close()
            if _is_corruption(exc):
                raise _Damaged(str(exc)) from exc
            if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                raise AnswerStoreBusyError(_open_failed(file, lang, exc).args[0]) from exc
            raise _open_failed(file, lang, exc) from exc
        except (OSError, sqlite3.Error) as exc:
            store.close()
            raise _open_failed(file, lang, exc) from exc
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _open_read_only(cls, file: Path, case_id: str, case_version: str, lang: str) -> AnswerStore:
        ui = _ui(lang)
        if not file.exists():
            if _has_companion(file):
                raise AnswerStoreError(t("store.error.damaged_read_only", ui, path=file))
            raise AnswerStoreError(t("answers.error.missing", ui, path=file))
        if file.is_dir():
            raise AnswerStoreError(
                t("answers.error.open_failed", ui, path=file, reason=t("system.is_a_directory", ui))
            )
        try:
            with file.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise _open_failed(file, lang, exc) from exc
        if head == b"" and not _has_companion(file):
            raise AnswerStoreError(t("store.error.empty_read_only", ui, path=file))
        if head != _SQLITE_MAGIC:
            if file.suffix not in _STORE_SUFFIXES and head:
                raise AnswerStoreError(t("store.error.not_a_store_file", ui, path=file))
            raise AnswerStoreError(t("store.error.damaged_read_only", ui, path=file))
        store = cls(
            file,
            case_id=case_id,
            learner="",
            created_at="",
            case_version=case_version,
            lang=lang,
            read_only=True,
        )
        try:
            with store._connection() as conn:
                store.journal_mode = _file_journal_mode(file)
                check = conn.execute("PRAGMA quick_check").fetchone()
                if check is None or check[0] != "ok":
                    raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else 'no result'}")
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                meta = _read_meta(conn)
                if meta.get("format") != STORE_FORMAT or "revisions" not in tables:
                    raise AnswerStoreError(t("answers.error.not_a_store", ui, path=file))
                conn.execute(f"SELECT {_COLUMNS} FROM revisions LIMIT 1").fetchall()
            store._check_meta(meta)
        except sqlite3.DatabaseError as exc:
            store.close()
            if _is_corruption(exc):
                raise AnswerStoreError(t("store.error.damaged_read_only", ui, path=file)) from exc
            if _needs_rollback(exc):
                raise AnswerStoreError(t("journal.error.needs_recovery", ui, path=file)) from exc
            raise _open_failed(file, lang, exc) from exc
        except (OSError, sqlite3.Error) as exc:
            store.close()
            raise _open_failed(file, lang, exc) from exc
        except BaseException:
            store.close()
            raise
        return store

    def _initialise(self, learner: str | None, why: str) -> None:
        """Inspect an existing file read-only, put it in the journal mode wanted (if it can be switched),
        then create the schema if missing and read the meta table."""
        if self.path.exists():
            _inspect(self.path, self.lang)
        with self._connection() as conn:
            clean = _set_journal_mode(conn, self._wanted, self.path, why)[1]
        if not clean:  # a failed switch leaves nothing behind: a fresh connection reads the file's mode
            self.close()
        with self._connection() as conn:
            self.journal_mode = _current_mode(conn)
            meta = _read_meta(conn)
            if not meta:
                self._write(conn, self._create_schema, learner)
                meta = _read_meta(conn)
            # A probe of every column: a file with our marker but another layout must not be written to.
            conn.execute(f"SELECT {_COLUMNS} FROM revisions LIMIT 1").fetchall()
        self._check_meta(meta)

    def _create_schema(self, conn: sqlite3.Connection, learner: str | None) -> None:
        for statement in _split_sql(_SCHEMA):
            conn.execute(statement)
        # INSERT OR IGNORE: when two processes create the store at once, the first one's meta wins.
        conn.executemany(
            "INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)",
            [
                ("format", STORE_FORMAT),
                ("store_schema", str(STORE_SCHEMA)),
                ("case_id", self.case_id),
                ("learner", learner if learner is not None else _pseudonym()),
                ("created_at", now()),
            ],
        )

    def _check_meta(self, meta: dict[str, str]) -> None:
        lang = _ui(self.lang)
        try:
            schema = int(meta.get("store_schema", "0"))
        except ValueError:
            schema = 0
        if schema > STORE_SCHEMA:
            raise AnswerStoreError(t("answers.error.newer_store", lang, path=self.path, found=schema))
        if meta.get("case_id") != self.case_id:
            found = meta.get("case_id")
            message = t("answers.error.other_case", lang, path=self.path, found=found, expected=self.case_id)
            raise AnswerStoreError(message)
        self.learner = meta.get("learner", "")
        self.created_at = meta.get("created_at", "")

    def _put_back(self, rows: list[tuple[Any, ...]], meta: dict[str, str]) -> None:
        """Start a fresh store with what was recovered from a damaged file: its revisions (numbers kept),
        and its learner and creation time if it was a store of this case."""
        if meta.get("case_id") not in (None, self.case_id):
            rows = []  # another case's answers stay in the moved-aside file, untouched
        with self._connection() as conn:
            self._write(conn, _merge_rows, rows, True)
            if meta.get("case_id") == self.case_id:
                keep = {name: meta[name] for name in ("learner", "created_at") if meta.get(name)}
                self._write(conn, _set_meta, keep)
                self._check_meta(_read_meta(conn))
        self.recovered_count = len(rows)
        self._from_wal = True

    # -- connection handling ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connection(
        self, *, writing: bool = False, wait: float | None = None
    ) -> Iterator[sqlite3.Connection]:
        """The store's connection, for the calling thread's exclusive use while the block runs.

        ``writing``: first make sure the file at :attr:`path` is still the one the connection has open (put
        it back if it was deleted or replaced). ``wait``: how long to wait for another thread's use.
        """
        if not self._lock.acquire(timeout=-1 if wait is None else max(wait, 0.0)):
            raise _Busy()
        try:
            if self._conn is not None and self._pid != os.getpid():
                # Inherited through fork: never use or close the parent's connection (keep a reference so
                # garbage collection does not close it either); open our own.
                self._inherited.append(self._conn)
                self._conn = None
            if self._conn is None:
                self._conn = _connect_read_only(self.path) if self.read_only else _connect(self.path)
                self._pid = os.getpid()
                self._identity = _identity(self.path)
            elif writing:
                self._check_file()
            yield self._conn
        finally:
            self._lock.release()

    def _check_file(self) -> None:
        """Put the store back if its file was deleted (or replaced by another file) since it was opened."""
        identity = _identity(self.path)
        if identity is not None and identity == self._identity:
            return
        assert self._conn is not None
        old = self._conn
        rows = old.execute(f"SELECT {_COLUMNS} FROM revisions ORDER BY revision").fetchall()
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        placed = False
        if identity is None:
            placed = self._vacuum_into_place(old, folder)
        if placed:
            new = _connect(self.path)
            try:
                mode = _set_journal_mode(new, self._wanted, self.path, "restored")[0]
            except BaseException:
                new.close()
                raise
            self._swap(old, new)
            self.journal_mode = mode
            how = "restored"
        else:
            # Another store is at the path by now (e.g. another notebook started afresh): merge into it.
            self._merge_into_other(old, rows)
            how = "merged"
        self.restored += 1
        log.warning(t("store.restored_log", "en", path=self.path, count=len(rows), how=how))

    def _vacuum_into_place(self, old: sqlite3.Connection, folder: Path) -> bool:
        """Write all ``old`` reads into a new file at :attr:`path`; ``False`` if a file got there first."""
        temp = folder / f".{self.path.name}.restore-{secrets.token_hex(4)}"
        old.execute("VACUUM INTO ?", (str(temp),))
        try:
            with temp.open("rb+") as fh:
                os.fsync(fh.fileno())
            try:
                os.link(temp, self.path)  # never overwrites
            except FileExistsError:
                return False
            except OSError:
                if self.path.exists():
                    return False
                os.replace(temp, self.path)  # file systems without hard links
            _fsync_folder(folder)
            return True
        finally:
            temp.unlink(missing_ok=True)

    def _merge_into_other(self, old: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
        try:
            other = type(self).open(self.path, self.case_id, case_version=self.case_version, lang=self.lang)
        except AnswerStoreError:
            # Not a store of ours at the path: keep our answers beside it, never in its place.
            kept = self.path.with_name(f"{self.path.stem}.restored-{_stamp()}{self.path.suffix or SUFFIX}")
            old.execute("VACUUM INTO ?", (str(kept),))
            raise AnswerStoreError(
                t("store.error.restore_conflict", _ui(self.lang), path=self.path, kept=kept)
            ) from None
        with other._connection() as conn:
            other._write(conn, _merge_rows, rows, False)
            new, other._conn = other._conn, None
        assert new is not None
        self._swap(old, new)
        self.journal_mode = other.journal_mode
        self.learner, self.created_at = other.learner, other.created_at

    def _swap(self, old: sqlite3.Connection, new: sqlite3.Connection) -> None:
        self._conn = new
        self._identity = _identity(self.path)
        with contextlib.suppress(sqlite3.Error):
            old.close()

    def _write(self, conn: sqlite3.Connection, body: Any, *args: Any, wait: float | None = None) -> Any:
        """Run ``body(conn, *args)`` in one ``BEGIN IMMEDIATE`` transaction, then checkpoint (in WAL mode).

        ``wait`` None: retry while locked (busy timeout × retries); else wait at most ``wait`` seconds. With
        a rollback journal the ``COMMIT`` itself may find the file busy (it needs readers gone): the
        transaction is rolled back and tried again, like a busy ``BEGIN``.
        """
        if wait is None:
            attempts, deadline = _RETRIES, None
        else:
            attempts, deadline = 1, time.monotonic() + max(wait, 0.0)
            conn.execute(f"PRAGMA busy_timeout = {int(max(wait, 0.0) * 1000)}")
        try:
            for attempt in range(attempts):
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    if _is_busy(exc) and attempt < attempts - 1:
                        time.sleep(0.05 * (attempt + 1))
                        continue
                    if _is_busy(exc):
                        raise _Busy() from exc
                    raise
                try:
                    result = body(conn, *args)
                    conn.execute("COMMIT")
                except BaseException as exc:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                        if attempt < attempts - 1:
                            time.sleep(0.05 * (attempt + 1))
                            continue
                        raise _Busy() from exc
                    raise
                # The commit is durable in the -wal; copy it into the main file too (never waits, never
                # fails the save), so that the .sqlite on its own holds every answer. A rollback journal
                # has written it into the main file already.
                if self.journal_mode == _WAL:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                return result
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            if deadline is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")

    def close(self) -> None:
        """Close the connection. The store reopens it if used again."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
            self._conn = None

    def __enter__(self) -> AnswerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AnswerStore({str(self.path)!r}, case_id={self.case_id!r}, learner={self.learner!r})"

    # -- writing ---------------------------------------------------------------------------------------------
    def save(self, key: str, value: Any, *, wait: float | None = None) -> Revision:
        """Append a new revision of ``key``; empty or whitespace-only text is saved too.

        The revision's ``saved_at`` is the current UTC time, or 1 µs after the key's newest revision if an
        imported revision carries a later time (a clock running ahead on another machine), or that same
        time if it is far ahead (or at the end of the calendar): a save is always the answer (a tie goes to
        the higher revision number). Text that UTF-8 cannot hold (a lone surrogate, half an emoji) is saved
        with ``�`` in its place; :attr:`Revision.replaced` counts them.

        Parameters
        ----------
        wait : float, optional
            The longest time in seconds to wait for another process's (or thread's) hold on the store;
            ``None``: the default busy timeout with retries (over a minute).

        Returns
        -------
        Revision
            The stored revision; it is on disk, and in the main file, when this returns.

        Raises
        ------
        AnswerStoreBusyError
            Another process held the store's lock for longer than ``wait``; nothing was written.
        AnswerTooBigError
            The value's JSON is over :data:`MAX_ANSWER_BYTES`, or it would be a new key beyond
            :data:`MAX_KEYS`.
        AnswerStoreError
            The key is invalid, the value is not JSON data (the message names the key and the type), the
            store was opened read-only, or the disk refused the write.
        """
        text, replaced = self._prepare(key, value)
        if self.read_only:
            raise AnswerStoreError(t("store.error.read_only", _ui(self.lang), key=key, path=self.path))
        started = time.monotonic()
        try:
            with self._connection(writing=True, wait=wait) as conn:
                remaining = None if wait is None else max(0.0, wait - (time.monotonic() - started))
                revision: Revision = self._write(conn, self._insert_local, key, text, wait=remaining)
        except _Busy as exc:
            raise self._busy_error(key, wait) from exc.__cause__
        except AnswerStoreError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise self._write_failed(key, exc) from exc
        if replaced:
            log.info("answer %s: %d unstorable character(s) saved as U+FFFD", key, replaced)
            revision = dataclasses.replace(revision, replaced=replaced)
        return revision

    def _prepare(self, key: str, value: Any) -> tuple[str, int]:
        """The JSON text to store for ``value`` (lone surrogates replaced) and how many were replaced;
        raises for an invalid key, a value that is not JSON, or one over :data:`MAX_ANSWER_BYTES`."""
        validate_key(key, self.lang)
        value, replaced = _clean_surrogates(value)
        text = to_json(key, value, self.lang)
        self._check_size(key, text)
        return text, replaced

    def _check_size(self, key: str, text: str) -> None:
        size = len(text.encode("utf-8"))
        if size > MAX_ANSWER_BYTES:
            raise AnswerTooBigError(
                t(
                    "store.error.too_big",
                    _ui(self.lang),
                    key=key,
                    size=_kib(size, self.lang),
                    limit=_kib(MAX_ANSWER_BYTES, self.lang),
                )
            )

    def _too_many_keys(self, key: str) -> AnswerTooBigError:
        return AnswerTooBigError(t("store.error.too_many_keys", _ui(self.lang), key=key, limit=MAX_KEYS))

    def _busy_error(self, key: str, wait: float | None) -> AnswerStoreBusyError:
        seconds = _BUSY_TIMEOUT_S * _RETRIES if wait is None else wait
        return AnswerStoreBusyError(
            t("store.error.busy", _ui(self.lang), key=key, path=self.path, seconds=f"{seconds:g}")
        )

    def _write_failed(self, key: str, exc: BaseException) -> AnswerStoreError:
        return AnswerStoreError(
            t(
                "answers.error.write_failed",
                _ui(self.lang),
                key=key,
                path=self.path,
                reason=_reason(exc, self.lang),
            )
        )

    def _insert_local(self, conn: sqlite3.Connection, key: str, text: str) -> Revision:
        saved_at = now()
        (newest,) = conn.execute("SELECT max(saved_at) FROM revisions WHERE key = ?", (key,)).fetchone()
        if newest is None:
            (count,) = conn.execute("SELECT count(DISTINCT key) FROM revisions").fetchone()
            if count >= MAX_KEYS:
                raise self._too_many_keys(key)
        elif newest >= saved_at:
            saved_at = _after(newest, saved_at)
        cursor = conn.execute(
            "INSERT INTO revisions (key, value, saved_at, case_version, lang, source) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (key, text, saved_at, self.case_version, self.lang, SOURCE_LOCAL),
        )
        revision = int(cursor.lastrowid or 0)
        return Revision(key, json.loads(text), saved_at, revision, self.case_version, self.lang)

    def import_revisions(self, revisions: Iterable[Revision]) -> ImportResult:
        """Merge revisions (e.g. from an export) in one transaction; nothing in the store is lost.

        A revision whose key, ``saved_at`` and value the store already has is skipped; every other one is
        appended with its own ``saved_at``, case version and language and ``source="import"``.

        Raises
        ------
        AnswerTooBigError
            A value is over :data:`MAX_ANSWER_BYTES`, or the batch would bring the store over
            :data:`MAX_KEYS` different answers; the message names the key. Nothing is written.
        AnswerStoreError
            An invalid key or value, a read-only store, or the disk refused the write. Nothing is written.
        """
        incoming = []
        for r in revisions:
            text, _ = self._prepare(r.key, r.value)
            incoming.append((r.key, text, r.saved_at, r))
        if self.read_only:
            raise AnswerStoreError(t("store.error.read_only", _ui(self.lang), key="*", path=self.path))
        try:
            with self._connection(writing=True) as conn:
                result: ImportResult = self._write(conn, self._insert_imported, incoming)
                return result
        except _Busy as exc:
            raise self._busy_error("*", None) from exc.__cause__
        except AnswerStoreError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise self._write_failed("*", exc) from exc

    def _insert_imported(
        self, conn: sqlite3.Connection, incoming: list[tuple[str, str, str, Revision]]
    ) -> ImportResult:
        present_keys = {row[0] for row in conn.execute("SELECT DISTINCT key FROM revisions")}
        for key, *_ in incoming:
            if key not in present_keys:
                if len(present_keys) >= MAX_KEYS:
                    raise self._too_many_keys(key)
                present_keys.add(key)
        seen: dict[str, set[tuple[str, str]]] = {}
        added = present = 0
        for key, text, saved_at, rev in incoming:
            if key not in seen:
                rows = conn.execute("SELECT saved_at, value FROM revisions WHERE key = ?", (key,))
                seen[key] = set(rows.fetchall())
            if (saved_at, text) in seen[key]:
                present += 1
                continue
            conn.execute(
                "INSERT INTO revisions (key, value, saved_at, case_version, lang, source) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, text, saved_at, rev.case_version, rev.lang, SOURCE_IMPORT),
            )
            seen[key].add((saved_at, text))
            added += 1
        return ImportResult(added, present, tuple(sorted(seen)))

    def import_file(self, path: str | os.PathLike[str]) -> ImportResult:
        """Merge an exported JSON file into the store (see :meth:`import_revisions`).

        The whole file is checked before anything is written.

        Raises
        ------
        AnswerImportError
            The file is missing, too big (> 20 MB), not UTF-8 or JSON, not a casekit answer export, of
            another case, or has a field of the wrong type; the message (in the store's language) says
            what and where. The store is unchanged.

        Notes
        -----
        A convenience that delegates upward, to :mod:`casekit.importer`, imported only when called.
        """
        from casekit.importer import read_import_file

        data = read_import_file(path, case_id=self.case_id, lang=self.lang)
        return self.import_revisions(data.revisions)

    def import_bytes(self, content: bytes, name: str = "upload.json") -> ImportResult:
        """Like :meth:`import_file`, for the bytes of an uploaded file; ``name`` is used in messages.

        Delegates upward, to :mod:`casekit.importer`, imported only when called.
        """
        from casekit.importer import parse_import

        data = parse_import(content, case_id=self.case_id, lang=self.lang, name=name)
        return self.import_revisions(data.revisions)

    # -- reading ---------------------------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        """The latest value of ``key``, or ``default`` if it was never saved."""
        latest = self.latest(key)
        return default if latest is None else latest.value

    def latest(self, key: str) -> Revision | None:
        """The latest revision of ``key`` (newest ``saved_at``, then highest number), or ``None``."""
        validate_key(key, self.lang)
        rows = self._query(
            f"SELECT {_COLUMNS} FROM revisions WHERE key = ? ORDER BY saved_at DESC, revision DESC LIMIT 1",
            (key,),
        )
        return _revision(rows[0]) if rows else None

    def history(self, key: str) -> list[Revision]:
        """Every revision of ``key``, oldest first; the last one is the answer."""
        validate_key(key, self.lang)
        rows = self._query(
            f"SELECT {_COLUMNS} FROM revisions WHERE key = ? ORDER BY saved_at, revision", (key,)
        )
        return [_revision(row) for row in rows]

    def revisions(self) -> list[Revision]:
        """Every revision of every key, grouped by key (sorted), each key's oldest first."""
        rows = self._query(f"SELECT {_COLUMNS} FROM revisions ORDER BY key, saved_at, revision")
        return [_revision(row) for row in rows]

    def keys(self) -> list[str]:
        """The keys that have at least one revision, sorted."""
        return [row[0] for row in self._query("SELECT DISTINCT key FROM revisions ORDER BY key")]

    def as_dict(self) -> dict[str, Any]:
        """``{key: latest value}`` for every key, sorted by key."""
        rows = self._query(
            "SELECT r.key, r.value FROM revisions AS r WHERE r.revision = ("
            " SELECT s.revision FROM revisions AS s WHERE s.key = r.key"
            " ORDER BY s.saved_at DESC, s.revision DESC LIMIT 1) ORDER BY r.key"
        )
        return {key: json.loads(value) for key, value in rows}

    def count(self) -> int:
        """The number of revisions in the store."""
        return int(self._query("SELECT count(*) FROM revisions")[0][0])

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        for attempt in (0, 1):
            try:
                with self._connection() as conn:
                    return conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                # Read-only without the -wal/-shm (immutable) while a writer started: open again, once.
                if self.read_only and attempt == 0:
                    self.close()
                    continue
                raise self._read_failed(exc) from exc
            except OSError as exc:
                raise self._read_failed(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _read_failed(self, exc: BaseException) -> AnswerStoreError:
        return AnswerStoreError(
            t("answers.error.read_failed", _ui(self.lang), path=self.path, reason=_reason(exc, self.lang))
        )

    # -- export ----------------------------------------------------------------------------------------------
    def export(
        self,
        path: str | os.PathLike[str],
        format: str = "json",
        *,
        case: Case | None = None,
        figures: Iterable[ExportFigure] | None = None,
    ) -> Path:
        """Write an export file (``json``, ``html`` or ``markdown``).

        See :func:`casekit.export.write_export`; HTML and Markdown load the case if ``case`` is not given.
        A convenience that delegates upward, to :mod:`casekit.export`, imported only when called.
        """
        from casekit.export import write_export

        return write_export(self, path, format, case=case, figures=figures)

    def recovery_message(self, lang: str | None = None) -> str | None:
        """A sentence for the learner if a damaged file was moved aside on open, else ``None``."""
        if self.recovered_from is None:
            return None
        ui = _ui(lang or self.lang)
        if self._from_wal:
            kept = self.recovered_from.name
            if not self.recovered_from.exists():  # the main file was missing: only the companion was kept
                kept += self._companion
            count = self.recovered_count
            if self._companion == "-journal":
                if count:
                    return t("journal.recovered", ui, moved=kept, count=count)
                return t("journal.recovered_none", ui, moved=kept)
            if count:
                return t("store.recovered_wal", ui, moved=kept, count=count)
            return t("store.recovered_wal_none", ui, moved=kept)
        return t("answers.recovered", ui, moved=self.recovered_from.name)

    def restore_message(self, lang: str | None = None) -> str | None:
        """A sentence for the learner if the store file was deleted while in use and put back, else None."""
        if not self.restored:
            return None
        return t("store.restored", _ui(lang or self.lang), path=self.path)


# -- saving without waiting ----------------------------------------------------------------------------------
OnDone = Callable[[Revision | None, BaseException | None], Any]


class SaveQueue:
    """Saves that never keep the caller waiting for long, and are never dropped.

    :meth:`submit` tries the save at once, waiting at most ``wait`` seconds for another process's lock.
    If the store is busy, the save is queued (first in, first out) and a background thread retries it
    every ``retry`` seconds until it is stored; while anything is queued, every later save queues behind
    it, so the order of saves is kept. ``on_done(revision, None)`` is called when a queued save is stored;
    ``on_done(None, error)`` after any other failure (disk full, a read-only folder), and the save stays
    queued and is retried with growing pauses of up to ``max_backoff`` seconds: a learner's words are not
    dropped.

    >>> queue = SaveQueue(store)                                        # doctest: +SKIP
    >>> queue.submit("etik-1", "Mit svar", on_done=show_status)         # doctest: +SKIP
    """

    def __init__(
        self, store: AnswerStore, wait: float = 1.0, *, retry: float = 0.5, max_backoff: float = 30.0
    ) -> None:
        self.store = store
        self.wait = wait
        self.retry = retry
        self.max_backoff = max_backoff
        self._items: deque[tuple[str, Any, OnDone]] = deque()
        self._cond = threading.Condition()
        self._submitting = threading.Lock()  # submits are tried one at a time, in the order they came
        self._worker: threading.Thread | None = None

    def submit(self, key: str, value: Any, on_done: OnDone) -> Revision | None:
        """Save now if the store is free within ``wait`` seconds (returns the revision; ``on_done`` is not
        called), else queue the save and return ``None`` (``on_done`` is called when it is stored).

        Raises
        ------
        AnswerStoreError
            At once, for what no retry can mend: an invalid key, a value that is not JSON, too big
            (:class:`~casekit.errors.AnswerTooBigError`), a new key beyond :data:`MAX_KEYS`, a read-only
            store.
        """
        store = self.store
        store._prepare(key, value)
        if store.read_only:
            raise AnswerStoreError(t("store.error.read_only", _ui(store.lang), key=key, path=store.path))
        try:  # a read works under another process's write lock
            keys = store.keys()
        except AnswerStoreError:
            keys = []
        if key not in keys and len(keys) >= MAX_KEYS:
            raise store._too_many_keys(key)
        with self._submitting:
            with self._cond:
                queued = bool(self._items)
            if not queued:
                try:
                    return store.save(key, value, wait=self.wait)
                except AnswerStoreBusyError:
                    pass
                except AnswerTooBigError:
                    raise
                except AnswerStoreError as exc:
                    log.warning("save of %s failed, queued for retrying: %s", key, exc)
                    self._call(on_done, None, exc)
            with self._cond:
                self._items.append((key, value, on_done))
                self._start()
                self._cond.notify_all()
            return None

    def pending(self) -> int:
        """How many saves are queued (including one being tried)."""
        with self._cond:
            return len(self._items)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued save is stored and its ``on_done`` has run; ``False`` if some are still
        queued after ``timeout``."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._items, timeout)

    def _start(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._run, name="casekit-save-queue", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        backoff = self.retry
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._items))
                key, value, on_done = self._items[0]
            try:
                revision = self.store.save(key, value, wait=self.wait)
            except AnswerStoreBusyError:
                time.sleep(self.retry)
                continue
            except Exception as exc:  # keep the save; tell the caller; try again later
                log.warning("queued save of %s failed, retrying in %.1f s: %s", key, backoff, exc)
                self._call(on_done, None, exc)
                time.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = self.retry
            self._call(on_done, revision, None)  # before the item leaves: flush() returns after the status
            with self._cond:
                self._items.popleft()
                self._cond.notify_all()

    @staticmethod
    def _call(on_done: OnDone, revision: Revision | None, error: BaseException | None) -> None:
        try:
            on_done(revision, error)
        except Exception:
            log.exception("on_done of a queued save raised")


# -- helpers -------------------------------------------------------------------------------------------------
def _resolve_file(path: str | os.PathLike[str] | None, case_id: str, learner: str | None) -> Path:
    if path is None:
        return default_answers_dir() / store_file_name(case_id, learner)
    target = Path(path).expanduser()
    if target.suffix in (SUFFIX, ".db", ".sqlite3") or target.is_file():
        return target
    return target / store_file_name(case_id, learner)


def _slug(name: str) -> str:
    """A file-safe form of a learner's name: ``"Søren Ærø"`` → ``soeren-aeroe``."""
    text = name.strip().lower()
    for letter, plain in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(letter, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9._-]+", "-", text).strip("-.")
    # A name with no usable letters (e.g. only emoji) still needs a stable file of its own.
    return text or "x" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def _pseudonym() -> str:
    return f"elev-{secrets.token_hex(3)}"


class _Busy(Exception):
    """Another process (or thread) held the store longer than the caller would wait."""


def _open_failed(file: Path, lang: str, exc: BaseException) -> AnswerStoreError:
    why = _reason(exc, lang) if isinstance(exc, (OSError, sqlite3.Error)) else t("system.damaged", _ui(lang))
    return AnswerStoreError(t("answers.error.open_failed", _ui(lang), path=file, reason=why))


def _has_companion(file: Path, companions: tuple[str, ...] = ("-wal", "-journal")) -> bool:
    """Whether ``file`` has a non-empty ``-wal`` (or ``-journal``) beside it."""
    for companion in companions:
        try:
            if Path(f"{file}{companion}").stat().st_size > 0:
                return True
        except OSError:
            continue
    return False


def _orphan_companion(file: Path) -> str | None:
    """``"-wal"`` or ``"-journal"`` if one with content is beside an empty or missing main file (SQLite
    would throw it away), else ``None``."""
    try:
        if file.stat().st_size > 0:
            return None
    except FileNotFoundError:
        pass
    if _has_companion(file, ("-wal",)):
        return "-wal"
    # A -journal beside an empty main file is the first write of a new store under way in another process
    # (it started from 0 pages, so it holds none): only one that started from a store with pages counts.
    try:
        with open(f"{file}-journal", "rb") as fh:
            header = fh.read(20)
    except OSError:
        return None
    if len(header) == 20 and header[:8] == _JOURNAL_MAGIC and int.from_bytes(header[16:20], "big") > 0:
        return "-journal"
    return None


def _refuse_other_file(file: Path, lang: str) -> None:
    """Refuse a path that is some other file (``noter.txt``): only a store of ours may be moved aside."""
    if file.suffix in _STORE_SUFFIXES or not file.is_file() or _is_sqlite_file(file):
        return
    raise AnswerStoreError(t("store.error.not_a_store_file", _ui(lang), path=file))


def _identity(path: Path) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of the file at ``path``, or ``None`` if there is none."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def _fsync_folder(folder: Path) -> None:
    """Make a new name in ``folder`` durable (where the platform allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _after(newest: str, current: str) -> str:
    """The time for a save when the key's newest revision is at or after ``current``: 1 µs after it, or the
    same time if it is far ahead of this clock or at the end of the calendar (the higher revision wins)."""
    try:
        # Further ahead than any honest clock (clock.MAX_AHEAD): not followed by 1 µs steps; the same time,
        # and the higher revision number wins the tie.
        if parse_time(newest) - parse_time(current) > MAX_AHEAD:
            return newest
        return later(newest)
    except (ValueError, OverflowError):
        return newest


def _clean_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` with every lone UTF-16 surrogate (in text, list items and mapping keys) replaced by U+FFFD
    and valid surrogate pairs joined; and how many characters were replaced."""
    count = 0

    def text(s: str) -> str:
        nonlocal count
        if not _SURROGATE.search(s):
            return s
        fixed = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        count += fixed.count("\ufffd") - s.count("\ufffd")
        return fixed

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return text(v)
        if isinstance(v, (list, tuple)):
            return [walk(item) for item in v]
        if isinstance(v, dict):
            out: dict[Any, Any] = {}
            for k, item in v.items():
                new_key = text(k) if isinstance(k, str) else k
                while new_key in out and new_key is not k:  # two keys made alike: keep both
                    new_key += "\ufffd"
                out[new_key] = walk(item)
            return out
        return v

    try:
        probe = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return value, 0  # to_json says what is wrong with it
    if not _SURROGATE.search(probe):
        return value, 0
    try:
        return walk(value), count
    except RecursionError:  # pragma: no cover - json.dumps above would have failed first
        return value, 0


def _kib(size: int, lang: str) -> str:
    text = f"{size / 1024:.1f} KB"
    return text.replace(".", ",") if _ui(lang) == "da" else text


def _merge_rows(conn: sqlite3.Connection, rows: list[tuple[Any, ...]], keep_numbers: bool) -> int:
    """Append the revisions in ``rows`` (full rows) the store does not have yet (same key, time, value)."""
    seen = set(conn.execute("SELECT key, saved_at, value FROM revisions").fetchall())
    taken = {row[0] for row in conn.execute("SELECT revision FROM revisions")} if keep_numbers else set()
    added = 0
    for number, key, value, saved_at, case_version, lang, source in rows:
        if (key, saved_at, value) in seen:
            continue
        fields = (key, value, saved_at, case_version, lang, source)
        if keep_numbers and number not in taken:
            conn.execute(
                f"INSERT INTO revisions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", (number, *fields)
            )
        else:
            conn.execute(
                "INSERT INTO revisions (key, value, saved_at, case_version, lang, source) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                fields,
            )
        seen.add((key, saved_at, value))
        added += 1
    return added


def _set_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    for name, value in values.items():
        conn.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name))


def _recover_wal(wal: Path) -> tuple[list[tuple[Any, ...]], dict[str, str]]:
    """The revisions (and meta) a ``-wal`` holds without its main file; ``([], {})`` if nothing is readable.

    SQLite reads a ``-wal`` beside any main file of its page size in WAL mode (it checks the frames'
    checksums, not the main file), so a copy goes beside a fresh one in a temporary folder; the ``-wal``
    itself is only read.
    """
    try:
        with wal.open("rb") as fh:
            header = fh.read(32)
    except OSError:
        return [], {}
    if len(header) < 32 or int.from_bytes(header[:4], "big") not in _WAL_MAGIC:
        return [], {}
    page_size = int.from_bytes(header[8:12], "big")
    if page_size not in {2**n for n in range(9, 17)}:
        return [], {}
    try:
        with tempfile.TemporaryDirectory(prefix="casekit-recover-") as folder:
            main = Path(folder) / "recover.sqlite"
            conn = sqlite3.connect(main)
            conn.execute(f"PRAGMA page_size = {page_size}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.close()
            shutil.copyfile(wal, f"{main}-wal")
            conn = sqlite3.connect(main)
            try:
                return _salvage(conn), _salvage_meta(conn)
            finally:
                conn.close()
    except (OSError, sqlite3.Error) as exc:
        log.warning("nothing could be read from %s: %s", wal, exc)
        return [], {}


def _recover_journal(journal: Path) -> tuple[list[tuple[Any, ...]], dict[str, str]]:
    """The revisions (and meta) a rollback ``-journal`` without its main file holds; ``([], {})`` if none.

    A ``-journal`` keeps the pages a write was about to change as they were before it (page 1, the last
    pages of the tables), so the pages are put at their places in a file in a temporary folder and read
    around the missing ones; the ``-journal`` itself is only read.
    """
    try:
        data = journal.read_bytes()
    except OSError:
        return [], {}
    if len(data) < 28 or data[:8] != _JOURNAL_MAGIC:
        return [], {}
    sector, page_size = int.from_bytes(data[20:24], "big"), int.from_bytes(data[24:28], "big")
    if page_size not in {2**n for n in range(9, 17)} or not 32 <= sector <= 65536:
        return [], {}
    pages: dict[int, bytes] = {}
    offset = sector
    while offset + 8 + page_size <= len(data):
        if data[offset : offset + 8] == _JOURNAL_MAGIC:  # the header of a later segment
            offset += sector
            continue
        number = int.from_bytes(data[offset : offset + 4], "big")
        if not 0 < number < 1 << 20:
            break
        pages.setdefault(number, data[offset + 4 : offset + 4 + page_size])  # the first is the oldest
        offset += 8 + page_size
    if 1 not in pages:
        return [], {}
    try:
        with tempfile.TemporaryDirectory(prefix="casekit-recover-") as folder:
            main = Path(folder) / "recover.sqlite"
            with main.open("wb") as fh:
                for number, page in sorted(pages.items()):
                    fh.seek((number - 1) * page_size)
                    fh.write(page)
            conn = sqlite3.connect(f"{main.as_uri()}?immutable=1", uri=True)
            try:
                return _salvage(conn), _salvage_meta(conn)
            finally:
                conn.close()
    except (OSError, sqlite3.Error) as exc:
        log.warning("nothing could be read from %s: %s", journal, exc)
        return [], {}


def _salvage(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Every readable, well-formed revision row: all at once, else one by one around damaged pages."""
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return []
    if "revisions" not in tables:
        return []
    try:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM revisions ORDER BY revision").fetchall()
    except sqlite3.DatabaseError:
        rows = []
        misses = 0
        for number in range(1, 1_000_000):
            try:
                row = conn.execute(
                    f"SELECT {_COLUMNS} FROM revisions WHERE revision = ?", (number,)
                ).fetchone()
            except sqlite3.DatabaseError:
                row = None
            if row is None:
                misses += 1
                if misses > 2000:
                    break
                continue
            misses = 0
            rows.append(row)
    return [row for row in rows if _well_formed(row)]


def _well_formed(row: tuple[Any, ...]) -> bool:
    number, key, value, saved_at, *rest = row
    if not (isinstance(number, int) and isinstance(key, str) and KEY_PATTERN.fullmatch(key)):
        return False
    if not all(isinstance(field, str) for field in (value, saved_at, *rest)):
        return False
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _salvage_meta(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return {str(k): str(v) for k, v in _read_meta(conn).items()}
    except sqlite3.DatabaseError:
        return {}


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change, create or delete anything.

    ``mode=ro`` when the store is in use (its ``-wal``/``-shm`` exist: a writer may be saving, and the
    ``-shm`` keeps us consistent with it); ``immutable=1`` when they do not exist (``mode=ro`` would create
    them) or cannot be opened (a read-only folder): the main file holds every answer, because every save
    ends with a checkpoint. A rollback-journal file is always opened ``mode=ro`` first (it needs no
    ``-shm`` and creates nothing); a hot ``-journal`` it cannot roll back is an error, never read around.
    """
    uri = path.resolve().as_uri()
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    # A rollback-journal file: mode=ro creates nothing and takes the shared lock that keeps a reader
    # consistent with a writer, so it comes first; immutable=1 only if it cannot open.
    in_use = wal.exists() or shm.exists() or _file_journal_mode(path) == _DELETE
    modes = ["mode=ro", "immutable=1"] if in_use else ["immutable=1"]
    failure: sqlite3.Error | None = None
    for mode in modes:
        try:
            conn = sqlite3.connect(
                f"{uri}?{mode}",
                uri=True,
                timeout=_BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            failure = exc
            continue
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the -shm is opened here
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _is_corruption(exc) or _needs_rollback(exc):  # immutable=1 would read a half-made write
                raise
            failure = exc
            continue
        if mode == "immutable=1" and wal.exists() and wal.stat().st_size > 0:
            log.warning(t("store.wal_ignored_log", "en", path=path))
        return conn
    assert failure is not None
    raise failure


class _Damaged(Exception):
    """The store file is not a readable SQLite database (raised inside :meth:`AnswerStore.open`)."""


class _NotJson(Exception):
    def __init__(self, kind: str) -> None:
        self.kind = kind


def _refuse(obj: object) -> Any:
    raise _NotJson(type(obj).__name__)


def to_json(key: str, value: Any, lang: str = DEFAULT_LANG) -> str:
    """The compact JSON text the store keeps for ``value``, or raise naming the key and the offending type.

    Mapping order is kept (a widget's order of fields is meaningful); an exported value re-serialises to
    the same text, which is what import uses to recognise revisions it already has.
    """
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_refuse)
    except _NotJson as exc:
        kind = exc.kind
    except ValueError:  # NaN or infinity
        kind = t("answers.type.not_a_number", _ui(lang))
    except TypeError:  # a mapping key that is not str/int/float/bool/None, or mixed key types
        kind = f"{type(value).__name__} ({_bad_key_type(value, lang)})"
    except RecursionError:
        kind = type(value).__name__
    raise AnswerStoreError(t("answers.error.not_json", _ui(lang), key=key, type=kind))


def _bad_key_type(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        for k in value:
            if not isinstance(k, (str, int, float, bool, type(None))):
                return t("answers.type.bad_key", _ui(lang), type=type(k).__name__)
        return t("answers.type.mixed_keys", _ui(lang))
    return "?"


def _revision(row: tuple[Any, ...]) -> Revision:
    number, key, value, saved_at, case_version, lang, source = row
    return Revision(key, json.loads(value), saved_at, number, case_version, lang, source)


def _split_sql(script: str) -> list[str]:
    """Split the schema into statements; trigger bodies keep their inner ``;``."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        in_trigger = joined.upper().startswith("CREATE TRIGGER")
        if joined.endswith(";") and (not in_trigger or joined.endswith("END;")):
            statements.append(joined)
            current = []
    return statements


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves; check_same_thread=False because
    # widget callbacks arrive on other threads (access is serialised by the store's lock).
    conn = sqlite3.connect(str(path), timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        # EXTRA = FULL (the -wal, or the -journal and then the main file, synced at every commit) and, with
        # a rollback journal, the folder synced after the -journal is deleted: that deletion *is* the
        # commit, and under FULL a power cut could bring the -journal back and roll a returned save back.
        # In WAL mode EXTRA is FULL. So a returned save survives a crash or a power cut in either mode.
        conn.execute("PRAGMA synchronous = EXTRA")
    except BaseException:
        conn.close()
        raise
    return conn


def _set_journal_mode(conn: sqlite3.Connection, wanted: str, path: Path, why: str) -> tuple[str, bool]:
    """Put the file in journal mode ``wanted`` (``wal``/``delete``) if it can be; return the mode it is in.

    The mode is kept in the file, so this is a no-op once done. Switching needs the file to itself (another
    notebook with it open in WAL mode blocks it); after :data:`_SWITCH_WAIT_S` the file keeps its mode,
    which is logged, and opening goes on: both modes keep every guarantee of the store. Leaving WAL, the
    ``-wal`` is checkpointed into the main file first (SQLite does so too), so nothing is lost.

    Returns the mode, and ``False`` if a switch failed with an error (the caller then opens a fresh
    connection rather than go on with this one).
    """
    current = _current_mode(conn)
    if current == wanted:
        return current, True
    clean = True
    conn.execute(f"PRAGMA busy_timeout = {int(_SWITCH_WAIT_S * 1000)}")
    try:
        for attempt in range(3):
            try:
                if current == _WAL:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                got = str(conn.execute(f"PRAGMA journal_mode = {wanted.upper()}").fetchone()[0]).lower()
            except sqlite3.OperationalError as exc:
                # Busy, or (two processes switching a brand-new file at once) a transient I/O error.
                log.debug("switching %s to %s: %s", path, wanted, exc)
                got, clean = current, False
            if got == wanted:
                if path.stat().st_size > 0:  # a fresh file takes its first mode silently
                    log.info("answer store %s switched from %s to %s journal (%s)", path, current, got, why)
                return got, clean
            time.sleep(0.05 * (attempt + 1))
            current = _current_mode(conn)
            if current == wanted:  # another process switched it meanwhile
                return current, clean
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
    log.warning(
        "answer store %s kept its %s journal: %s asks for %s, but another process has it open",
        path,
        current,
        why,
        wanted,
    )
    return current, clean


def _current_mode(conn: sqlite3.Connection) -> str:
    """``wal`` or ``delete`` (any rollback journal: delete, truncate, persist…) for the open file."""
    for attempt in range(_RETRIES):
        try:
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            return _WAL if mode == _WAL else _DELETE
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _file_journal_mode(path: Path) -> str:
    """``wal`` or ``delete`` as the file's header says (bytes 18–19: 2 for WAL, 1 for a rollback journal)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return _WAL
    return _WAL if len(header) == 20 and header[18] == 2 else _DELETE


def _read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return dict(conn.execute("SELECT name, value FROM meta").fetchall()) if "meta" in tables else {}


def _inspect(path: Path, lang: str) -> None:
    """Check an existing file without changing a byte of it.

    A read-only connection cannot checkpoint, reset or delete the ``-wal`` file, so a damaged store is moved
    aside exactly as it was found, and a foreign database is refused untouched (no switch to WAL mode).

    A hot ``-journal`` (a write interrupted in rollback-journal mode) cannot be rolled back by a read-only
    connection; it is rolled back first by an ordinary one, as SQLite would at the first read, so the file
    is inspected as it was before the interrupted write.

    Raises
    ------
    sqlite3.DatabaseError
        The file is damaged (see :func:`_is_corruption`).
    AnswerStoreError
        The file is a healthy SQLite database that is not a casekit answer store.
    """
    for attempt in range(_RETRIES):
        try:
            _inspect_once(path, lang)
            return
        except sqlite3.OperationalError as exc:
            if _needs_rollback(exc):
                break
            # Another process creating the store or switching its mode at this moment: look again.
            if attempt < _RETRIES - 1 and (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == _SQLITE_IOERR:
                time.sleep(0.05 * (attempt + 1))
                continue
            raise
    try:
        with open(f"{path}-journal", "rb") as fh:
            valid = fh.read(len(_JOURNAL_MAGIC)) == _JOURNAL_MAGIC
    except OSError:
        valid = False
    if not valid:  # SQLite would delete a -journal it cannot read: keep it, moved aside with the file
        raise sqlite3.DatabaseError("malformed -journal")
    conn = sqlite3.connect(str(path), timeout=_BUSY_TIMEOUT_S)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # rolls the -journal back
    finally:
        conn.close()
    log.warning("answer store %s: an interrupted write was rolled back from its -journal", path)
    _inspect_once(path, lang)


def _inspect_once(path: Path, lang: str) -> None:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=_BUSY_TIMEOUT_S)
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else 'no result'}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        meta = _read_meta(conn)
    finally:
        conn.close()
    if tables - {"sqlite_sequence"} and meta.get("format") != STORE_FORMAT:
        raise AnswerStoreError(t("answers.error.not_a_store", _ui(lang), path=path))


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _needs_rollback(exc: sqlite3.DatabaseError) -> bool:
    """A read-only connection found a hot ``-journal`` it cannot roll back (SQLITE_READONLY_ROLLBACK)."""
    return getattr(exc, "sqlite_errorcode", None) == _SQLITE_READONLY_ROLLBACK


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "quick_check" in text


def _move_aside_if_damaged(file: Path, lang: str) -> Path | None:
    """Move ``file`` aside if it exists, is not empty and does not start like a SQLite database."""
    try:
        with file.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _open_failed(file, lang, exc) from exc
    # A zero-length file is what SQLite itself leaves before the first write: an empty store, not damage.
    if head == b"" or head == _SQLITE_MAGIC:
        return None
    return _move_aside(file, lang)


def _move_aside(file: Path, lang: str) -> Path:
    """Rename ``file`` (+ ``-wal``/``-shm``/``-journal``) to ``<stem>.corrupt-<UTC time>[-n].sqlite``;
    never overwrite.

    All or nothing: if one of them cannot be moved (a read-only folder), those already moved are moved
    back and :class:`AnswerStoreError` says so; nothing is changed.
    """
    stamp = _stamp()
    for n in range(1000):
        counter = "" if n == 0 else f"-{n}"
        target = file.with_name(f"{file.stem}.corrupt-{stamp}{counter}{file.suffix or SUFFIX}")
        if not any(Path(f"{target}{extra}").exists() for extra in ("", *_COMPANIONS)):
            break
    else:  # pragma: no cover - a thousand recoveries in one second
        raise AnswerStoreError(
            t("store.error.cannot_move_aside", _ui(lang), path=file, reason=t("system.exists", _ui(lang)))
        )
    moved: list[tuple[Path, Path]] = []
    try:
        for extra in ("", *_COMPANIONS):
            source, kept = Path(f"{file}{extra}"), Path(f"{target}{extra}")
            if _rename_no_overwrite(source, kept):
                moved.append((source, kept))
    except OSError as exc:
        for source, kept in reversed(moved):
            with contextlib.suppress(OSError):
                _rename_no_overwrite(kept, source)
        raise AnswerStoreError(
            t("store.error.cannot_move_aside", _ui(lang), path=file, reason=_reason(exc, lang))
        ) from exc
    log.warning(t("answers.recovered_log", "en", path=file, moved=target))
    return target


def _rename_no_overwrite(source: Path, target: Path) -> bool:
    """Rename ``source`` to ``target`` unless ``target`` exists; ``False`` if there was no ``source``."""
    try:
        os.link(source, target)  # fails if target exists: never overwrite a kept file
    except FileNotFoundError:
        return False  # no -wal/-shm, or another process already moved it
    except OSError:
        if target.exists():
            raise
        try:
            os.replace(source, target)  # file systems without hard links (FAT on a USB stick)
        except FileNotFoundError:
            return False
        return True
    source.unlink(missing_ok=True)
    return True
