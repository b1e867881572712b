"""The store's file: its SQLite schema, and connecting to, inspecting and writing to it.

A public module of the answers package (tests and tools use :data:`SCHEMA` and :func:`split_sql` to
build a store file by hand); the format itself is described in ``docs/answers-format.md``.

* :func:`connect` opens a connection for writing (``synchronous=EXTRA``), :func:`connect_read_only` one
  that cannot change, create or delete anything.
* :func:`set_journal_mode` switches a file between WAL and a rollback journal when it can.
* :func:`inspect` checks an existing file without changing a byte of it; :func:`stray_journal` tells a
  ``-journal`` SQLite cannot roll back from one it can.
* :func:`write` runs one ``BEGIN IMMEDIATE`` transaction with retries, then checkpoints; inside it
  :func:`insert_local`, :func:`insert_imported` and :func:`merge_rows` append revisions.
* :func:`is_busy`, :func:`is_corruption` and :func:`needs_rollback` sort SQLite's errors.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casekit._files import create_private
from casekit.answers.netfs import DELETE, WAL
from casekit.answers.record import (
    MAX_KEYS,
    SOURCE_IMPORT,
    SOURCE_LOCAL,
    ImportResult,
    Revision,
    too_many_keys,
)
from casekit.clock import later, now
from casekit.errors import AnswerStoreBusyError, AnswerStoreError
from casekit.i18n import reason, t, ui_lang

__all__ = [
    "BUSY_TIMEOUT_S",
    "COLUMNS",
    "JOURNAL_MAGIC",
    "LATEST",
    "RETRIES",
    "SCHEMA",
    "STORE_FORMAT",
    "STORE_SCHEMA",
    "Busy",
    "StrayJournal",
    "busy_error",
    "check_rows",
    "check_store",
    "connect",
    "connect_read_only",
    "current_mode",
    "file_journal_mode",
    "insert_imported",
    "insert_local",
    "inspect",
    "is_busy",
    "is_corruption",
    "merge_rows",
    "needs_rollback",
    "open_failed",
    "read_failed",
    "read_meta",
    "revision_of",
    "save_time",
    "set_journal_mode",
    "set_meta",
    "split_sql",
    "stray_journal",
    "write",
    "write_failed",
]

log = logging.getLogger(__name__)

STORE_FORMAT = "casekit-answer-store"
"""The ``format`` in a store file's ``meta`` table."""
STORE_SCHEMA = 1
"""The version of the store file's tables this casekit writes (a newer one is refused)."""
BUSY_TIMEOUT_S = 15.0
"""How long one attempt waits for another process's lock."""
RETRIES = 5
"""How many attempts a write makes before the store counts as busy."""
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
"""The first bytes of a rollback ``-journal``."""
# How long opening tries to switch a file's journal mode before it keeps the one it has (another notebook
# holding the store open in WAL mode blocks the switch for as long as it is open).
_SWITCH_WAIT_S = 0.5
# SQLITE_READONLY_ROLLBACK: a hot -journal a read-only connection cannot roll back.
_SQLITE_READONLY_ROLLBACK = 776
# SQLite result codes that mean "this file is damaged", as opposed to locked, read-only or missing.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SQLITE_IOERR = 10

SCHEMA = """
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
"""The tables, index and append-only triggers of a store file (run it with :func:`split_sql`)."""

COLUMNS = "revision, key, value, saved_at, case_version, lang, source"
"""The columns of a revision row, in the order :func:`revision_of` reads them."""
LATEST = f"SELECT {COLUMNS} FROM revisions WHERE key = ? ORDER BY saved_at DESC, revision DESC LIMIT 1"
"""A key's latest revision (newest ``saved_at``, then highest number): the answer."""


class Busy(Exception):
    """Another process (or thread) held the store longer than the caller would wait."""


class StrayJournal(sqlite3.DatabaseError):
    """Beside an intact main file, a ``-journal`` SQLite cannot roll back (:func:`stray_journal`); raised by
    :func:`inspect`, so that the caller sets it aside. Uncaught, it is damage (:func:`is_corruption`)."""


