"""Damage is survived, never destroyed: moving a damaged store aside, and salvaging what it holds.

* :func:`move_aside` renames a store file with its ``-wal``/``-shm``/``-journal`` to
  ``<name>.corrupt-<UTC time>.sqlite``, all or nothing, never overwriting (:func:`rename_no_overwrite`).
* :func:`vacuum_into_place` puts a store deleted while in use back at its path, from what its open
  connection still reads.
* :func:`refuse_unreadable` says, for a store opened read-only, why a file cannot be read (nothing is
  moved then).
* :func:`orphan_side_file` finds a ``-wal`` or ``-journal`` beside an empty or missing main file (SQLite
  would throw it away); :func:`recover_wal` and :func:`recover_journal` read the revisions it holds,
  without changing it.
* :func:`inspect_setting_journal_aside` checks a file before it is opened; a stray ``-journal`` beside an
  intact store is kept, renamed (:func:`set_aside_journal`), where SQLite would delete it.
* :func:`salvage_file` reads every revision a damaged file moved aside still holds (through SQLite around
  its damaged pages, and page by page: :mod:`casekit.answers.pages`), and names the answers whose
  revisions could not be read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import secrets
import shutil
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from casekit._files import fsync_folder, make_private
from casekit.answers import pages, sqlite
from casekit.answers.location import SIDE_FILES, SQLITE_MAGIC, STORE_SUFFIX, STORE_SUFFIXES
from casekit.answers.record import KEY_PATTERN
from casekit.errors import AnswerStoreError
from casekit.i18n import reason, t, ui_lang

__all__ = [
    "Salvaged",
    "has_side_file",
    "inspect_setting_journal_aside",
    "message",
    "move_aside",
    "move_aside_if_damaged",
    "orphan_side_file",
    "recover_journal",
    "recover_wal",
    "refuse_unreadable",
    "rename_no_overwrite",
    "salvage",
    "salvage_file",
    "set_aside_journal",
    "stamp",
    "vacuum_copy",
    "vacuum_into_place",
]

log = logging.getLogger(__name__)

_WAL_MAGIC = (0x377F0682, 0x377F0683)
# How many reads of a damaged revisions table may fail before reading around the damage stops, when the
# highest revision number is not known (each costs microseconds; a table whose root page is garbage fails
# them all).
_MAX_FAILED_READS = 20_000
# The largest file read page by page (into memory): far beyond any store (64 answers of at most 64 KiB).
_MAX_SCAN_BYTES = 256 * 2**20
Salvage = tuple[list[tuple[Any, ...]], dict[str, str]]


@dataclasses.dataclass(frozen=True)
class Salvaged:
    """What :func:`salvage_file` could read from a damaged store file."""

    #: The revisions read, as rows of :data:`~casekit.answers.sqlite.COLUMNS`, by revision number.
    rows: list[tuple[Any, ...]]
    #: The ``meta`` table, as far as it could be read.
    meta: dict[str, str]
    #: ``key → how many`` of the revisions the file's index lists that could not be read.
    unread: dict[str, int]


def message(
    moved: Path, side: str | None, count: int, lang: str, unread: dict[str, int] | None = None
) -> str:
    """The learner's sentence for a store file moved aside on open: ``side`` is ``"-wal"`` or
    ``"-journal"`` when answers were recovered from that side file (``count`` of them); ``None`` when
    ``count`` answers were read from the file itself, and ``unread`` (``key → how many``) could not be."""
    if side is None:
        if not count:
            return t("answers.recovered", lang, moved=moved.name)
        if not unread:
            return t("store.recovered_file", lang, moved=moved.name, count=count)
        keys = ", ".join(sorted(unread))
        lost = sum(unread.values())
        return t("store.recovered_file_partly", lang, moved=moved.name, count=count, lost=lost, keys=keys)
    kept = moved.name if moved.exists() else moved.name + side  # main file missing: only the side file kept
    if side == "-journal":
        if count:
            return t("journal.recovered", lang, moved=kept, count=count)
        return t("journal.recovered_none", lang, moved=kept)
    if count:
        return t("store.recovered_wal", lang, moved=kept, count=count)
    return t("store.recovered_wal_none", lang, moved=kept)


def stamp() -> str:
    """The current UTC time for a file name: ``20250301T091502Z``."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


