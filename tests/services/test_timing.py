"""Wall-clock times become one UTC moment, also on both DST nights; quiet hours wait."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.services.timing import QuietHours, add_months, at_local_time, to_utc

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
KABUL = ZoneInfo("Asia/Kabul")


def test_an_ordinary_winter_and_summer_time() -> None:
    assert at_local_time(date(2026, 1, 15), time(10), AMSTERDAM) == datetime(
        2026, 1, 15, 9, 0, tzinfo=UTC
    )
    assert at_local_time(date(2026, 7, 15), time(10), AMSTERDAM) == datetime(
        2026, 7, 15, 8, 0, tzinfo=UTC
    )


def test_0230_on_the_spring_forward_night_is_one_moment_after_the_gap() -> None:
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
    moment = at_local_time(date(2026, 3, 29), time(2, 30), AMSTERDAM)
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert moment.astimezone(AMSTERDAM).strftime("%H:%M %Z") == "03:30 CEST"


def test_0230_on_the_fall_back_night_is_the_first_of_the_two() -> None:
    # 25 October 2026: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    moment = at_local_time(date(2026, 10, 25), time(2, 30), AMSTERDAM)
    assert moment == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert to_utc(datetime(2026, 10, 25, 2, 30, fold=1), AMSTERDAM) == moment


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 31, 9, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 9, 0, tzinfo=UTC)),
        # Winter → summer time: the same 10:00 local is an hour earlier in UTC.
        (datetime(2026, 1, 15, 9, 0, tzinfo=UTC), 6, datetime(2026, 7, 15, 8, 0, tzinfo=UTC)),
        (datetime(2026, 11, 15, 9, 0, tzinfo=UTC), 3, datetime(2027, 2, 15, 9, 0, tzinfo=UTC)),
    ],
)
def test_months_later_at_the_same_wall_clock_time(start, months, expected) -> None:
    assert add_months(start, months, AMSTERDAM) == expected


def test_quiet_hours_push_an_evening_message_to_the_next_morning() -> None:
    quiet = QuietHours(time(21), time(9))
    evening = datetime(2026, 12, 5, 21, 30, tzinfo=UTC)  # 22:30 in Amsterdam
    assert quiet.next_allowed(evening, AMSTERDAM) == datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def test_quiet_hours_push_a_night_message_to_the_same_morning() -> None:
    quiet = QuietHours(time(21), time(9))
    night = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # 03:00 in Amsterdam
    assert quiet.next_allowed(night, AMSTERDAM) == datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def test_a_daytime_message_is_not_delayed() -> None:
    noon = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)
    assert QuietHours().next_allowed(noon, AMSTERDAM) == noon


def test_quiet_hours_are_the_recipients_own() -> None:
    # 06:00 UTC is 07:00 in Amsterdam (quiet) but 10:30 in Kabul (awake).
    moment = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)
    assert QuietHours().next_allowed(moment, KABUL) == moment
    assert QuietHours().next_allowed(moment, AMSTERDAM) == datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def test_quiet_hours_on_the_spring_forward_night_end_at_nine_summer_time() -> None:
    night = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET
    assert QuietHours().next_allowed(night, AMSTERDAM) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def test_equal_start_and_end_means_no_quiet_hours() -> None:
    night = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    assert QuietHours(time(0), time(0)).next_allowed(night, AMSTERDAM) == night