def split_sql(script: str) -> list[str]:
    """Split ``script`` (e.g. :data:`SCHEMA`) into statements; trigger bodies keep their inner ``;``."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        in_trigger = joined.upper().startswith("CREATE TRIGGER")
        if joined.endswith(";") and (not in_trigger or joined.endswith("END;")):
            statements.append(joined)
            current = []
    return statements


def revision_of(row: tuple[Any, ...]) -> Revision:
    """The :class:`~casekit.answers.Revision` of a row of :data:`COLUMNS`."""
    number, key, value, saved_at, case_version, lang, source = row
    return Revision(key, json.loads(value), saved_at, number, case_version, lang, source)


# -- connecting ----------------------------------------------------------------------------------------------
def connect(path: Path) -> sqlite3.Connection:
    """A connection for reading and writing, usable from any thread (its user serialises access)."""
    # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves; check_same_thread=False because
    # widget callbacks arrive on other threads (access is serialised by the store's lock).
    # SQLite would create the file 0644, and its -wal, -shm and -journal with the main file's mode: a
    # private main file keeps them all private.
    create_private(path)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
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


def connect_read_only(path: Path) -> sqlite3.Connection:
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
    in_use = wal.exists() or shm.exists() or file_journal_mode(path) == DELETE
    modes = ["mode=ro", "immutable=1"] if in_use else ["immutable=1"]
    failure: sqlite3.Error | None = None
    for mode in modes:
        try:
            conn = sqlite3.connect(
                f"{uri}?{mode}",
                uri=True,
                timeout=BUSY_TIMEOUT_S,
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
            if needs_rollback(exc) and stray_journal(path):  # nothing to roll back: read the file as it is
                failure = exc
                continue
            if is_corruption(exc) or needs_rollback(exc):  # immutable=1 would read a half-made write
                raise
            failure = exc
            continue
        if mode == "immutable=1" and wal.exists() and wal.stat().st_size > 0:
            log.warning(t("store.wal_ignored_log", "en", path=path))
        return conn
    assert failure is not None
    raise failure


def open_failed(file: Path, lang: str, exc: BaseException) -> AnswerStoreError:
    """The error for a store file that cannot be opened, with the system's reason in catalog words."""
    ui = ui_lang(lang)
    why = reason(exc, lang) if isinstance(exc, (OSError, sqlite3.Error)) else t("system.damaged", ui)
    return AnswerStoreError(t("answers.error.open_failed", ui, path=file, reason=why))


def busy_error(path: Path, key: str, wait: float | None, lang: str) -> AnswerStoreBusyError:
    """The error for a save of ``key`` that waited ``wait`` seconds (``None``: every retry) in vain."""
    seconds = BUSY_TIMEOUT_S * RETRIES if wait is None else wait
    return AnswerStoreBusyError(
        t("store.error.busy", ui_lang(lang), key=key, path=path, seconds=f"{seconds:g}")
    )


def write_failed(path: Path, key: str, exc: BaseException, lang: str) -> AnswerStoreError:
    """The error for a save of ``key`` the system refused, with its reason in catalog words."""
    return AnswerStoreError(
        t("answers.error.write_failed", ui_lang(lang), key=key, path=path, reason=reason(exc, lang))
    )


def read_failed(path: Path, exc: BaseException, lang: str) -> AnswerStoreError:
    """The error for a read the system refused, with its reason in catalog words."""
    return AnswerStoreError(
        t("answers.error.read_failed", ui_lang(lang), path=path, reason=reason(exc, lang))
    )


# -- journal modes -------------------------------------------------------------------------------------------
def set_journal_mode(conn: sqlite3.Connection, wanted: str, path: Path, why: str) -> tuple[str, bool]:
    """Put the file in journal mode ``wanted`` (``wal``/``delete``) if it can be; return the mode it is in.

    The mode is kept in the file, so this is a no-op once done. Switching needs the file to itself (another
    notebook with it open in WAL mode blocks it); after half a second the file keeps its mode, which is
    logged, and opening goes on: both modes keep every guarantee of the store. Leaving WAL, the ``-wal`` is
    checkpointed into the main file first (SQLite does so too), so nothing is lost.

    Returns the mode, and ``False`` if a switch failed with an error (the caller then opens a fresh
    connection rather than go on with this one).
    """
    current = current_mode(conn)
    if current == wanted:
        return current, True
    clean = True
    conn.execute(f"PRAGMA busy_timeout = {int(_SWITCH_WAIT_S * 1000)}")
    try:
        for attempt in range(3):
            try:
                if current == WAL:
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
            current = current_mode(conn)
            if current == wanted:  # another process switched it meanwhile
                return current, clean
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    log.warning(
        "answer store %s kept its %s journal: %s asks for %s, but another process has it open",
        path,
        current,
        why,
        wanted,
    )
    return current, clean


