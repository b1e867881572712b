"""A clock in the page for a view that refreshes by itself: :class:`Ticker`.

The timer runs in the browser (``static/ticker.js``), not in a thread of the kernel: every tick is a widget
message, handled between the kernel's other work like a button's click, so a refresh never races a click.
It ticks only while :attr:`Ticker.active` is set and the page is in view, and stops when the page closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, TypedDict

import anywidget
import traitlets

from casekit.widgets.base import STATIC

__all__ = ["TickMessage", "Ticker"]

log = logging.getLogger(__name__)


class TickMessage(TypedDict):
    """Front end → kernel: the interval has passed."""

    type: Literal["tick"]


class Ticker(anywidget.AnyWidget):
    """Calls ``on_tick`` every ``seconds`` while ``active`` and the page showing it is in view.

    Parameters
    ----------
    on_tick : callable
        What a tick does (called with no arguments).
    seconds : float
        The interval.
    active : bool
        Whether it ticks (a checkbox may be linked to it).

    Attributes
    ----------
    ticks : int
        How many ticks arrived.
    """

    _esm = STATIC / "ticker.js"
    every_ms = traitlets.Int(10_000).tag(sync=True)
    active = traitlets.Bool(False).tag(sync=True)

    def __init__(self, on_tick: Callable[[], object], seconds: float, *, active: bool = False) -> None:
        super().__init__(every_ms=round(seconds * 1000), active=active)
        self.on_tick = on_tick
        self.ticks = 0
        self.on_msg(lambda _widget, content, _buffers: self.receive(content))

    def receive(self, content: Any) -> None:
        """Handle a message from the front end: a tick calls ``on_tick``; anything else is logged and
        dropped."""
        if not (isinstance(content, dict) and content.get("type") == "tick"):
            log.warning("ticker: unexpected message %r", content)
            return
        self.ticks += 1
        self.on_tick()