# -- moving aside --------------------------------------------------------------------------------------------
def move_aside_if_damaged(file: Path, lang: str) -> Path | None:
    """Move ``file`` aside if it exists, is not empty and does not start like a SQLite database; return
    where it went, or ``None``."""
    try:
        with file.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise sqlite.open_failed(file, lang, exc) from exc
    # A zero-length file is what SQLite itself leaves before the first write: an empty store, not damage.
    if head == b"" or head == SQLITE_MAGIC:
        return None
    return move_aside(file, lang)


def move_aside(file: Path, lang: str) -> Path:
    """Rename ``file`` (+ ``-wal``/``-shm``/``-journal``) to ``<stem>.corrupt-<UTC time>[-n].sqlite``;
    never overwrite.

    All or nothing: if one of them cannot be moved (a read-only folder), those already moved are moved
    back and :class:`AnswerStoreError` says so; nothing is changed.
    """
    target = _set_aside(file, ("", *SIDE_FILES), lang)
    log.warning(t("answers.recovered_log", "en", path=file, moved=target))
    return target


def inspect_setting_journal_aside(file: Path, lang: str) -> None:
    """:func:`casekit.answers.sqlite.inspect` ``file``; a stray ``-journal`` beside it (SQLite would delete
    it) is first set aside (:func:`set_aside_journal`), and the file used as it is.

    Raises
    ------
    sqlite3.DatabaseError
        The file is damaged.
    AnswerStoreError
        The file is not an answer store, or the ``-journal`` cannot be renamed (a read-only folder).
    """
    try:
        sqlite.inspect(file, lang)
    except sqlite.StrayJournal:
        set_aside_journal(file, lang)
        sqlite.inspect(file, lang)


def set_aside_journal(file: Path, lang: str) -> Path | None:
    """Rename the ``-journal`` beside ``file`` to ``<stem>.corrupt-<UTC time>[-n].sqlite-journal`` (the
    main file stays) if it is still one SQLite cannot roll back into ``file``
    (:func:`~casekit.answers.sqlite.stray_journal`: SQLite would delete it); return where it went without
    the ``-journal``, or ``None``.

    Raises
    ------
    AnswerStoreError
        It cannot be renamed (a read-only folder); nothing is changed.
    """
    if not sqlite.stray_journal(file):  # gone, or another process made a new one meanwhile
        return None
    target = _set_aside(file, ("-journal",), lang)
    log.warning(t("store.journal_set_aside_log", "en", path=file, moved=f"{target}-journal"))
    return target


def _set_aside(file: Path, extras: tuple[str, ...], lang: str) -> Path:
    """Rename ``file`` + each of ``extras`` to a ``.corrupt-`` name no file has yet, all or nothing."""
    when = stamp()
    for n in range(1000):
        counter = "" if n == 0 else f"-{n}"
        target = file.with_name(f"{file.stem}.corrupt-{when}{counter}{file.suffix or STORE_SUFFIX}")
        if not any(Path(f"{target}{extra}").exists() for extra in ("", *SIDE_FILES)):
            break
    else:  # pragma: no cover - a thousand recoveries in one second
        ui = ui_lang(lang)
        raise AnswerStoreError(
            t("store.error.cannot_move_aside", ui, path=file, reason=t("system.exists", ui))
        )
    moved: list[tuple[Path, Path]] = []
    try:
        for extra in extras:
            source, kept = Path(f"{file}{extra}"), Path(f"{target}{extra}")
            if rename_no_overwrite(source, kept):
                moved.append((source, kept))
                make_private(kept)  # a copy of the learner's answers stays theirs alone
    except OSError as exc:
        for source, kept in reversed(moved):
            with contextlib.suppress(OSError):
                rename_no_overwrite(kept, source)
        raise AnswerStoreError(
            t("store.error.cannot_move_aside", ui_lang(lang), path=file, reason=reason(exc, lang))
        ) from exc
    return target


def refuse_unreadable(file: Path, lang: str) -> None:
    """Refuse to open ``file`` read-only if it is missing, a folder, empty, or not a SQLite database.

    A store opened read-only never moves anything, so damage is reported, not moved aside.

    Raises
    ------
    AnswerStoreError
        Saying which of these it is, in ``lang``.
    """
    ui = ui_lang(lang)
    if not file.exists():
        if has_side_file(file):
            raise AnswerStoreError(t("store.error.damaged_read_only", ui, path=file))
        raise AnswerStoreError(t("answers.error.missing", ui, path=file))
    if file.is_dir():
        raise AnswerStoreError(
            t("answers.error.open_failed", ui, path=file, reason=t("system.is_a_directory", ui))
        )
    try:
        with file.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise sqlite.open_failed(file, lang, exc) from exc
    if head == b"" and not has_side_file(file):
        raise AnswerStoreError(t("store.error.empty_read_only", ui, path=file))
    if head != SQLITE_MAGIC:
        if file.suffix not in STORE_SUFFIXES and head:
            raise AnswerStoreError(t("store.error.not_a_store_file", ui, path=file))
        raise AnswerStoreError(t("store.error.damaged_read_only", ui, path=file))


