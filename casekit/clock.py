"""Time in casekit: one clock, one stored form, one way to show a time.

Every time casekit stores or exports is UTC in ISO 8601 with microseconds
(``2025-03-01T09:15:02.123456+00:00``), so that stored times sort as text. Documents show a time as
``2025-03-01 09:15 UTC``; a widget's status line shows the learner's local clock time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = [
    "MAX_AHEAD",
    "display_time",
    "format_time",
    "is_plausible",
    "later",
    "local_clock",
    "local_day",
    "normalise_time",
    "now",
    "parse_time",
]

MAX_AHEAD = timedelta(days=2)
"""How far ahead of this machine's clock a stored time may be: another machine's clock may run ahead (or
be set to the wrong time zone), but an answer is not saved years from now."""


def now() -> str:
    """The current time in the stored form."""
    return format_time(datetime.now(timezone.utc))


def format_time(moment: datetime) -> str:
    """``moment`` in the stored form: UTC, ISO 8601, microseconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    """Parse ISO 8601; a trailing ``Z`` is UTC and a time without offset is taken as UTC.

    Raises
    ------
    ValueError
        ``text`` is not an ISO 8601 time, or names a moment outside the calendar in UTC (the first
        hour of year 1 at ``+01:00``, say).
    """
    if not isinstance(text, str):
        raise ValueError(f"not a time: {text!r}")
    moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError as exc:
        raise ValueError(f"outside the calendar in UTC: {text!r}") from exc


def normalise_time(text: str) -> str:
    """The stored form of an ISO 8601 time; ``ValueError`` if it is not one (or is outside the calendar)."""
    return format_time(parse_time(text))


def is_plausible(stored: str) -> bool:
    """Whether a stored time could honestly have been saved: not more than :data:`MAX_AHEAD` from now."""
    try:
        return parse_time(stored) <= datetime.now(timezone.utc) + MAX_AHEAD
    except ValueError:
        return False


def later(stored: str, microseconds: int = 1) -> str:
    """A stored time ``microseconds`` after ``stored``; ``stored`` itself at the end of the calendar."""
    try:
        return format_time(parse_time(stored) + timedelta(microseconds=microseconds))
    except OverflowError:
        return normalise_time(stored)


def display_time(stored: str | None) -> str:
    """A stored time as documents show it (``2025-03-01 09:15 UTC``); ``""`` for none; as given if odd."""
    if not stored:
        return ""
    try:
        moment = parse_time(stored).astimezone(timezone.utc)
    except ValueError:
        return stored
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def local_day(stored: str) -> str:
    """The day of a stored time on the learner's own calendar (``2025-03-01``), or ``""`` if it is today (or
    not a time): with :func:`local_clock`, for a status line that speaks of an answer from another day."""
    try:
        day = parse_time(stored).astimezone().date()
    except ValueError:
        return ""
    return "" if day == datetime.now().astimezone().date() else day.isoformat()


def local_clock(stored: str) -> str:
    """A stored time as the learner's own clock shows it (``14:05:09``), for a status line."""
    try:
        return parse_time(stored).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return stored
