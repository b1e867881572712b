"""Time in casekit (casekit.clock): one stored form (UTC, ISO 8601, microseconds) that sorts as text, and
the ways a time is shown."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from casekit import clock


def test_the_stored_form_is_utc_with_microseconds_and_sorts_as_text():
    moment = datetime(2025, 3, 1, 10, 15, 2, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert clock.format_time(moment) == "2025-03-01T09:15:02.123456+00:00"
    times = [clock.now() for _ in range(3)]
    assert times == sorted(times)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2025-03-01T09:15:02Z", "2025-03-01T09:15:02.000000+00:00"),
        ("2025-03-01T10:15:02+01:00", "2025-03-01T09:15:02.000000+00:00"),
        ("2025-03-01T09:15:02", "2025-03-01T09:15:02.000000+00:00"),
    ],
)
def test_normalise_reads_z_offsets_and_naive_times_as_utc(given: str, stored: str):
    assert clock.normalise_time(given) == stored


@pytest.mark.parametrize("bad", ["", "i går", "0001-01-01T00:30:00+01:00", 5])
def test_what_is_not_a_time_is_a_value_error(bad: object):
    with pytest.raises(ValueError):
        clock.parse_time(bad)  # type: ignore[arg-type]


def test_plausible_means_not_far_ahead_of_this_clock():
    assert clock.is_plausible(clock.now())
    ahead = datetime.now(timezone.utc) + clock.MAX_AHEAD + timedelta(hours=1)
    assert not clock.is_plausible(clock.format_time(ahead)) and not clock.is_plausible("x")


def test_shown_times():
    assert clock.display_time("2025-03-01T09:15:02.000000+00:00") == "2025-03-01 09:15 UTC"
    assert clock.display_time(None) == "" and clock.display_time("odd") == "odd"
    assert clock.later("2025-03-01T09:15:02.000000+00:00") == "2025-03-01T09:15:02.000001+00:00"
    assert clock.later("9999-12-31T23:59:59.999999+00:00") == "9999-12-31T23:59:59.999999+00:00"
    assert len(clock.local_clock(clock.now())) == 8


def test_the_day_is_named_only_when_it_is_not_today():
    """A status line names the day of an answer from another day, and not of one from today."""
    assert clock.local_day(clock.now()) == ""
    yesterday = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat()
    assert clock.local_day(yesterday) == (datetime.now().astimezone() - timedelta(days=2)).date().isoformat()
    assert clock.local_day("odd") == ""
