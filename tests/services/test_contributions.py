"""The contributions log and the monthly statement: automatic rows recorded once, the three
caps of an hourly allowance at once, fees per kind, and what stays after an erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import (
    Allowance,
    AllowanceMode,
    Community,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Member,
    Membership,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Statement,
)
from bot.runtime import Runtime
from bot.services import contributions
from bot.services.communities import allowances
from bot.services.contributions import activities, statements
from bot.services.members import data_rights

USER_ID = 940_000_001


async def _community_and_member(runtime: Runtime) -> tuple[Community, Member]:
    async with runtime.sessions() as session:
        community = Community(
            code="oost", name="Invented Oost", default_locale="nl", time_zone="Europe/Amsterdam"
        )
        member = Member(telegram_user_id=USER_ID, locale="ti", created_at=runtime.clock())
        session.add_all([community, member])
        await session.flush()
        session.add(Membership(member_id=member.id, community_id=community.id))
        await session.commit()
        return community, member


def _activity(community: Community, member: Member, when: datetime, minutes: int) -> Contribution:
    return Contribution(
        community_id=community.id,
        member_id=member.id,
        kind=ContributionKind.ACTIVITY,
        what="Tolken",
        occurred_at=when,
        minutes=minutes,
        status=ContributionStatus.CONFIRMED,
        created_at=when,
    )


async def test_a_proposal_on_an_agenda_is_credited_once(runtime: Runtime) -> None:
    community, member = await _community_and_member(runtime)
    now = runtime.clock()
    async with runtime.sessions() as session:
        proposal = Proposal(
            community_id=community.id,
            member_id=member.id,
            kind=ProposalKind.TEXT,
            source_locale="ti",
            status=ProposalStatus.ACCEPTED,
            on_agenda=True,
            decided_by_user_id=USER_ID + 1,
            created_at=now,
        )
        session.add(proposal)
        await session.flush()
        first = await contributions.record_proposal_on_agenda(session, proposal, now=now)
        again = await contributions.record_proposal_on_agenda(session, proposal, now=now)
        # An erased proposer's proposal stays on the agenda, credited to nobody.
        proposal.member_id = None
        nobody = await contributions.record_proposal_on_agenda(session, proposal, now=now)
        await session.commit()
        rows = (await session.scalars(select(Contribution))).all()
    assert first is not None
    assert again is None
    assert nobody is None
    assert [(r.kind, r.status, r.proposal_id) for r in rows] == [
        (ContributionKind.PROPOSAL, ContributionStatus.CONFIRMED, proposal.id)
    ]


async def test_an_accepted_translation_counts_its_words_once(runtime: Runtime) -> None:
    community, member = await _community_and_member(runtime)
    words = contributions.count_words("ሓቢርና ንኽሽን  ብዛዕባ ስራሕ ንዛረብ")
    async with runtime.sessions() as session:
        for _ in range(2):
            await contributions.record_translation(
                session,
                community_id=community.id,
                member_id=member.id,
                words=words,
                reference="meeting:7:ti",
                approved_by_user_id=USER_ID + 1,
                now=runtime.clock(),
            )
        await session.commit()
        rows = (await session.scalars(select(Contribution))).all()
    assert [(r.kind, r.words) for r in rows] == [(ContributionKind.TRANSLATION, 5)]


async def test_an_activity_in_the_future_over_twelve_hours_or_overlapping_is_questioned(
    runtime: Runtime,
) -> None:
    community, member = await _community_and_member(runtime)
    now = runtime.clock()
    async with runtime.sessions() as session:
        session.add(_activity(community, member, now - timedelta(hours=5), 120))
        await session.commit()

        async def problems(start: datetime, minutes: int) -> list[str]:
            return await contributions.problems(
                session, member.id, occurred_at=start, minutes=minutes, now=now
            )

        assert await problems(now - timedelta(days=1), 120) == []
        assert await problems(now + timedelta(days=1), 60) == [contributions.FUTURE]
        assert await problems(now - timedelta(days=2), 13 * 60) == [contributions.TOO_LONG]
        assert await problems(now - timedelta(hours=4), 60) == [contributions.OVERLAP]
        # Right after the other one ended is no overlap.
        assert await problems(now - timedelta(hours=3), 60) == []


@pytest.mark.parametrize(
    ("minutes_per_month", "expected"),
    [
        # 10 hours at €5.60 = €56.00, under every cap.
        ((600,), [(5600, None)]),
        # 50 hours = €280.00: the monthly cap of €210 applies.
        ((3000,), [(21000, statements.MONTHLY)]),
        # 40 hours a month = €224 → €210 each month; in the eleventh month only €2,100 minus
        # ten times €210 = nothing is left of the yearly cap.
        ((2400,) * 11, [(21000, statements.MONTHLY)] * 10 + [(0, statements.YEARLY)]),
        # 30 hours = €168 a month: twelve months are €2,016, under the yearly cap.
        ((1800,) * 12, [(16800, None)] * 12),
    ],
)
async def test_an_hourly_allowance_applies_rate_monthly_and_yearly_caps_at_once(
    runtime: Runtime, minutes_per_month: tuple[int, ...], expected: list[tuple[int, str | None]]
) -> None:
    community, member = await _community_and_member(runtime)
    async with runtime.sessions() as session:
        await allowances.set_allowance(
            session,
            community,
            mode=AllowanceMode.HOURLY,
            hourly_rate_cents=560,
            monthly_cap_cents=21000,
            yearly_cap_cents=210000,
            now=runtime.clock(),
        )
        for month, minutes in enumerate(minutes_per_month, 1):
            when = datetime(2025, month, 10, 10, tzinfo=UTC)
            session.add(_activity(community, member, when, minutes))
        await session.commit()
        got = []
        for month in range(1, len(minutes_per_month) + 1):
            (line,) = await statements.produce(
                session,
                community,
                date(2025, month, 1),
                code_of=lambda member_id: f"M-{member_id}",
                identifiable=False,
                now=runtime.clock(),
            )
            got.append((line.amount_cents, line.cap_note))
        await session.commit()
    assert got == expected


async def test_the_yearly_cap_can_lower_a_month_below_the_monthly_cap(runtime: Runtime) -> None:
    community, member = await _community_and_member(runtime)
    async with runtime.sessions() as session:
        await allowances.set_allowance(
            session,
            community,
            mode=AllowanceMode.HOURLY,
            hourly_rate_cents=560,
            monthly_cap_cents=21000,
            yearly_cap_cents=30000,
            now=runtime.clock(),
        )
        session.add(_activity(community, member, datetime(2025, 1, 10, tzinfo=UTC), 3000))
        session.add(_activity(community, member, datetime(2025, 2, 10, tzinfo=UTC), 3000))
        await session.commit()
        (line,) = await statements.produce(
            session,
            community,
            date(2025, 2, 1),
            code_of=str,
            identifiable=True,
            now=runtime.clock(),
        )
    # January paid €210 (monthly cap); February's €210 is cut to the €90 the year has left.
    assert (line.amount_cents, line.cap_note, line.telegram_user_id) == (
        9000,
        statements.YEARLY,
        USER_ID,
    )


async def test_fees_per_kind_and_a_statement_that_outlives_the_person(runtime: Runtime) -> None:
    community, member = await _community_and_member(runtime)
    now = runtime.clock()
    async with runtime.sessions() as session:
        await allowances.set_allowance(
            session,
            community,
            mode=AllowanceMode.FEE,
            fees={"cohost": 2500, "translation": 1000},
            now=now,
        )
        session.add(_activity(community, member, now - timedelta(days=3), 60))
        await contributions.record_translation(
            session,
            community_id=community.id,
            member_id=member.id,
            words=40,
            reference="meeting:3:ti",
            approved_by_user_id=None,
            now=now,
        )
        await session.commit()
        (line,) = await statements.produce(
            session,
            community,
            date(2026, 11, 1),
            code_of=lambda _: "M-CODE",
            identifiable=False,
            now=now,
        )
        await session.commit()
    # The activity has no fee of its own: only the translation is paid.
    assert (line.amount_cents, line.activities, line.minutes) == (1000, 2, 60)
    async with runtime.sessions() as session:
        await data_rights.erase(session, member.id, now=now)
    async with runtime.sessions() as session:
        assert (await session.scalars(select(Contribution))).all() == []
        kept = (await session.scalars(select(Statement))).one()
        assert (kept.member_id, kept.code, kept.amount_cents) == (None, "M-CODE", 1000)
        # A second statement for the month keeps the erased person's line as it was.
        lines = await statements.produce(
            session, community, date(2026, 11, 1), code_of=str, identifiable=True, now=now
        )
    assert [(line.code, line.amount_cents, line.telegram_user_id) for line in lines] == [
        ("M-CODE", 1000, None)
    ]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"mode": AllowanceMode.HOURLY}, "--hourly-rate"),
        ({"mode": AllowanceMode.FEE}, "--fee"),
        ({"mode": AllowanceMode.FEE, "fees": {"lunch": 500}}, "'lunch'"),
        ({"mode": AllowanceMode.NONE, "monthly_cap_cents": 21000}, "caps are only"),
        ({"mode": AllowanceMode.NONE, "hourly_rate_cents": 560}, "only for --mode hourly"),
        (
            {
                "mode": AllowanceMode.HOURLY,
                "hourly_rate_cents": 560,
                "monthly_cap_cents": 30000,
                "yearly_cap_cents": 21000,
            },
            "higher than the yearly",
        ),
        ({"mode": AllowanceMode.HOURLY, "hourly_rate_cents": -1}, "between 0"),
    ],
)
async def test_allowance_settings_that_make_no_sense_are_refused(
    runtime: Runtime, given: dict, message: str
) -> None:
    community, _member = await _community_and_member(runtime)
    async with runtime.sessions() as session:
        with pytest.raises(allowances.AllowanceError, match=message):
            await allowances.set_allowance(session, community, now=runtime.clock(), **given)
        assert await session.get(Allowance, community.id) is None


def test_days_times_and_lengths_are_read_as_people_type_them() -> None:
    today = date(2026, 11, 28)
    assert activities.parse_day("14-11", today) == date(2026, 11, 14)
    assert activities.parse_day("14/11/2025", today) == date(2025, 11, 14)
    assert activities.parse_day("2026-11-14", today) == date(2026, 11, 14)
    assert activities.parse_day("۱۴-۱۱", today) == date(2026, 11, 14)  # Persian digits
    assert activities.parse_day("31-02", today) is None
    assert activities.parse_day("gisteren", today) is None
    assert activities.parse_time("9.30") == time(9, 30)
    assert activities.parse_time("18h00") == time(18, 0)
    assert activities.parse_time("25:00") is None
    assert activities.parse_minutes("2") == 120
    assert activities.parse_minutes("1,5") == 90
    assert activities.parse_minutes("2:15") == 135
    assert activities.parse_minutes("٢") == 120  # Arabic-Indic digits
    assert activities.parse_minutes("0") is None
    assert activities.parse_minutes("lang") is None
    assert activities.clean_what("  tolken \n bij de   ouderavond ") == "tolken bij de ouderavond"
    assert activities.clean_what(" ") is None
    assert activities.clean_what("x" * 301) is None
