"""The inbound throttle's window: a flood is told once, a normal pace is never dropped."""

from __future__ import annotations

from bot.services.throttle import InboundThrottle, Verdict

MEMBER, OTHER = 1001, 1002


def test_the_first_over_the_limit_is_told_and_the_rest_dropped_quietly() -> None:
    windows = InboundThrottle(limit=20)
    verdicts = [windows.check(MEMBER, now=0.0 + i / 100) for i in range(300)]
    assert verdicts[:20] == [Verdict.READ] * 20
    assert verdicts[20] is Verdict.NOTICE
    assert verdicts[21:] == [Verdict.DROP] * 279


def test_one_member_flooding_takes_nothing_from_another() -> None:
    windows = InboundThrottle(limit=20)
    for i in range(100):
        windows.check(MEMBER, now=float(i) / 10)
    assert [windows.check(OTHER, now=10.0) for _ in range(20)] == [Verdict.READ] * 20


def test_a_normal_pace_is_never_dropped() -> None:
    windows = InboundThrottle(limit=20)
    # One message every 3 seconds for ten minutes: 20 in any minute, never more.
    assert {windows.check(MEMBER, now=i * 3.0) for i in range(200)} == {Verdict.READ}


def test_after_a_minute_messages_are_read_again_and_drops_do_not_count() -> None:
    windows = InboundThrottle(limit=3)
    assert [windows.check(MEMBER, now=t) for t in (0.0, 1.0, 2.0, 3.0, 30.0)] == [
        Verdict.READ,
        Verdict.READ,
        Verdict.READ,
        Verdict.NOTICE,
        Verdict.DROP,
    ]
    # The first accepted message leaves the window at 60 s: one place is free again.
    assert windows.check(MEMBER, now=60.5) is Verdict.READ
    assert windows.check(MEMBER, now=60.6) is Verdict.DROP  # told 57 s ago: not again


def test_a_flood_that_goes_on_is_told_once_a_minute_not_once_a_message() -> None:
    windows = InboundThrottle(limit=20)
    verdicts = [windows.check(MEMBER, now=i * 0.1) for i in range(1800)]  # 3 minutes, 10/s
    assert verdicts.count(Verdict.NOTICE) == 3
    assert verdicts.count(Verdict.READ) == 60


def test_members_idle_for_a_window_are_forgotten() -> None:
    windows = InboundThrottle(limit=20)
    for member in range(500):
        windows.check(member, now=0.0)
    assert len(windows) == 500
    windows.check(OTHER, now=61.0)
    assert len(windows) == 1
