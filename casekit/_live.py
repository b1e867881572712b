"""The controls on the page that show a store's answers, brought up to date after an import.

An import (a restore from the browser's copy, :mod:`casekit._mirror`, or an uploaded JSON file,
:mod:`casekit._handin`) adds revisions to the store while the notebook's activities are already on the page,
filled from the store as it was. Each activity registers here (:func:`follow`); :func:`reload` asks each one
to show the store's answers again, without saving anything back (the answers are in the store already).

Followers are held weakly: an activity that is gone (its widgets closed) is not kept alive by this list.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from casekit.answers import AnswerStore

__all__ = ["Callback", "Follower", "follow", "reload"]

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
_LOCK = threading.Lock()


def follow(store: AnswerStore, follower: Follower) -> None:
    """``follower`` shows ``store``'s answers: :func:`reload` will bring it up to date."""
    with _LOCK:
        _FOLLOWERS.setdefault(store, weakref.WeakSet()).add(follower)


def reload(store: AnswerStore) -> int:
    """Bring every control that shows ``store``'s answers up to date; how many were asked.

    One that fails is logged and skipped: the import it follows has succeeded and was reported, and the
    other controls still deserve their answers.
    """
    with _LOCK:
        followers = list(_FOLLOWERS.get(store, ()))
    for follower in followers:
        try:
            follower.reload()
        except Exception:  # a learner never sees a traceback; the answers are safe in the store
            log.exception("showing the imported answers in %r failed", follower)
    return len(followers)
