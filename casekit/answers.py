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
* **Durable.** ``synchronous=FULL``: once :meth:`AnswerStore.save` returns, the revision is on disk, so a
  killed kernel (or a power cut) loses nothing.
* **Damage is survived, never destroyed.** A file that is not a readable SQLite database is renamed to
  ``<name>.corrupt-<UTC time>.sqlite`` (with its ``-wal``/``-shm``), a fresh store starts, and
  :attr:`AnswerStore.recovered_from` says where the old file went.

The file format (tables ``meta`` and ``revisions``) and the export format are described in
``docs/answers-format.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.clock import later, normalise_time, now
from casekit.errors import AnswerStoreError
from casekit.i18n import DEFAULT_LANG, t
from casekit.i18n import ui_lang as _ui

if TYPE_CHECKING:
    from casekit.case import Case
    from casekit.export import ExportFigure

__all__ = [
    "ANSWERS_ENV",
    "AnswerStore",
    "ImportResult",
    "Revision",
    "default_answers_dir",
    "normalise_time",
    "store_file_name",
    "to_json",
    "validate_key",
]

log = logging.getLogger(__name__)

ANSWERS_ENV = "CASEKIT_ANSWERS"
STORE_FORMAT = "casekit-answer-store"
STORE_SCHEMA = 1
SUFFIX = ".sqlite"
KEY_PATTERN = re.compile(r"^[a-z0-9._-]+$")
SOURCE_LOCAL = "local"
SOURCE_IMPORT = "import"

_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_S = 15.0
_RETRIES = 5
# SQLite result codes that mean "this file is damaged", as opposed to locked, read-only or missing.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26

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
    """

    key: str
    value: Any
    saved_at: str
    revision: int
    case_version: str
    lang: str
    source: str = SOURCE_LOCAL


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
    current folder is the notebook's folder, so answers land beside the notebooks either way).
    """
    override = os.environ.get(ANSWERS_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    base = Path(cwd) if cwd is not None else Path.cwd()
    if (base / "notebooks").is_dir():
        return base / "notebooks" / "answers"
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
    ) -> None:
        self.path = path
        self.case_id = case_id
        self.learner = learner
        self.created_at = created_at
        self.case_version = case_version
        self.lang = lang
        #: Where a damaged store file was moved when this store was opened, else ``None``.
        self.recovered_from = recovered_from
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
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

        Returns
        -------
        AnswerStore
            ``recovered_from`` is set if a damaged file had to be moved aside.

        Raises
        ------
        AnswerStoreError
            The file belongs to another case, was made by a newer casekit, is not an answer store, or
            cannot be opened at all (permissions, disk).
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
        if not create and not file.exists():
            raise AnswerStoreError(t("answers.error.missing", _ui(lang), path=file))
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AnswerStoreError(t("answers.error.open_failed", _ui(lang), path=file, reason=exc)) from exc
        # Damage the header shows (random bytes, a text file) is moved aside before SQLite sees it.
        recovered = _move_aside_if_damaged(file, lang)
        try:
            return cls._open_file(file, case_id, learner, str(case_version), lang, recovered)
        except _Damaged:
            if recovered is not None:  # pragma: no cover - a fresh file cannot be damaged
                raise
        # Damage only SQLite sees (e.g. a truncated file): move it aside once and start afresh.
        moved = _move_aside(file, lang)
        try:
            return cls._open_file(file, case_id, learner, str(case_version), lang, moved)
        except _Damaged as exc:  # pragma: no cover - a fresh file cannot be damaged
            raise AnswerStoreError(t("answers.error.open_failed", _ui(lang), path=file, reason=exc)) from exc

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
        try:
            store._initialise(learner)
        except sqlite3.DatabaseError as exc:
            store.close()
            if _is_corruption(exc):
                raise _Damaged(str(exc)) from exc
            raise AnswerStoreError(t("answers.error.open_failed", _ui(lang), path=file, reason=exc)) from exc
        except BaseException:
            store.close()
            raise
        return store

    def _initialise(self, learner: str | None) -> None:
        """Inspect an existing file read-only, then create the schema if missing and read the meta table."""
        if self.path.exists():
            _inspect(self.path, self.lang)
        with self._connection() as conn:
            _enable_wal(conn)
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

    # -- connection handling ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """The store's connection, for the calling thread's exclusive use while the block runs."""
        with self._lock:
            if self._conn is not None and self._pid != os.getpid():
                # Inherited through fork: never use or close the parent's connection (keep a reference so
                # garbage collection does not close it either); open our own.
                self._inherited.append(self._conn)
                self._conn = None
            if self._conn is None:
                self._conn = _connect(self.path)
                self._pid = os.getpid()
            yield self._conn

    def _write(self, conn: sqlite3.Connection, body: Any, *args: Any) -> Any:
        """Run ``body(conn, *args)`` in one ``BEGIN IMMEDIATE`` transaction, retrying while locked."""
        for attempt in range(_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc) and attempt < _RETRIES - 1:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
            try:
                result = body(conn, *args)
                conn.execute("COMMIT")
                return result
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the connection. The store reopens it if used again."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> AnswerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<AnswerStore {str(self.path)!r} case={self.case_id!r} learner={self.learner!r}>"

    # -- writing ---------------------------------------------------------------------------------------------
    def save(self, key: str, value: Any) -> Revision:
        """Append a new revision of ``key``; empty or whitespace-only text is saved too.

        The revision's ``saved_at`` is the current UTC time, or 1 µs after the key's newest revision if an
        imported revision carries a later time (a clock running ahead on another machine): a save is
        always the answer.

        Returns
        -------
        Revision
            The stored revision; it is on disk when this returns.

        Raises
        ------
        AnswerStoreError
            The key is invalid, the value is not JSON data (the message names the key and the type), or
            the disk refused the write.
        """
        validate_key(key, self.lang)
        text = to_json(key, value, self.lang)
        try:
            with self._connection() as conn:
                return self._write(conn, self._insert_local, key, text)
        except sqlite3.Error as exc:
            raise AnswerStoreError(
                t("answers.error.write_failed", _ui(self.lang), key=key, path=self.path, reason=exc)
            ) from exc

    def _insert_local(self, conn: sqlite3.Connection, key: str, text: str) -> Revision:
        saved_at = now()
        (newest,) = conn.execute("SELECT max(saved_at) FROM revisions WHERE key = ?", (key,)).fetchone()
        if newest is not None and newest >= saved_at:
            saved_at = later(newest)
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
        """
        incoming = [(r.key, to_json(r.key, r.value, self.lang), r.saved_at, r) for r in revisions]
        for key, *_ in incoming:
            validate_key(key, self.lang)
        try:
            with self._connection() as conn:
                return self._write(conn, self._insert_imported, incoming)
        except sqlite3.Error as exc:
            raise AnswerStoreError(
                t("answers.error.write_failed", _ui(self.lang), key="*", path=self.path, reason=exc)
            ) from exc

    def _insert_imported(self, conn: sqlite3.Connection, incoming: list[tuple[str, str, str, Revision]]):
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
        try:
            with self._connection() as conn:
                return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise AnswerStoreError(
                t("answers.error.read_failed", _ui(self.lang), path=self.path, reason=exc)
            ) from exc

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
        return t("answers.recovered", _ui(lang or self.lang), moved=self.recovered_from.name)


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
        kind = "float (NaN/inf)"
    except TypeError:  # a mapping key that is not str/int/float/bool/None, or mixed key types
        kind = f"{type(value).__name__} ({_bad_key_type(value)})"
    except RecursionError:
        kind = type(value).__name__
    raise AnswerStoreError(t("answers.error.not_json", _ui(lang), key=key, type=kind))


def _bad_key_type(value: Any) -> str:
    if isinstance(value, dict):
        for k in value:
            if not isinstance(k, (str, int, float, bool, type(None))):
                return f"key {type(k).__name__}"
        return "mixed key types"
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
        # FULL: the WAL is synced at every commit, so a returned save survives a crash or a power cut.
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL mode (persistent, so a no-op once done); retry while another process has it."""
    for attempt in range(_RETRIES):
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return dict(conn.execute("SELECT name, value FROM meta").fetchall()) if "meta" in tables else {}