def rename_no_overwrite(source: Path, target: Path) -> bool:
    """Rename ``source`` to ``target`` unless ``target`` exists; ``False`` if there was no ``source``.

    Raises
    ------
    OSError
        ``target`` exists, or the rename was refused (a read-only folder).
    """
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


def vacuum_copy(conn: sqlite3.Connection, path: Path) -> None:
    """Write all ``conn`` reads into a new file at ``path``, private to the learner (``VACUUM INTO`` alone
    would create it ``0644``)."""
    conn.execute("VACUUM INTO ?", (str(path),))
    make_private(path)


def vacuum_into_place(conn: sqlite3.Connection, path: Path) -> bool:
    """Write all ``conn`` reads into a new file at ``path``; ``False`` if a file got there first.

    The copy is made beside ``path`` under a hidden name, synced, and linked into place (never over a file).
    """
    folder = path.parent
    temp = folder / f".{path.name}.restore-{secrets.token_hex(4)}"
    vacuum_copy(conn, temp)
    try:
        with temp.open("rb+") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(temp, path)  # never overwrites
        except FileExistsError:
            return False
        except OSError:
            if path.exists():
                return False
            os.replace(temp, path)  # file systems without hard links
        fsync_folder(folder)
        return True
    finally:
        temp.unlink(missing_ok=True)


# -- side files without their main file ----------------------------------------------------------------------
def has_side_file(file: Path, sides: tuple[str, ...] = ("-wal", "-journal")) -> bool:
    """Whether ``file`` has a non-empty ``-wal`` (or ``-journal``) beside it."""
    for side in sides:
        try:
            if Path(f"{file}{side}").stat().st_size > 0:
                return True
        except OSError:
            continue
    return False


def orphan_side_file(file: Path) -> str | None:
    """``"-wal"`` or ``"-journal"`` if one with content is beside an empty or missing main file (SQLite
    would throw it away), else ``None``."""
    try:
        if file.stat().st_size > 0:
            return None
    except FileNotFoundError:
        pass
    if has_side_file(file, ("-wal",)):
        return "-wal"
    # A -journal beside an empty main file is the first write of a new store under way in another process
    # (it started from 0 pages, so it holds none): only one that started from a store with pages counts.
    try:
        with open(f"{file}-journal", "rb") as fh:
            header = fh.read(20)
    except OSError:
        return None
    magic = sqlite.JOURNAL_MAGIC
    if len(header) == 20 and header[:8] == magic and int.from_bytes(header[16:20], "big") > 0:
        return "-journal"
    return None


# -- salvage -------------------------------------------------------------------------------------------------
def recover_wal(wal: Path) -> Salvage:
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


def recover_journal(journal: Path) -> Salvage:
    """The revisions (and meta) a rollback ``-journal`` without its main file holds; ``([], {})`` if none.

    A ``-journal`` keeps the pages a write was about to change as they were before it (page 1, the last
    pages of the tables), so the pages are put at their places in a file in a temporary folder and read
    around the missing ones; the ``-journal`` itself is only read.
    """
    magic = sqlite.JOURNAL_MAGIC
    try:
        data = journal.read_bytes()
    except OSError:
        return [], {}
    if len(data) < 28 or data[:8] != magic:
        return [], {}
    sector, page_size = int.from_bytes(data[20:24], "big"), int.from_bytes(data[24:28], "big")
    if page_size not in {2**n for n in range(9, 17)} or not 32 <= sector <= 65536:
        return [], {}
    pages: dict[int, bytes] = {}
    offset = sector
    while offset + 8 + page_size <= len(data):
        if data[offset : offset + 8] == magic:  # the header of a later segment
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


def salvage(moved: Path, side: str | None) -> Salvaged:
    """What a damaged store file moved aside to ``moved`` still holds: the revisions of its orphan ``side``
    file (``"-wal"``: :func:`recover_wal`, ``"-journal"``: :func:`recover_journal`), or with ``None``
    every revision it and its side files can still be read for (:func:`salvage_file`)."""
    if side is None:
        return salvage_file(moved)
    rows, meta = (recover_wal if side == "-wal" else recover_journal)(Path(f"{moved}{side}"))
    return Salvaged(rows, meta, {})


