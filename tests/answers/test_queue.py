"""The save queue: a save never keeps the caller waiting long, and is never dropped; one queue per store."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from casekit.answers import AnswerStore, Revision, SaveQueue, save_queue
from casekit.errors import AnswerStoreBusyError, AnswerStoreError

from .support import locked

pytestmark = pytest.mark.usefixtures("every_revision_exported")


@pytest.mark.usefixtures("journal_mode")
class TestSaveQueue:
    """Another process's long write lock never freezes the kernel: queued saves land later, in order."""

    def test_queue_saves_after_the_lock_in_order(self, store: AnswerStore):
        """Under a 3 s lock submit returns within ~1.5 s; queued saves land afterwards, in order."""
        store.save("etik-1", "før")
        queue = SaveQueue(store, wait=1.0)
        done: list[tuple[object, object]] = []
        with locked(store.path, 3.0):
            start = time.monotonic()
            assert queue.submit("etik-1", "første", lambda rev, err: done.append((rev, err))) is None
            assert time.monotonic() - start < 1.5
            assert queue.submit("etik-1", "anden", lambda rev, err: done.append((rev, err))) is None
            assert queue.pending() == 2
        assert queue.flush(10)
        assert queue.pending() == 0
        assert [r.value for r in store.history("etik-1")] == ["før", "første", "anden"]
        assert [(rev.value, err) for rev, err in done] == [("første", None), ("anden", None)]  # type: ignore[attr-defined]

    def test_flush_returns_after_on_done(self, store: AnswerStore):
        """flush() returns once the queued save's on_done has run (the status line says "Gemt" by then)."""
        queue = SaveQueue(store, wait=0.2, retry=0.05)
        finished: list[str] = []

        def slow_on_done(rev: object, err: object) -> None:
            time.sleep(0.3)
            finished.append("on_done")

        with locked(store.path, 0.5):
            assert queue.submit("etik-1", "kø", slow_on_done) is None
        assert queue.flush(10)
        assert finished == ["on_done"]

    def test_queue_saves_at_once_when_free(self, store: AnswerStore):
        """A submit to a free store saves at once, returns the revision and does not call on_done."""
        calls: list[object] = []
        rev = SaveQueue(store).submit("etik-1", "nu", lambda *a: calls.append(a))
        assert isinstance(rev, Revision) and rev.value == "nu" and calls == []
        with pytest.raises(AnswerStoreError, match="'Etik'"):
            SaveQueue(store).submit("Etik", "x", lambda *a: None)

    def test_queue_keeps_a_failed_save_and_retries(
        self, store: AnswerStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ):
        """A queued save that fails is reported, kept and retried; an on_done that raises is only logged."""
        queue = SaveQueue(store, wait=0.1, retry=0.05, max_backoff=0.2)
        real = store.save
        failures = iter([AnswerStoreBusyError("busy"), AnswerStoreError("disk"), AnswerStoreError("disk")])

        def flaky(
            key: str, value: object, *, wait: float | None = None, based_on: str | None = None
        ) -> Revision:
            error = next(failures, None)
            if error is not None:
                raise error
            return real(key, value, wait=wait, based_on=based_on)

        monkeypatch.setattr(store, "save", flaky)
        seen: list[tuple[object, object]] = []

        def on_done(rev: object, err: object) -> None:
            seen.append((rev, err))
            raise RuntimeError("a broken callback")

        with caplog.at_level(logging.WARNING, logger="casekit.answers"):
            assert queue.submit("etik-1", "vedholdende", on_done) is None
            assert queue.flush(10)
        assert [type(err).__name__ for _, err in seen] == ["AnswerStoreError", "AnswerStoreError", "NoneType"]
        assert seen[-1][0].value == "vedholdende"  # type: ignore[attr-defined]
        assert store.get("etik-1") == "vedholdende"
        assert any("on_done" in r.getMessage() for r in caplog.records)


class TestOneQueuePerStore:
    """save_queue(store) is the store's one queue: every caller shares it, so saves keep their order."""

    def test_the_same_queue_for_the_same_store(self, store: AnswerStore, tmp_path: Path):
        """Calls for one store, from many threads at once, get one queue; another store gets its own."""
        found: list[SaveQueue] = []
        threads = [threading.Thread(target=lambda: found.append(save_queue(store))) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(found) == 8 and all(queue is found[0] for queue in found)
        assert isinstance(found[0], SaveQueue) and found[0].store is store
        with AnswerStore.open(tmp_path / "other", case_id="samskabelse") as other:
            assert save_queue(other) is not save_queue(store)

    def test_flush_waits_for_the_queued_saves(self, store: AnswerStore):
        """A save queued behind another process's lock is stored once save_queue(store).flush() returns."""
        store.save("etik-1", "før")
        queue = save_queue(store)
        queue.wait, queue.retry = 0.1, 0.05
        with locked(store.path, 0.5):
            assert queue.submit("etik-1", "i køen", lambda rev, err: None) is None
        assert save_queue(store).flush(10)
        assert store.get("etik-1") == "i køen"
