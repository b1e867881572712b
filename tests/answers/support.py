"""Helpers the answer store's tests share: folder snapshots, a read-only folder, a held lock, a -wal made by
hand. Imported as ``from .support import ...`` (tests/answers is a package)."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

from casekit.answers import AnswerStore, sqlite

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
"""chmod does not stop root from writing or renaming."""


def all_values(store: AnswerStore) -> set:
    """Every value of every revision in the store."""
    return {r.value for r in store.revisions()}


def folder_files(folder: Path) -> list[str]:
    """The names in ``folder``, sorted."""
    return sorted(p.name for p in folder.iterdir())


def folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` with its bytes and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


@contextlib.contextmanager
def read_only_folder(folder: Path):
    """``folder`` and its files made read-only (0o555/0o444) while the block runs."""
    files = list(folder.iterdir())
    for p in files:
        p.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(0o755)
        for p in files:
            p.chmod(0o644)


@contextlib.contextmanager
def locked(path: Path, seconds: float):
    """Another connection holds a write transaction (BEGIN IMMEDIATE) on ``path`` for ``seconds``."""
    started = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        started.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(5)
    try:
        yield
    finally:
        thread.join()


def wal_only(tmp_path: Path, values: list[str]) -> bytes:
    """The -wal of a store whose every revision is still only in the -wal (as an older casekit left it)."""
    source = tmp_path / "wal-source" / "samskabelse.sqlite"
    source.parent.mkdir()
    conn = sqlite3.connect(source, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    for statement in sqlite.split_sql(sqlite.SCHEMA):
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("format", "casekit-answer-store"),
            ("store_schema", "1"),
            ("case_id", "samskabelse"),
            ("learner", "elev-abc123"),
            ("created_at", "2025-03-01T09:00:00.000000+00:00"),
        ],
    )
    for n, text in enumerate(values):
        conn.execute(
            "INSERT INTO revisions (key, value, saved_at, case_version, lang, source)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (f"etik-{n % 3}", json.dumps(text), f"2025-03-01T09:{n:02d}:00.000000+00:00", "1", "da", "local"),
        )
    wal = Path(f"{source}-wal").read_bytes()
    conn.close()
    return wal


def stored_rows(path: Path) -> set[tuple[str, str, str]]:
    """``(key, saved_at, value JSON)`` of every revision a healthy store file holds."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return set(conn.execute("SELECT key, saved_at, value FROM revisions").fetchall())
    finally:
        conn.close()


def readable_rows(path: Path, upto: int) -> set[tuple[str, str, str]]:
    """``(key, saved_at, value JSON)`` of every revision numbered 1 to ``upto`` that SQLite itself can
    still read from a damaged file (the whole table at once, else one revision at a time); the file is not
    changed."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    except sqlite3.Error:
        return set()
    query = "SELECT key, saved_at, value FROM revisions"
    try:
        try:
            return set(conn.execute(query).fetchall())
        except sqlite3.DatabaseError:
            pass
        found = set()
        for number in range(1, upto + 1):
            try:
                found.update(conn.execute(f"{query} WHERE revision = ?", (number,)).fetchall())
            except sqlite3.DatabaseError:
                continue
        return found
    finally:
        conn.close()


def page_of(path: Path, kind: str) -> int:
    """The number of a page of a store file: ``"first"``; the ``"root"`` page of its revisions table (with
    this many revisions, an interior page); a ``"leaf"`` page of that table half-way through the file; a
    page of the index ``revisions_by_key``."""
    conn = sqlite3.connect(path)
    try:
        roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master").fetchall())
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    data = path.read_bytes()
    if kind == "first":
        return 1
    if kind == "root":
        assert data[(roots["revisions"] - 1) * size] == 5  # an interior table page
        return int(roots["revisions"])
    if kind == "index":
        return int(roots["revisions_by_key"])
    leaves = [n + 1 for n in range(len(data) // size) if n and data[n * size] == 13]  # table leaf pages
    return leaves[len(leaves) // 2]