def salvage_file(moved: Path) -> Salvaged:
    """Every revision a damaged store file (moved aside) and its ``-wal``/``-journal`` still hold; they are
    only read.

    Read three ways, and the answers put together: through SQLite (``immutable=1``: nothing is written or
    locked), the whole table at once or range by range around the pages that fail; its side files as
    :func:`recover_wal` and :func:`recover_journal` do; and page by page (:func:`casekit.answers.pages.scan`),
    which finds the rows of leaf pages that SQLite cannot reach because a page above them is garbage. The
    revisions the file's index lists but none of these could read are counted by key in ``unread``.
    """
    wal, journal = Path(f"{moved}-wal"), Path(f"{moved}-journal")
    found = pages.Scan()
    try:
        if moved.stat().st_size + (wal.stat().st_size if wal.exists() else 0) <= _MAX_SCAN_BYTES:
            found = pages.scan(moved.read_bytes(), wal.read_bytes() if wal.exists() else b"")
        else:
            log.warning("%s is too big to be read page by page", moved)
    except OSError as exc:
        log.warning("the pages of %s could not be read: %s", moved, exc)
    rows: list[tuple[Any, ...]] = []
    meta: dict[str, str] = {}
    try:
        conn = sqlite3.connect(f"{moved.resolve().as_uri()}?immutable=1", uri=True)  # read-only
        try:
            highest = max([row[0] for row, _ in found.rows] + list(found.listed), default=None)
            rows, meta = _salvage(conn, highest), _salvage_meta(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        log.warning("%s could not be read by SQLite: %s", moved, exc)
    for side, recover in ((wal, recover_wal), (journal, recover_journal)):
        if side.exists():
            more, more_meta = recover(side)
            rows += more
            meta = {**more_meta, **meta}
    # Rows SQLite read first; a row read page by page whose text had bytes that are not text (U+FFFD)
    # only if no clean copy of that revision was read.
    candidates = [(row, True) for row in rows] + sorted(found.rows, key=lambda found_row: not found_row[1])
    kept: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    read_cleanly: set[tuple[Any, ...]] = set()
    for row, clean in candidates:
        number, key, value, saved_at, *rest = row
        if not _well_formed(row) or (key, saved_at, value) in kept:
            continue
        if not clean and (
            (number, key, saved_at) in read_cleanly or any("\ufffd" in f for f in (saved_at, *rest))
        ):
            continue
        kept[(key, saved_at, value)] = row
        if clean:
            read_cleanly.add((number, key, saved_at))
    for name, values in found.meta.items():
        if name not in meta and len(values) == 1:  # a name seen with two values (an old page) is left out
            meta[name] = next(iter(values))
    numbers = {row[0] for row in kept.values()}
    unread: dict[str, int] = {}
    for number, key in found.listed.items():
        if number not in numbers:
            unread[key] = unread.get(key, 0) + 1
    return Salvaged(sorted(kept.values(), key=lambda row: row[0]), meta, unread)


def _salvage(conn: sqlite3.Connection, highest: int | None = None) -> list[tuple[Any, ...]]:
    """Every readable, well-formed revision row: all at once, else range by range around damaged pages.

    A range that fails is halved until the halves read, or hold a single revision that cannot be read.
    ``highest``: the highest revision number the file is known to hold; the numbers above it are tried in
    one read. Without it the halving goes on to the end of the numbers, the lower half first, so every
    readable row is read before the reads above the last revision (which fail when the last leaf page is
    damaged) use up :data:`_MAX_FAILED_READS`.
    """
    columns = sqlite.COLUMNS
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return []
    if "revisions" not in tables:
        return []
    try:
        rows = conn.execute(f"SELECT {columns} FROM revisions ORDER BY revision").fetchall()
    except sqlite3.DatabaseError:
        rows, end, failures = [], 2**63 - 1, 0
        ranges = [(1, end, True)] if highest is None else [(highest + 1, end, False), (1, highest, True)]
        while ranges and failures < _MAX_FAILED_READS:
            low, high, halve = ranges.pop()
            try:
                rows += conn.execute(
                    f"SELECT {columns} FROM revisions WHERE revision BETWEEN ? AND ? ORDER BY revision",
                    (low, high),
                ).fetchall()
            except sqlite3.DatabaseError:
                failures += 1
                if halve and low < high:
                    middle = (low + high) // 2
                    ranges += [(middle + 1, high, True), (low, middle, True)]
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
        return {str(k): str(v) for k, v in sqlite.read_meta(conn).items()}
    except sqlite3.DatabaseError:
        return {}