def current_mode(conn: sqlite3.Connection) -> str:
    """``wal`` or ``delete`` (any rollback journal: delete, truncate, persist…) for the open file."""
    for attempt in range(RETRIES):
        try:
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            return WAL if mode == WAL else DELETE
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def file_journal_mode(path: Path) -> str:
    """``wal`` or ``delete`` as the file's header says (bytes 18–19: 2 for WAL, 1 for a rollback journal)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return WAL
    return WAL if len(header) == 20 and header[18] == 2 else DELETE


# -- the meta table ------------------------------------------------------------------------------------------
def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    """The ``meta`` table as a mapping; ``{}`` if the file has none."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return dict(conn.execute("SELECT name, value FROM meta").fetchall()) if "meta" in tables else {}


def set_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    """Change the ``meta`` entries named in ``values``."""
    for name, value in values.items():
        conn.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name))


# -- checking a file -----------------------------------------------------------------------------------------
def inspect(path: Path, lang: str) -> None:
    """Check an existing file without changing a byte of it.

    A read-only connection cannot checkpoint, reset or delete the ``-wal`` file, so a damaged store is moved
    aside exactly as it was found, and a foreign database is refused untouched (no switch to WAL mode).

    A hot ``-journal`` (a write interrupted in rollback-journal mode) cannot be rolled back by a read-only
    connection; it is rolled back first by an ordinary one, as SQLite would at the first read, so the file
    is inspected as it was before the interrupted write. A ``-journal`` that is not one SQLite can roll back
    (:func:`stray_journal`) is left alone and the main file inspected on its own.

    Raises
    ------
    StrayJournal
        The main file is intact, beside a stray ``-journal`` (set it aside and inspect again).
    sqlite3.DatabaseError
        The file is damaged (see :func:`is_corruption`).
    AnswerStoreError
        The file is a healthy SQLite database that is not a casekit answer store.
    """
    for attempt in range(RETRIES):
        try:
            _inspect_once(path, lang)
            return
        except sqlite3.OperationalError as exc:
            if needs_rollback(exc):
                break
            # Another process creating the store or switching its mode at this moment: look again.
            if attempt < RETRIES - 1 and (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == _SQLITE_IOERR:
                time.sleep(0.05 * (attempt + 1))
                continue
            raise
    if stray_journal(path):
        # SQLite would delete it (or roll garbage in) and use the main file as it is: check the main file on
        # its own; if it is damaged, the -journal is moved aside with it.
        _inspect_once(path, lang, immutable=True)
        raise StrayJournal("malformed -journal")
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # rolls the -journal back
    finally:
        conn.close()
    log.warning("answer store %s: an interrupted write was rolled back from its -journal", path)
    _inspect_once(path, lang)


def check_store(conn: sqlite3.Connection, path: Path, lang: str) -> dict[str, str]:
    """Check, through an open connection, that ``path`` is a whole answer store; return its meta table.

    Raises
    ------
    sqlite3.DatabaseError
        The file is damaged (``PRAGMA quick_check`` fails) or its revisions table lacks a column.
    AnswerStoreError
        The file is a SQLite database that is not a casekit answer store.
    """
    check = conn.execute("PRAGMA quick_check").fetchone()
    if check is None or check[0] != "ok":
        raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else 'no result'}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    meta = read_meta(conn)
    if meta.get("format") != STORE_FORMAT or "revisions" not in tables:
        raise AnswerStoreError(t("answers.error.not_a_store", ui_lang(lang), path=path))
    check_rows(conn)
    return meta


