"""The controls on the page that show a store's answers, brought up to date after an import.

An import (a restore from the browser's copy, :mod:`casekit.widgets.mirror`, or an uploaded JSON file,
:mod:`casekit.widgets.handin`) adds revisions to the store while the notebook's activities are already on
the page, filled from the store as it was. Each activity registers here (:func:`follow`); :func:`imported`
asks those that show an imported answer to show the store's newest again, without saving anything back (the
answers are in the store already), and refreshes the browser's copy.

Saves are announced here too: an activity's saver calls :func:`saved` after every save, and a control that
shows what the store holds as a whole (the share preview) follows them (:func:`follow_saves`). A save may
come with every keystroke, so such a follower does little at once: a :class:`Debounced` call shows the
store again a moment after the last save.

A notebook's kernel hears only of its own saves, and each notebook runs in its own: :func:`looked` is how
a page that shows the store as a whole (the hand-in) catches up with saves made in another notebook, when
the learner comes back to it.

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

__all__ = [
    "Callback",
    "Debounced",
    "Follower",
    "SaveFollower",
    "copy_saved",
    "follow",
    "follow_saves",
    "generation",
    "imported",
    "looked",
    "reload",
    "saved",
]

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


class SaveFollower(Protocol):
    """Anything that shows what a store holds and wants to know of every save (see :func:`follow_saves`)."""

    def saved(self) -> None:
        """A save reached the store; return at once (a keystroke waits for this)."""


_FOLLOWERS: weakref.WeakKeyDictionary[AnswerStore, weakref.WeakSet[Follower]] = weakref.WeakKeyDictionary()
_SAVE_FOLLOWERS: weakref.WeakKeyDictionary[AnswerStore, weakref.WeakSet[SaveFollower]] = (
    weakref.WeakKeyDictionary()
)
_GENERATIONS: weakref.WeakKeyDictionary[AnswerStore, int] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def follow(store: AnswerStore, follower: Follower) -> None:
    """``follower`` shows ``store``'s answers: :func:`reload` will bring it up to date."""
    with _LOCK:
        _FOLLOWERS.setdefault(store, weakref.WeakSet()).add(follower)


def follow_saves(store: AnswerStore, follower: SaveFollower) -> None:
    """``follower.saved()`` is called after every save an activity makes to ``store`` (:func:`saved`)."""
    with _LOCK:
        _SAVE_FOLLOWERS.setdefault(store, weakref.WeakSet()).add(follower)


def saved(store: AnswerStore) -> None:
    """An activity saved to ``store``: the browser's copy refreshes (:func:`copy_saved`) and every follower
    of its saves is told. One that fails is logged and skipped: the save itself succeeded."""
    copy_saved(store)
    with _LOCK:
        followers = list(_SAVE_FOLLOWERS.get(store, ()))
    for follower in followers:
        try:
            follower.saved()
        except Exception:  # a learner never sees a traceback; the answer is safe in the store
            log.exception("telling %r of a save failed", follower)


class Debounced:
    """``function`` called once, ``delay`` seconds after the last of a burst of calls (on a timer thread).

    With a ``delay`` of 0 or less it is called at once. :meth:`flush` calls a waiting call now, and
    :meth:`cancel` drops it. A failure is logged, never raised on the timer's thread.
    """

    def __init__(self, function: Callable[[], object], delay: float) -> None:
        self.function = function
        self.delay = delay
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def __call__(self) -> None:
        if self.delay <= 0:
            self._run()
            return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self._fire)
            self._timer.daemon = True
            self._timer.start()

    @property
    def pending(self) -> bool:
        """Whether a call is waiting."""
        with self._lock:
            return self._timer is not None

    def cancel(self) -> bool:
        """Drop the waiting call; whether there was one."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        return timer is not None

    def flush(self) -> None:
        """Make the waiting call now (nothing if none waits)."""
        if self.cancel():
            self._run()

    def _fire(self) -> None:
        with self._lock:
            if self._timer is None or self._timer is not threading.current_thread():
                return  # cancelled or replaced meanwhile
            self._timer = None
        self._run()

    def _run(self) -> None:
        try:
            self.function()
        except Exception:
            log.exception("the delayed call %r failed", self.function)


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
    with _LOCK:
        _GENERATIONS[store] = _GENERATIONS.get(store, 0) + 1
    return _ask(store, None if keys is None else set(keys))


def looked(store: AnswerStore) -> int:
    """The learner came back to a page whose store may have changed meanwhile in another notebook (each
    runs in its own kernel; the store is one file): the controls that show the store as a whole (those
    without ``answer_keys``: the progress line, the hand-in's preview, the share preview) show it again.
    An answer's own controls are left as they are: the learner may be typing in one. How many were asked.
    """
    return _ask(store, set())


def _ask(store: AnswerStore, wanted: set[str] | None) -> int:
    with _LOCK:
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
            log.exception("showing the store's answers in %r failed", follower)
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
