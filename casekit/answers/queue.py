"""Saving without waiting: a queue that keeps every save and retries it until the store takes it.

:func:`save_queue` gives the one :class:`SaveQueue` of a store, so that every widget of a notebook saves
through the same queue and the saves land in the order they were made.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

from casekit.answers.record import MAX_KEYS, Revision, too_many_keys
from casekit.answers.store import AnswerStore
from casekit.errors import AnswerStoreBusyError, AnswerStoreError, AnswerTooBigError
from casekit.i18n import t, ui_lang

__all__ = ["BasedOn", "OnDone", "SaveQueue", "save_queue"]

log = logging.getLogger(__name__)

OnDone = Callable[[Revision | None, BaseException | None], Any]
"""Called as ``on_done(revision, None)`` when a queued save is stored, ``on_done(None, error)`` after a
failed attempt."""
BasedOn = Callable[[], str | None]
"""Asked at each try of a save: the ``based_on`` of :meth:`AnswerStore.save` as it is then (a save queued
behind another of the same control is based on what that one stored)."""


def _unchecked() -> None:
    return None


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
        self._items: deque[tuple[str, Any, OnDone, BasedOn]] = deque()
        self._cond = threading.Condition()
        self._submitting = threading.Lock()  # submits are tried one at a time, in the order they came
        self._worker: threading.Thread | None = None

    def submit(
        self, key: str, value: Any, on_done: OnDone, *, based_on: BasedOn = _unchecked
    ) -> Revision | None:
        """Save now if the store is free within ``wait`` seconds (returns the revision; ``on_done`` is not
        called), else queue the save and return ``None`` (``on_done`` is called when it is stored).

        ``based_on()`` is asked at each try, for :meth:`AnswerStore.save`'s ``based_on``: the revision the
        value was edited from, as the caller knows it then; the returned revision's ``superseded`` says
        whether another program saved the key meanwhile. By default nothing is checked.

        Raises
        ------
        AnswerStoreError
            At once, for what no retry can mend: an invalid key, a value that is not JSON, too big
            (:class:`~casekit.errors.AnswerTooBigError`), a new key beyond :data:`MAX_KEYS`, a read-only
            store.
        """
        store = self.store
        store.encode(key, value)
        if store.read_only:
            raise AnswerStoreError(t("store.error.read_only", ui_lang(store.lang), key=key, path=store.path))
        try:  # a read works under another process's write lock
            keys, local = store.keys(), store.keys(local=True)
        except AnswerStoreError:
            keys, local = [], []
        if key not in keys and len(local) >= MAX_KEYS:  # as AnswerStore.save counts
            raise too_many_keys(key, store.lang)
        with self._submitting:
            with self._cond:
                queued = bool(self._items)
            if not queued:
                try:
                    return store.save(key, value, wait=self.wait, based_on=based_on())
                except AnswerStoreBusyError:
                    pass
                except AnswerTooBigError:
                    raise
                except AnswerStoreError as exc:
                    log.warning("save of %s failed, queued for retrying: %s", key, exc)
                    self._call(on_done, None, exc)
            with self._cond:
                self._items.append((key, value, on_done, based_on))
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
                key, value, on_done, based_on = self._items[0]
            try:
                revision = self.store.save(key, value, wait=self.wait, based_on=based_on())
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


_QUEUES: weakref.WeakKeyDictionary[AnswerStore, SaveQueue] = weakref.WeakKeyDictionary()
_QUEUES_LOCK = threading.Lock()


def save_queue(store: AnswerStore) -> SaveQueue:
    """The one :class:`SaveQueue` of ``store``, made at the first call (from any thread).

    Every caller that saves to a store through this queue shares it, so queued saves keep their order; the
    queue goes when the store does. ``save_queue(store).flush()`` waits until every queued save is stored.
    """
    with _QUEUES_LOCK:
        queue = _QUEUES.get(store)
        if queue is None:
            queue = _QUEUES[store] = SaveQueue(store)
        return queue
