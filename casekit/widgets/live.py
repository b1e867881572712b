"""The controls on the page that show a store's answers, brought up to date after an import.

An import (a restore from the browser's copy, :mod:`casekit.widgets.mirror`, or an uploaded JSON file,
:mod:`casekit.widgets.handin`) adds revisions to the store while the notebook's activities are already on
the page, filled from the store as it was. Each activity registers here (:func:`follow`); :func:`imported`
asks those that show an imported answer to show the store's newest again, without saving anything back (the
answers are in the store already), and refreshes the browser's copy.

Followers are held weakly: an activity that is gone (its widgets closed) is not kept alive by this list.
"""

from __future__ import annotations

import logging
import sys
import threading
import weakref
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from casekit.answers import AnswerStore, ImportResult

__all__ = ["Callback", "Follower", "copy_saved", "follow", "generation", "imported", "reload"]

log = logging.getLogger(__name__)


class Follower(Protocol):
    """Anything that shows a store's answers and can show them again."""

    def reload(self) -> None:
        """Show the store's answers as they are now; save nothing."""


class Callback:
    """A function as a :class:`Follower`; whoever follows with it keeps it (followers are held weakly)."""

    def __init__(self, function: Callable[[], object]) -> None:
        self.function = function

    def reload(self) -> None:
        self.function()

    def __repr__(self) -> str:
        return f"Callback({getattr(self.function, '__qualname__', self.function)!r})"


_FOLLOWERS: weakref.WeakKeyDictionary[AnswerStore, weakref.WeakSet[Follower]] = weakref.WeakKeyDictionary()
_GENERATIONS: weakref.WeakKeyDictionary[AnswerStore, int] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def follow(store: AnswerStore, follower: Follower) -> None:
    """``follower`` shows ``store``'s answers: :func:`reload` will bring it up to date."""
    with _LOCK:
        _FOLLOWERS.setdefault(store, weakref.WeakSet()).add(follower)


def generation(store: AnswerStore) -> int:
    """How many times :func:`reload` ran for ``store``: a control that read the store before it followed
    compares this number to know whether an import came in between (and reloads if one did)."""
    with _LOCK:
        return _GENERATIONS.get(store, 0)


def reload(store: AnswerStore, keys: Iterable[str] | None = None) -> int:
    """Bring the controls that show ``store``'s answers up to date; how many were asked.

    With ``keys``, a follower that says which answers it shows (an ``answer_keys`` attribute) is asked only
    if one of them is among ``keys``: an answer the import did not touch stays as the learner sees it.
    One that fails is logged and skipped: the import it follows has succeeded and was reported, and the
    other controls still deserve their answers.
    """
    wanted = None if keys is None else set(keys)
    with _LOCK:
        _GENERATIONS[store] = _GENERATIONS.get(store, 0) + 1
        followers = list(_FOLLOWERS.get(store, ()))
    asked = 0
    for follower in followers:
        shows = getattr(follower, "answer_keys", None)  # not ``keys``: a widget's ``keys`` are its traits
        if wanted is not None and shows is not None and wanted.isdisjoint(shows):
            continue
        asked += 1
        try:
            follower.reload()
        except Exception:  # a learner never sees a traceback; the answers are safe in the store
            log.exception("showing the imported answers in %r failed", follower)
    return asked


def copy_saved(store: AnswerStore) -> None:
    """``store`` has new revisions: the browser's copy of it refreshes (debounced), where a notebook shows
    one. :mod:`casekit.widgets.mirror` is not imported here: without a copy shown, a save never pays for
    anywidget's import."""
    mirror = sys.modules.get("casekit.widgets.mirror")
    if mirror is not None:
        mirror.saved(store)


def imported(store: AnswerStore, result: ImportResult) -> int:
    """After an import into ``store`` (a restore from the browser, an upload): the controls that show the
    imported answers show the store's newest, and the browser's copy refreshes. How many were asked."""
    copy_saved(store)
    return reload(store, result.keys)
