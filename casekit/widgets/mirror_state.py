"""The browser copy's states and what moves it from one to the next, in one table.

:class:`~casekit.widgets.mirror.BrowserCopy` is in one :class:`Phase` at a time; each thing that happens
to it is an :class:`Event`; :func:`advance` says where an event leads. The copy then does what the new
phase asks (writes the export, shows the offer, asks the browser for the text…). Only
:attr:`Phase.MIRRORING` writes the learner's answers into the browser.

::

    STARTING ──report──▶ MIRRORING | OFFERING | CHECKING | UNAVAILABLE
    OFFERING ──a save──▶ OFFER_UNCOPIED (the learner is told, once, that new answers wait)
    OFFERING, OFFER_UNCOPIED ──"Glem"──▶ CONFIRMING_FORGET ──"Glem" again──▶ FORGETTING ──empty──▶ MIRRORING
    OFFERING… ──"Gendan"──▶ READING ──text──▶ MIRRORING (restored) | REFUSED | UNAVAILABLE
    CHECKING ──text──▶ OFFERING | MIRRORING | REFUSED | UNAVAILABLE
    any ──06_aflevering's "Glem"──▶ PAUSED (until the notebook runs again)
    any ──a newer copy of the store──▶ RETIRED
"""

from __future__ import annotations

import enum

__all__ = ["WAITING_FOR_TEXT", "Event", "Phase", "advance"]


class Phase(enum.Enum):
    """Where the browser copy is. Only :attr:`MIRRORING` writes to the browser."""

    STARTING = "starting"
    """The front end has not said yet what the browser holds: nothing is written (an empty store must not
    overwrite a copy not yet seen)."""
    MIRRORING = "mirroring"
    """Every save is copied to the browser (debounced)."""
    OFFERING = "offering"
    """The copy holds answers the store lacks; "Gendan" and "Glem" wait for the learner. The copy is left
    as it is."""
    OFFER_UNCOPIED = "offer-uncopied"
    """As :attr:`OFFERING`, and the learner, answering meanwhile, was told that new answers are not copied
    until they choose."""
    CONFIRMING_FORGET = "confirming-forget"
    """"Glem" was pressed once during the offer: the line says what would be lost; a second press forgets."""
    READING = "reading"
    """"Gendan" asked the front end for the copy's text, to import it."""
    CHECKING = "checking"
    """The copy could not be summarised in the page (unreadable, another case): its text was asked for, so
    that the importer says what it is."""
    FORGETTING = "forgetting"
    """The old copy is being removed (the offer's "Glem", or "Glem" after a refusal); this session's answers
    are copied once the browser says it is gone."""
    PAUSED = "paused"
    """06_aflevering's "Glem" (a shared computer): the copy is removed and none is written or offered until
    the notebook runs again."""
    REFUSED = "refused"
    """What the browser holds cannot come back (the importer refused it); only "Glem" is offered."""
    UNAVAILABLE = "unavailable"
    """The browser's storage cannot be used (blocked, full, missing); the line points to the download."""
    RETIRED = "retired"
    """A newer copy of the same store took over (the notebook ran again): closed."""


class Event(enum.Enum):
    """What happens to the browser copy."""

    REPORTED_EMPTY = enum.auto()
    """The browser holds no copy (or has just removed it)."""
    REPORTED_UNAVAILABLE = enum.auto()
    """The browser's storage cannot be used."""
    REPORTED_UNCHECKED = enum.auto()
    """The browser holds something the page could not summarise, or a copy claiming another case."""
    FOUND_MISSING = enum.auto()
    """The copy holds answers the store lacks."""
    FOUND_NOTHING_MISSING = enum.auto()
    """The store holds everything the copy holds."""
    SAVED = enum.auto()
    """An answer was saved (or imported) into the store."""
    PRESSED_RESTORE = enum.auto()
    """"Gendan fra denne browser"."""
    PRESSED_FORGET = enum.auto()
    """"Glem kopien i denne browser", on the copy's own line (during an offer, the first press asks)."""
    FORGET_OLD = enum.auto()
    """The old copy is to be removed at once, and this session's answers copied."""
    FORGET_HERE = enum.auto()
    """"Glem kopien i denne browser" in 06_aflevering (a shared computer)."""
    RESTORED = enum.auto()
    """The copy's text was imported."""
    REFUSED = enum.auto()
    """The importer refused the copy's text."""
    GONE = enum.auto()
    """The copy was gone when its text was asked for."""
    RETIRED = enum.auto()
    """A newer copy of the same store took over."""


WAITING_FOR_TEXT = frozenset({Phase.READING, Phase.CHECKING})
"""The phases that asked the front end for the copy's text: a text that comes in any other is not asked
for, and is ignored."""

_OFFERS = frozenset({Phase.OFFERING, Phase.OFFER_UNCOPIED})

# Where each event leads, from whichever phase (the exceptions are in advance()).
_TARGET = {
    Event.REPORTED_EMPTY: Phase.MIRRORING,
    Event.REPORTED_UNAVAILABLE: Phase.UNAVAILABLE,
    Event.REPORTED_UNCHECKED: Phase.CHECKING,
    Event.FOUND_MISSING: Phase.OFFERING,
    Event.FOUND_NOTHING_MISSING: Phase.MIRRORING,
    Event.PRESSED_RESTORE: Phase.READING,
    Event.PRESSED_FORGET: Phase.FORGETTING,
    Event.FORGET_OLD: Phase.FORGETTING,
    Event.FORGET_HERE: Phase.PAUSED,
    Event.RESTORED: Phase.MIRRORING,
    Event.REFUSED: Phase.REFUSED,
    Event.GONE: Phase.MIRRORING,
    Event.RETIRED: Phase.RETIRED,
}


def advance(phase: Phase, event: Event) -> Phase:
    """The phase ``event`` leads to from ``phase``.

    Most events lead to one phase wherever they happen (a report says what the browser holds, whatever the
    copy thought before). The exceptions:

    - :attr:`Phase.RETIRED` is final: a retired copy is closed.
    - :attr:`Phase.PAUSED` holds until the notebook runs again: the learner asked this browser to forget
      their answers (a shared computer), so nothing is written, and nothing the browser reports is offered
      back on the same screen; only retiring ends it (and 06_aflevering's "Glem", pressed again, stays).
    - A save changes only an offer (:attr:`Phase.OFFERING` → :attr:`Phase.OFFER_UNCOPIED`); elsewhere it
      is copied or not, but the phase stays.
    - The first "Glem" during an offer asks again (:attr:`Phase.CONFIRMING_FORGET`); while the copy's text
      is being read (:data:`WAITING_FOR_TEXT`: "Gendan" was pressed) it does nothing, and the restore
      finishes; anywhere else (the second press, or after a refusal) it forgets.
    """
    if phase is Phase.RETIRED:
        return phase
    if event is Event.RETIRED:
        return Phase.RETIRED
    if phase is Phase.PAUSED:
        return phase
    if event is Event.SAVED:
        return Phase.OFFER_UNCOPIED if phase is Phase.OFFERING else phase
    if event is Event.PRESSED_FORGET and phase in _OFFERS:
        return Phase.CONFIRMING_FORGET
    if event is Event.PRESSED_FORGET and phase in WAITING_FOR_TEXT:
        return phase  # the copy's text is on its way (a restore, a check): "Glem" is offered after it
    return _TARGET[event]