def _inspect(path: Path, lang: str) -> None:
    """Check an existing file without changing a byte of it.

    A read-only connection cannot checkpoint, reset or delete the ``-wal`` file, so a damaged store is moved
    aside exactly as it was found, and a foreign database is refused untouched (no switch to WAL mode).

    Raises
    ------
    sqlite3.DatabaseError
        The file is damaged (see :func:`_is_corruption`).
    AnswerStoreError
        The file is a healthy SQLite database that is not a casekit answer store.
    """
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
        raise AnswerStoreError(t("answers.error.open_failed", _ui(lang), path=file, reason=exc)) from exc
    # A zero-length file is what SQLite itself leaves before the first write: an empty store, not damage.
    if head == b"" or head == _SQLITE_MAGIC:
        return None
    return _move_aside(file, lang)


def _move_aside(file: Path, lang: str) -> Path:
    """Rename ``file`` (+ ``-wal``/``-shm``) to ``<stem>.corrupt-<UTC time>[-n].sqlite``; never overwrite."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        counter = "" if n == 0 else f"-{n}"
        target = file.with_name(f"{file.stem}.corrupt-{stamp}{counter}{file.suffix or SUFFIX}")
        if not any(Path(f"{target}{extra}").exists() for extra in ("", "-wal", "-shm")):
            break
    else:  # pragma: no cover - a thousand recoveries in one second
        raise AnswerStoreError(t("answers.error.open_failed", _ui(lang), path=file, reason="corrupt"))
    for extra in ("", "-wal", "-shm"):
        _rename_no_overwrite(Path(f"{file}{extra}"), Path(f"{target}{extra}"))
    log.warning(t("answers.recovered_log", "en", path=file, moved=target))
    return target


def _rename_no_overwrite(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # fails if target exists: never overwrite a kept file
    except FileNotFoundError:
        return  # no -wal/-shm, or another process already moved it
    except OSError:
        if target.exists():
            raise
        try:
            os.replace(source, target)  # file systems without hard links (FAT on a USB stick)
        except FileNotFoundError:
            return
        return
    source.unlink(missing_ok=True)
