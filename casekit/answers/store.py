"""The answer store: every answer a learner gives, kept as append-only revisions in one SQLite file.

>>> from casekit.answers import AnswerStore
>>> store = AnswerStore.open(case_id="samskabelse")          # doctest: +SKIP
>>> store.save("organisering-1", "Mit svar")                   # doctest: +SKIP
>>> store.get("organisering-1")                                # doctest: +SKIP
'Mit svar'

Its promises (append-only, any thread or process, durable, damage survived): :mod:`casekit.answers`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit._files import private_folder
from casekit.answers import document, recovery, sqlite
from casekit.answers.location import (
    STORE_SUFFIX,
    STORE_SUFFIXES,
    file_identity,
    make_store_private,
    pseudonym,
    refuse_other_file,
    resolve_file,
)
from casekit.answers.netfs import WAL, journal_mode_wanted
from casekit.answers.record import KEY_PATTERN, SOURCE_LOCAL, ImportResult, Revision, encode, validate_key
from casekit.case import DEFAULT_CASE
from casekit.clock import now
from casekit.errors import AnswerStoreBusyError, AnswerStoreError
from casekit.i18n import DEFAULT_LANG, t, ui_lang

if TYPE_CHECKING:
    from casekit.case import Case
    from casekit.figure import ExportFigure

__all__ = ["AnswerStore"]

log = logging.getLogger(__name__)


class _Damaged(Exception):
    """The store file is not a readable SQLite database (raised inside :meth:`AnswerStore.open`)."""


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
        #: How many revisions were read from the damaged file (or its ``-wal``/``-journal``) into this store.
        self.recovered_count = 0
        #: ``key → how many`` of the revisions the damaged file listed could not be read.
        self.unrecovered: dict[str, int] = {}
        self._side: str | None = None  # the orphan side file the revisions came from, if they did
        #: Opened with ``read_only=True``: nothing is ever written, created or moved.
        self.read_only = read_only
        #: How many times the store file was found deleted or replaced and its answers put back.
        self.restored = 0
        #: ``"wal"`` or ``"delete"`` (a rollback journal: on a network or FUSE folder, see
        #: :func:`~casekit.answers.network_filesystem` and :data:`~casekit.answers.JOURNAL_ENV`), the mode
        #: the file is in.
        self.journal_mode = WAL
        self._wanted = WAL
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
        case_id: str = DEFAULT_CASE,
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
            A folder (the file is named by :func:`~casekit.answers.store_file_name`) or a ``.sqlite``
            file. Default: :func:`~casekit.answers.default_answers_dir`.
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
            many revisions could be read from it or its ``-wal``/``-journal`` into the new file,
            ``unrecovered`` which of its answers had revisions that could not).

        Raises
        ------
        AnswerStoreError
            The file belongs to another case, was made by a newer casekit, is not an answer store (some
            other file is never replaced), cannot be opened at all (permissions, disk), or is damaged and
            cannot be moved aside (or the store is opened read-only).
        """
        if case is not None:
            if case_id not in (DEFAULT_CASE, case.id):
                raise AnswerStoreError(
                    t("answers.error.case_mismatch", ui_lang(case.lang), given=case_id, case=case.id)
                )
            case_id, case_version, lang = case.id, case.version, case.lang
        if not (isinstance(case_id, str) and KEY_PATTERN.fullmatch(case_id)):
            raise AnswerStoreError(t("answers.error.case_id_invalid", ui_lang(lang), case_id=repr(case_id)))
        file = resolve_file(path, case_id, learner)
        if read_only:
            return cls._open_read_only(file, case_id, str(case_version), lang)
        if not create and not file.exists() and not recovery.has_side_file(file):
            raise AnswerStoreError(t("answers.error.missing", ui_lang(lang), path=file))
        refuse_other_file(file, lang)
        try:
            private_folder(file.parent)
        except OSError as exc:
            raise sqlite.open_failed(file, lang, exc) from exc
        make_store_private(file)  # a store an older casekit made readable to all: the learner's own now
        # A -wal or -journal beside an empty or missing main file: SQLite would discard it. Move both
        # aside, recover what it holds. Damage the header shows (random bytes, a text file) is moved aside
        # before SQLite sees it.
        side = recovery.orphan_side_file(file)
        moved = recovery.move_aside(file, lang) if side else recovery.move_aside_if_damaged(file, lang)
        if moved is None:
            try:
                return cls._open_file(file, case_id, learner, str(case_version), lang, None)
            except _Damaged:
                pass
            if file.suffix not in STORE_SUFFIXES:  # a damaged SQLite file not named as ours: not ours to move
                raise AnswerStoreError(t("store.error.not_a_store_file", ui_lang(lang), path=file))
            # Damage only SQLite sees (a truncated file, a page of garbage): move it aside once.
            moved = recovery.move_aside(file, lang)
        # A fresh store, with every revision that can still be read from what was moved aside.
        salvaged = recovery.salvage(moved, side)
        try:
            store = cls._open_file(file, case_id, learner, str(case_version), lang, moved)
        except _Damaged as exc:  # pragma: no cover - a fresh file cannot be damaged
            raise sqlite.open_failed(file, lang, exc) from exc
        store._put_back(salvaged, side)
        return store

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
        store._wanted, why = journal_mode_wanted(file.parent)
        try:
            store._initialise(learner, why)
        except sqlite3.DatabaseError as exc:
            store.close()
            if sqlite.is_corruption(exc):
                raise _Damaged(str(exc)) from exc
            if isinstance(exc, sqlite3.OperationalError) and sqlite.is_busy(exc):
                raise AnswerStoreBusyError(sqlite.open_failed(file, lang, exc).args[0]) from exc
            raise sqlite.open_failed(file, lang, exc) from exc
        except (OSError, sqlite3.Error) as exc:
            store.close()
            raise sqlite.open_failed(file, lang, exc) from exc
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _open_read_only(cls, file: Path, case_id: str, case_version: str, lang: str) -> AnswerStore:
        recovery.refuse_unreadable(file, lang)
        ui = ui_lang(lang)
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
                store.journal_mode = sqlite.file_journal_mode(file)
                meta = sqlite.check_store(conn, file, lang)
            store._check_meta(meta)
        except sqlite3.DatabaseError as exc:
            store.close()
            if sqlite.is_corruption(exc):  # opened to save in, it would be moved aside only if named as ours
                ours = file.suffix in STORE_SUFFIXES
                key = "store.error.damaged_read_only" if ours else "store.error.not_a_store_file"
                raise AnswerStoreError(t(key, ui, path=file)) from exc
            if sqlite.needs_rollback(exc):
                raise AnswerStoreError(t("journal.error.needs_recovery", ui, path=file)) from exc
            raise sqlite.open_failed(file, lang, exc) from exc
        except (OSError, sqlite3.Error) as exc:
            store.close()
            raise sqlite.open_failed(file, lang, exc) from exc
        except BaseException:
            store.close()
            raise
        return store

    def _initialise(self, learner: str | None, why: str) -> None:
        """Inspect an existing file read-only, put it in the journal mode wanted (if it can be switched),
        then create the schema if missing and read the meta table."""
        if self.path.exists():
            recovery.inspect_setting_journal_aside(self.path, self.lang)
        with self._connection() as conn:
            clean = sqlite.set_journal_mode(conn, self._wanted, self.path, why)[1]
        if not clean:  # a failed switch leaves nothing behind: a fresh connection reads the file's mode
            self.close()
        with self._connection() as conn:
            self.journal_mode = sqlite.current_mode(conn)
            meta = sqlite.read_meta(conn)
            if not meta:
                self._write(conn, self._create_schema, learner)
                meta = sqlite.read_meta(conn)
            # A probe of every column: a file with our marker but another layout must not be written to.
            conn.execute(f"SELECT {sqlite.COLUMNS} FROM revisions LIMIT 1").fetchall()
        self._check_meta(meta)

    def _create_schema(self, conn: sqlite3.Connection, learner: str | None) -> None:
        for statement in sqlite.split_sql(sqlite.SCHEMA):
            conn.execute(statement)
        # INSERT OR IGNORE: when two processes create the store at once, the first one's meta wins.
        conn.executemany(
            "INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)",
            [
                ("format", sqlite.STORE_FORMAT),
                ("store_schema", str(sqlite.STORE_SCHEMA)),
                ("case_id", self.case_id),
                ("learner", learner if learner is not None else pseudonym()),
                ("created_at", now()),
            ],
        )

    def _check_meta(self, meta: dict[str, str]) -> None:
        lang = ui_lang(self.lang)
        try:
            schema = int(meta.get("store_schema", "0"))
        except ValueError:
            schema = 0
        if schema > sqlite.STORE_SCHEMA:
            raise AnswerStoreError(t("answers.error.newer_store", lang, path=self.path, found=schema))
        if meta.get("case_id") != self.case_id:
            found = meta.get("case_id")
            message = t("answers.error.other_case", lang, path=self.path, found=found, expected=self.case_id)
            raise AnswerStoreError(message)
        self.learner = meta.get("learner", "")
        self.created_at = meta.get("created_at", "")

    def _put_back(self, salvaged: recovery.Salvaged, side: str | None) -> None:
        """Fill a fresh store with what was recovered from a damaged file (from its orphan ``side`` file, if
        not ``None``): its revisions (numbers kept), and its learner and creation time if it was a store of
        this case. Closes the store if that fails."""
        rows, meta, unread = salvaged.rows, salvaged.meta, salvaged.unread
        if meta.get("case_id") not in (None, self.case_id):
            rows, unread = [], {}  # another case's answers stay in the moved-aside file, untouched
        try:
            with self._connection() as conn:
                added = self._write(conn, sqlite.merge_rows, rows, True)
                if meta.get("case_id") == self.case_id:
                    keep = {name: meta[name] for name in ("learner", "created_at") if meta.get(name)}
                    self._write(conn, sqlite.set_meta, keep)
                    self._check_meta(sqlite.read_meta(conn))
        except BaseException:
            self.close()
            raise
        self.recovered_count, self.unrecovered, self._side = added, dict(unread), side
        key = {None: "store.recovered_file_log", "-wal": "store.recovered_wal_log"}.get(
            side, "journal.recovered_log"
        )
        lost = sum(unread.values())
        log.warning(t(key, "en", path=self.path, moved=self.recovered_from, count=added, lost=lost))

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
            raise sqlite.Busy()
        try:
            if self._conn is not None and self._pid != os.getpid():
                # Inherited through fork: never use or close the parent's connection (keep a reference so
                # garbage collection does not close it either); open our own.
                self._inherited.append(self._conn)
                self._conn = None
            if self._conn is None:
                connect = sqlite.connect_read_only if self.read_only else sqlite.connect
                self._conn = connect(self.path)
                self._pid = os.getpid()
                self._identity = file_identity(self.path)
            elif writing:
                self._check_file()
            yield self._conn
        finally:
            self._lock.release()

    def _check_file(self) -> None:
        """Put the store back if its file was deleted (or replaced by another file) since it was opened."""
        identity = file_identity(self.path)
        if identity is not None and identity == self._identity:
            return
        assert self._conn is not None
        old = self._conn
        rows = old.execute(f"SELECT {sqlite.COLUMNS} FROM revisions ORDER BY revision").fetchall()
        private_folder(self.path.parent)
        placed = False
        if identity is None:
            placed = recovery.vacuum_into_place(old, self.path)
        if placed:
            new = sqlite.connect(self.path)
            try:
                mode = sqlite.set_journal_mode(new, self._wanted, self.path, "restored")[0]
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

    def _merge_into_other(self, old: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
        try:
            other = type(self).open(self.path, self.case_id, case_version=self.case_version, lang=self.lang)
        except AnswerStoreError:
            # Not a store of ours at the path: keep our answers beside it, never in its place.
            suffix = self.path.suffix or STORE_SUFFIX
            kept = self.path.with_name(f"{self.path.stem}.restored-{recovery.stamp()}{suffix}")
            recovery.vacuum_copy(old, kept)
            raise AnswerStoreError(
                t("store.error.restore_conflict", ui_lang(self.lang), path=self.path, kept=kept)
            ) from None
        with other._connection() as conn:
            other._write(conn, sqlite.merge_rows, rows, False)
            new, other._conn = other._conn, None
        assert new is not None
        self._swap(old, new)
        self.journal_mode = other.journal_mode
        self.learner, self.created_at = other.learner, other.created_at

    def _swap(self, old: sqlite3.Connection, new: sqlite3.Connection) -> None:
        self._conn = new
        self._identity = file_identity(self.path)
        with contextlib.suppress(sqlite3.Error):
            old.close()

    def _write(
        self, conn: sqlite3.Connection, body: Any, *args: Any, wait: float | None = None, **kwargs: Any
    ) -> Any:
        """:func:`casekit.answers.sqlite.write` of ``body(conn, *args, **kwargs)`` in this store's journal
        mode."""
        call = functools.partial(body, **kwargs) if kwargs else body
        return sqlite.write(conn, call, *args, wal=self.journal_mode == WAL, wait=wait)

    @property
    def synchronous(self) -> int:
        """SQLite's ``synchronous`` setting of the store's own connection: ``3`` (EXTRA) for writing.

        Every connection the store writes with syncs each commit (and, with a rollback journal, the
        folder after it); a new connection of another program gets SQLite's default.
        """
        with self._connection() as conn:
            return int(conn.execute("PRAGMA synchronous").fetchone()[0])

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
    def encode(self, key: str, value: Any) -> str:
        """The JSON text this store would keep for ``value`` under ``key``; nothing is written.

        What :meth:`save` checks before it writes, so that a caller (the :class:`~casekit.answers.SaveQueue`)
        can refuse at once what no retry can mend. Lone UTF-16 surrogates are replaced by U+FFFD.

        Raises
        ------
        AnswerTooBigError
            The JSON text is over :data:`~casekit.answers.MAX_ANSWER_BYTES`.
        AnswerStoreError
            The key is invalid, or the value is not JSON data (the message, in the store's language,
            names the key and the type).
        """
        return encode(key, value, self.lang)[0]

    def save(
        self, key: str, value: Any, *, wait: float | None = None, based_on: str | None = None
    ) -> Revision:
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
        based_on : str, optional
            The ``saved_at`` of the revision ``value`` was edited from (``""``: none). If the key's latest is
            another when the write's transaction reads it, the save is made all the same and the revision
            returned has it as ``superseded``. ``None``: not checked.

        Returns
        -------
        Revision
            The stored revision; it is on disk, and in the main file, when this returns.

        Raises
        ------
        AnswerStoreBusyError
            Another process held the store's lock for longer than ``wait``; nothing was written.
        AnswerTooBigError
            The value's JSON is over :data:`~casekit.answers.MAX_ANSWER_BYTES`, or it would be a new key
            beyond :data:`~casekit.answers.MAX_KEYS`.
        AnswerStoreError
            The key is invalid, the value is not JSON data (the message names the key and the type), the
            store was opened read-only, or the disk refused the write.
        """
        text, replaced = encode(key, value, self.lang)
        if self.read_only:
            raise AnswerStoreError(t("store.error.read_only", ui_lang(self.lang), key=key, path=self.path))
        started = time.monotonic()
        try:
            with self._connection(writing=True, wait=wait) as conn:
                remaining = None if wait is None else max(0.0, wait - (time.monotonic() - started))
                local = {"case_version": self.case_version, "lang": self.lang, "based_on": based_on}
                revision: Revision = self._write(
                    conn, sqlite.insert_local, key, text, wait=remaining, **local
                )
        except sqlite.Busy as exc:
            raise sqlite.busy_error(self.path, key, wait, self.lang) from exc.__cause__
        except AnswerStoreError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise sqlite.write_failed(self.path, key, exc, self.lang) from exc
        if replaced:
            log.info("answer %s: %d unstorable character(s) saved as U+FFFD", key, replaced)
            revision = dataclasses.replace(revision, replaced=replaced)
        return revision

    def import_revisions(
        self, revisions: Iterable[Revision], *, identity: dict[str, str] | None = None
    ) -> ImportResult:
        """Merge revisions (e.g. from an export) in one transaction; nothing in the store is lost.

        A revision whose key, ``saved_at`` and value the store already has is skipped; every other one is
        appended with its own ``saved_at``, case version and language and ``source="import"``. ``identity``
        (``learner`` and ``created_at``, :meth:`AnswerExport.identity`) is taken on only by a store that held
        no answers yet, so that a learner's restored store shares as the same learner.

        Raises
        ------
        AnswerTooBigError
            A value is over :data:`~casekit.answers.MAX_ANSWER_BYTES`, or the batch would bring the store
            over :data:`~casekit.answers.MAX_KEYS` different answers; the message names the key. Nothing
            is written.
        AnswerStoreError
            An invalid key or value, a read-only store, or the disk refused the write. Nothing is written.
        """
        incoming = []
        for r in revisions:
            text, _ = encode(r.key, r.value, self.lang)
            incoming.append((r.key, text, r.saved_at, r))
        if self.read_only:
            raise AnswerStoreError(t("store.error.read_only", ui_lang(self.lang), key="*", path=self.path))
        try:
            with self._connection(writing=True) as conn:
                result: ImportResult = self._write(
                    conn, sqlite.insert_imported, incoming, lang=self.lang, identity=identity
                )
                self._check_meta(sqlite.read_meta(conn))
                return result
        except sqlite.Busy as exc:
            raise sqlite.busy_error(self.path, "*", None, self.lang) from exc.__cause__
        except AnswerStoreError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise sqlite.write_failed(self.path, "*", exc, self.lang) from exc

    def import_file(self, path: str | os.PathLike[str]) -> ImportResult:
        """Merge an exported JSON file into the store (see :meth:`import_revisions`).

        The whole file is checked before anything is written (:func:`.document.read_import_file`).

        Raises
        ------
        AnswerImportError
            The file is missing, too big (> 20 MB), not UTF-8 or JSON, not a casekit answer export, of
            another case, has a field of the wrong type, or (unless it is the store's own copy, or the
            store holds no answers) a time days ahead of this clock; the message (in the store's
            language) says what and where. The store is unchanged.
        """
        data = document.read_import_file(path, case_id=self.case_id, lang=self.lang, ahead=True)
        data.check_ahead(self.identity() if self.count() else None)
        return self.import_revisions(data.revisions, identity=data.identity(self.learner))

    def import_bytes(self, content: bytes, name: str = "upload.json") -> ImportResult:
        """Like :meth:`import_file`, for the bytes of an uploaded file; ``name`` is used in messages."""
        data = document.parse_import(content, case_id=self.case_id, lang=self.lang, name=name, ahead=True)
        data.check_ahead(self.identity() if self.count() else None)
        return self.import_revisions(data.revisions, identity=data.identity(self.learner))

    # -- reading ---------------------------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        """The latest value of ``key``, or ``default`` if it was never saved."""
        latest = self.latest(key)
        return default if latest is None else latest.value

    def latest(self, key: str) -> Revision | None:
        """The latest revision of ``key`` (newest ``saved_at``, then highest number), or ``None``."""
        validate_key(key, self.lang)
        rows = self._query(sqlite.LATEST, (key,))
        return sqlite.revision_of(rows[0]) if rows else None

    def holds(self, key: str, saved_at: str) -> bool:
        """Whether the store has a revision of ``key`` saved at ``saved_at`` (casekit's stored form)."""
        validate_key(key, self.lang)
        sql = "SELECT 1 FROM revisions WHERE key = ? AND saved_at = ? LIMIT 1"
        return bool(self._query(sql, (key, saved_at)))

    def history(self, key: str) -> list[Revision]:
        """Every revision of ``key``, oldest first; the last one is the answer."""
        validate_key(key, self.lang)
        rows = self._query(
            f"SELECT {sqlite.COLUMNS} FROM revisions WHERE key = ? ORDER BY saved_at, revision", (key,)
        )
        return [sqlite.revision_of(row) for row in rows]

    def revisions(self) -> list[Revision]:
        """Every revision of every key, grouped by key (sorted), each key's oldest first."""
        rows = self._query(f"SELECT {sqlite.COLUMNS} FROM revisions ORDER BY key, saved_at, revision")
        return [sqlite.revision_of(row) for row in rows]

    def keys(self, *, local: bool = False) -> list[str]:
        """The keys that have at least one revision (``local``: one saved here, not imported), sorted."""
        sql = "SELECT DISTINCT key FROM revisions WHERE ? OR source = ? ORDER BY key"
        return [row[0] for row in self._query(sql, (not local, SOURCE_LOCAL))]

    def as_dict(self) -> dict[str, Any]:
        """``{key: latest value}`` for every key, sorted by key."""
        rows = self._query(
            "SELECT r.key, r.value FROM revisions AS r WHERE r.revision = ("
            " SELECT s.revision FROM revisions AS s WHERE s.key = r.key"
            " ORDER BY s.saved_at DESC, s.revision DESC LIMIT 1) ORDER BY r.key"
        )
        return {key: json.loads(value) for key, value in rows}

    def identity(self) -> tuple[str, str]:
        """``(learner, created_at)`` as the file holds them now (another notebook may have restored them)."""
        meta = dict(self._query("SELECT name, value FROM meta WHERE name IN ('learner', 'created_at')"))
        self.learner = meta.get("learner", self.learner)
        self.created_at = meta.get("created_at", self.created_at)
        return self.learner, self.created_at

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
                raise sqlite.read_failed(self.path, exc, self.lang) from exc
            except OSError as exc:
                raise sqlite.read_failed(self.path, exc, self.lang) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    # -- export and messages ---------------------------------------------------------------------------------
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
        moved, ui = self.recovered_from, ui_lang(lang or self.lang)
        if moved is None:
            return None
        return recovery.message(moved, self._side, self.recovered_count, ui, self.unrecovered)

    def restore_message(self, lang: str | None = None) -> str | None:
        """A sentence for the learner if the store file was deleted while in use and put back, else None."""
        return t("store.restored", ui_lang(lang or self.lang), path=self.path) if self.restored else None