def check_rows(conn: sqlite3.Connection) -> None:
    """Check that every revision reads back as a save wrote it: its texts are UTF-8 and its value is JSON.

    ``PRAGMA quick_check`` checks the structure of the pages, not what they hold: an overflow page of a
    long answer overwritten with zeros passes it, and the revision would then fail every read of the store.

    Raises
    ------
    sqlite3.DatabaseError
        A revision that does not read back ("malformed revision": :func:`is_corruption`).
    """
    try:
        for number, key, value, *texts in conn.execute(f"SELECT {COLUMNS} FROM revisions"):
            if not all(isinstance(text, str) for text in (key, value, *texts)):
                raise sqlite3.DatabaseError(f"malformed revision {number}")  # a field is not text
            json.loads(value)
    except ValueError as exc:
        raise sqlite3.DatabaseError(f"malformed revision: {exc}") from exc
    except sqlite3.OperationalError as exc:  # "Could not decode to UTF-8 column ..."
        if "decode" not in str(exc).lower():
            raise
        raise sqlite3.DatabaseError(f"malformed revision: {exc}") from exc


def stray_journal(path: Path) -> bool:
    """Whether the ``-journal`` beside ``path`` is one SQLite takes for an interrupted write (its first byte
    is not 0) but cannot roll back into ``path``: it has no journal header, or one of another page size.
    SQLite would delete it (or, of another page size, roll its pages in)."""
    try:
        with open(f"{path}-journal", "rb") as fh:
            header = fh.read(28)
        with path.open("rb") as fh:
            main = fh.read(18)
    except OSError:
        return False
    if not header or header[0] == 0:  # SQLite ignores it
        return False
    if len(header) < 28 or header[:8] != JOURNAL_MAGIC:
        return True
    sector, page = int.from_bytes(header[20:24], "big"), int.from_bytes(header[24:28], "big")
    main_page = int.from_bytes(main[16:18], "big") if len(main) == 18 else 0
    sizes = {2**n for n in range(5, 17)}
    return sector not in sizes or page not in sizes or page != (65536 if main_page == 1 else main_page)


