"""A property of opening a damaged store, tried on many generated stores: whatever page of the file is
overwritten with garbage (with or without a stray -journal beside it), opening never raises, the damaged
file is kept byte for byte, and every revision SQLite itself can still read from it as it was saved is in
the new store, with no revision that was never saved. (A row whose overflow page is garbage reads as
garbage: no one saved it, and it is left in the kept file.)"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.answers import AnswerStore

from .support import readable_rows, stored_rows

PAGE = 4096
JUNK_JOURNAL = b"ikke en journal " * 64

ANSWERS = st.lists(
    st.tuples(st.integers(0, 30), st.text(max_size=40), st.integers(0, 9000)),
    min_size=1,
    max_size=150,
)


def _make_store(folder: Path, answers: list[tuple[int, str, int]]) -> Path:
    """A store whose revisions are ``(answer number, text, padding)``, written in one transaction."""
    with AnswerStore.open(folder, case_id="samskabelse") as store:
        path = store.path
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for n, (key, text, padding) in enumerate(answers):
        conn.execute(
            "INSERT INTO revisions (key, value, saved_at, case_version, lang, source)"
            " VALUES (?, ?, ?, '1', 'da', 'local')",
            (
                f"etik-{key}",
                json.dumps(text + "x" * padding),
                f"2025-03-01T09:00:{n // 100:02d}.{n:06d}+00:00",
            ),
        )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    conn.close()
    return path


# database=None: the test writes nothing to the repository (no .hypothesis folder).
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=ANSWERS,
    where=st.floats(0, 1, exclude_max=True),
    garbage=st.sampled_from(["random", "zeros", "ones"]),
    seed=st.integers(0, 2**32),
    mode=st.sampled_from(["wal", "delete"]),
    stray_journal=st.booleans(),
)
def test_opening_a_damaged_store_keeps_every_readable_revision(
    answers, where, garbage, seed, mode, stray_journal
):
    with tempfile.TemporaryDirectory() as temp, mock.patch.dict(os.environ, {"CASEKIT_JOURNAL": mode}):
        folder = Path(temp) / "answers"
        path = _make_store(folder, answers)
        saved = stored_rows(path)
        data = bytearray(path.read_bytes())
        page = int(where * (len(data) // PAGE))
        data[page * PAGE : (page + 1) * PAGE] = {
            "random": random.Random(seed).randbytes(PAGE),
            "zeros": bytes(PAGE),
            "ones": b"\xff" * PAGE,
        }[garbage]
        damaged = bytes(data)
        path.write_bytes(damaged)
        readable = readable_rows(path, len(answers)) & saved
        if stray_journal:
            Path(f"{path}-journal").write_bytes(JUNK_JOURNAL)

        with AnswerStore.open(folder, case_id="samskabelse") as store:  # never raises
            kept = store.recovered_from
            if kept is not None:
                assert kept.read_bytes() == damaged
                assert store.recovery_message()
            now = stored_rows(store.path)
            assert readable <= now <= saved
        if stray_journal:  # kept, beside the moved file or set aside on its own
            journals = [p for p in folder.iterdir() if p.name.endswith("-journal")]
            assert [p.read_bytes() for p in journals] == [JUNK_JOURNAL]
            assert not Path(f"{path}-journal").exists()
