"""The answer store: every answer a learner gives, kept as append-only revisions in one SQLite file.

>>> from casekit.answers import AnswerStore
>>> store = AnswerStore.open(case_id="samskabelse")          # doctest: +SKIP
>>> store.save("organisering-1", "Mit svar")                   # doctest: +SKIP
>>> store.get("organisering-1")                                # doctest: +SKIP
'Mit svar'

This package's public names are re-exported here; its modules, one job each:

* :mod:`~casekit.answers.record`: a :class:`Revision`, the key rules and size limits, a value's JSON text.
* :mod:`~casekit.answers.location`: where stores live (:func:`default_answers_dir`) and their file names.
* :mod:`~casekit.answers.netfs`: network and FUSE folders, and the journal mode a store keeps there.
* :mod:`~casekit.answers.sqlite`: the store file's schema; connecting, inspecting and writing.
* :mod:`~casekit.answers.recovery`: moving a damaged store aside, and salvaging what it holds.
* :mod:`~casekit.answers.store`: :class:`AnswerStore`, opening, saving, importing and reading.
* :mod:`~casekit.answers.queue`: :class:`SaveQueue` and each store's one queue (:func:`save_queue`).
* :mod:`~casekit.answers.document`: the JSON export document, written and read back.

Design
------
* **Append-only.** A save inserts a row; nothing is updated or deleted (triggers refuse it). The latest
  revision of a key (newest ``saved_at``, ties broken by the higher revision number) is the answer.
* **Any thread may save.** Widget callbacks run on kernel subshell threads, not on the thread that opened
  the store, so the store holds one connection opened with ``check_same_thread=False`` and serialises its
  use with a lock. After a ``fork`` the child opens its own connection.
* **Several processes may save** (two notebooks open at once): WAL mode, a busy timeout, ``BEGIN
  IMMEDIATE`` for every write and a short retry loop on top.
* **Network and FUSE folders** (NFS, SMB, sshfs…, see :func:`network_filesystem`) get a
  rollback journal (``journal_mode=DELETE``) instead of WAL, which needs memory shared between processes
  on one host; ``$CASEKIT_JOURNAL`` (``wal``, ``delete``, ``auto``) overrides the detection.
  :attr:`AnswerStore.journal_mode` says which the store uses; the guarantees below hold in both.
* **Durable.** ``synchronous=EXTRA``: once :meth:`AnswerStore.save` returns, the revision is on disk, so a
  killed kernel (or a power cut) loses nothing. In WAL mode every save ends with a checkpoint, so the
  ``.sqlite`` file on its own (copied, synced, downloaded without its ``-wal``) holds every answer; with a
  rollback journal the ``.sqlite`` always does.
* **Damage is survived, never destroyed.** A file that is not a readable SQLite database is renamed to
  ``<name>.corrupt-<UTC time>.sqlite`` (with its ``-wal``/``-shm``/``-journal``), a fresh store starts with
  every revision that can still be read from it (:mod:`casekit.answers.pages` reads it page by page), and
  :attr:`AnswerStore.recovered_from` says where the old file went, :attr:`AnswerStore.unrecovered` which
  answers lost revisions. An empty or missing main file beside a ``-wal`` or ``-journal`` is damage too:
  both are moved aside and what the side file holds is put back into the new store
  (:mod:`casekit.answers.recovery`). A ``-journal`` SQLite cannot roll back beside an intact store is
  renamed and kept, and the store used as it is.
* **A deleted store is put back.** If the file is deleted while a notebook runs, the next save writes
  everything the open connection still reads back to the path (or merges it into a store another notebook
  started there meanwhile) before saving.
* **Bounded.** One answer is at most :data:`MAX_ANSWER_BYTES` of JSON, a store holds at
  most :data:`MAX_KEYS` different answers (:class:`~casekit.errors.AnswerTooBigError`).
* **Never stuck.** ``save(..., wait=s)`` waits at most ``s`` seconds for another process's lock
  (:class:`~casekit.errors.AnswerStoreBusyError`); :class:`SaveQueue` keeps saving in
  the background.

The file format (tables ``meta`` and ``revisions``) and the export format are described in
``docs/answers-format.md``.
"""

from __future__ import annotations

from casekit.answers.location import ANSWERS_ENV, default_answers_dir, is_store_file, store_file_name
from casekit.answers.netfs import JOURNAL_ENV, network_filesystem
from casekit.answers.queue import SaveQueue, save_queue
from casekit.answers.record import (
    KEY_PATTERN,
    MAX_ANSWER_BYTES,
    MAX_KEYS,
    SOURCE_IMPORT,
    SOURCE_LOCAL,
    ImportResult,
    Revision,
    to_json,
    validate_key,
)
from casekit.answers.store import AnswerStore
from casekit.clock import normalise_time

__all__ = [
    "ANSWERS_ENV",
    "JOURNAL_ENV",
    "KEY_PATTERN",
    "MAX_ANSWER_BYTES",
    "MAX_KEYS",
    "SOURCE_IMPORT",
    "SOURCE_LOCAL",
    "AnswerStore",
    "ImportResult",
    "Revision",
    "SaveQueue",
    "default_answers_dir",
    "is_store_file",
    "network_filesystem",
    "normalise_time",
    "save_queue",
    "store_file_name",
    "to_json",
    "validate_key",
]