def _inspect_once(path: Path, lang: str, *, immutable: bool = False) -> None:
    mode = "immutable=1" if immutable else "mode=ro"  # immutable=1 opens read-only, ignores side files
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else 'no result'}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        meta = read_meta(conn)
        if tables - {"sqlite_sequence"} and meta.get("format") != STORE_FORMAT:
            raise AnswerStoreError(t("answers.error.not_a_store", ui_lang(lang), path=path))
        if "revisions" in tables:
            check_rows(conn)
    finally:
        conn.close()


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether ``exc`` says the file is locked by another connection."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def needs_rollback(exc: sqlite3.DatabaseError) -> bool:
    """A read-only connection found a hot ``-journal`` it cannot roll back (SQLITE_READONLY_ROLLBACK)."""
    return getattr(exc, "sqlite_errorcode", None) == _SQLITE_READONLY_ROLLBACK


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """Whether ``exc`` says the file is damaged (as opposed to locked, read-only or missing)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "quick_check" in text


# -- writing -------------------------------------------------------------------------------------------------
def write(
    conn: sqlite3.Connection,
    body: Callable[..., Any],
    *args: Any,
    wal: bool,
    wait: float | None = None,
) -> Any:
    """Run ``body(conn, *args)`` in one ``BEGIN IMMEDIATE`` transaction, then checkpoint (if ``wal``).

    ``wait`` None: retry while locked (busy timeout × retries); else wait at most ``wait`` seconds. With
    a rollback journal the ``COMMIT`` itself may find the file busy (it needs readers gone): the
    transaction is rolled back and tried again, like a busy ``BEGIN``.

    Raises
    ------
    Busy
        The file stayed locked; nothing was written.
    """
    if wait is None:
        attempts, deadline = RETRIES, None
    else:
        attempts, deadline = 1, time.monotonic() + max(wait, 0.0)
        conn.execute(f"PRAGMA busy_timeout = {int(max(wait, 0.0) * 1000)}")
    try:
        for attempt in range(attempts):
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if is_busy(exc) and attempt < attempts - 1:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                if is_busy(exc):
                    raise Busy() from exc
                raise
            try:
                result = body(conn, *args)
                conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and is_busy(exc):
                    if attempt < attempts - 1:
                        time.sleep(0.05 * (attempt + 1))
                        continue
                    raise Busy() from exc
                raise
            # The commit is durable in the -wal; copy it into the main file too (never waits, never
            # fails the save), so that the .sqlite on its own holds every answer. A rollback journal
            # has written it into the main file already.
            if wal:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            return result
        raise AssertionError("unreachable")  # pragma: no cover
    finally:
        if deadline is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


def merge_rows(conn: sqlite3.Connection, rows: list[tuple[Any, ...]], keep_numbers: bool) -> int:
    """Append the revisions in ``rows`` (full rows) the store does not have yet (same key, time, value);
    with ``keep_numbers`` a row keeps its revision number where it is free. Returns how many were added."""
    seen = set(conn.execute("SELECT key, saved_at, value FROM revisions").fetchall())
    taken = {row[0] for row in conn.execute("SELECT revision FROM revisions")} if keep_numbers else set()
    added = 0
    for number, key, value, saved_at, case_version, lang, source in rows:
        if (key, saved_at, value) in seen:
            continue
        fields = (key, value, saved_at, case_version, lang, source)
        if keep_numbers and number not in taken:
            conn.execute(f"INSERT INTO revisions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", (number, *fields))
        else:
            conn.execute(
                "INSERT INTO revisions (key, value, saved_at, case_version, lang, source) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                fields,
            )
        seen.add((key, saved_at, value))
        added += 1
    return added


def insert_local(
    conn: sqlite3.Connection,
    key: str,
    text: str,
    *,
    case_version: str,
    lang: str,
    based_on: str | None = None,
) -> Revision:
    """Append a revision typed here (``text`` is its JSON) and return it; call inside :func:`write`.

    Its ``saved_at`` is now, or just after the key's newest revision if that is later (see
    :func:`save_time`). With ``based_on`` (the ``saved_at`` of the revision the value was edited from,
    ``""`` for none), the key's latest revision is read in the same transaction and, if it is another, set
    as the returned revision's ``superseded``.

    Raises
    ------
    AnswerTooBigError
        ``key`` is new and the store already holds :data:`~casekit.answers.MAX_KEYS` answers saved here
        (keys an import brought do not count: a file of unknown keys never stops the learner's own saves).
    """
    saved_at = now()
    superseded = None
    if based_on is not None:
        latest = conn.execute(LATEST, (key,)).fetchone()
        if latest is not None and latest[3] != based_on:
            superseded = revision_of(latest)
    (newest,) = conn.execute("SELECT max(saved_at) FROM revisions WHERE key = ?", (key,)).fetchone()
    if newest is None:
        local = "SELECT count(DISTINCT key) FROM revisions WHERE source = ?"
        if conn.execute(local, (SOURCE_LOCAL,)).fetchone()[0] >= MAX_KEYS:
            raise too_many_keys(key, lang)
    elif newest >= saved_at:
        saved_at = save_time(newest, saved_at)
    cursor = conn.execute(
        "INSERT INTO revisions (key, value, saved_at, case_version, lang, source) VALUES (?, ?, ?, ?, ?, ?)",
        (key, text, saved_at, case_version, lang, SOURCE_LOCAL),
    )
    revision = int(cursor.lastrowid or 0)
    return Revision(key, json.loads(text), saved_at, revision, case_version, lang, superseded=superseded)


def insert_imported(
    conn: sqlite3.Connection,
    incoming: list[tuple[str, str, str, Revision]],
    *,
    lang: str,
    identity: dict[str, str] | None = None,
) -> ImportResult:
    """Append the ``(key, JSON text, saved_at, revision)`` the store does not have yet (same key, time and
    text), each with its own time, case version and language; call inside :func:`write`. A store that held
    no revision yet takes on ``identity`` (meta ``learner`` and ``created_at``), in the same transaction.

    Raises
    ------
    AnswerTooBigError
        The batch would bring the store over :data:`~casekit.answers.MAX_KEYS` answers (nothing is kept:
        :func:`write` rolls back).
    """
    present_keys = {row[0] for row in conn.execute("SELECT DISTINCT key FROM revisions")}
    if identity and not present_keys:
        set_meta(conn, identity)
    for key, *_ in incoming:
        if key not in present_keys:
            if len(present_keys) >= MAX_KEYS:
                raise too_many_keys(key, lang)
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


def save_time(newest: str, current: str) -> str:
    """The time for a save when the key's newest revision is at or after ``current`` (``current`` unused):
    1 µs after it, however far ahead it is, so that each save of a key has a time of its own (a control's
    ``based_on`` names the revision it showed by its time); the same time only at the end of the calendar,
    where the higher revision number wins the tie."""
    try:
        return later(newest)
    except (ValueError, OverflowError):
        return newest
