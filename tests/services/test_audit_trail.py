"""The audit trail: role changes, broadcasts, erasures and reports are recorded with who, when,
what and how many rows — and an erasure leaves counts, never the person."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AuditEvent, Broadcast, Role
from bot.runtime import Runtime
from bot.services import audit, reports
from bot.services.communities import roles
from bot.services.members import data_rights
from bot.services.outbox import announcements
from tests.outbox_support import make_community
from tests.report_support import seed_community

COORDINATOR = 940_500_001


async def test_role_changes_are_recorded_with_actor_target_and_role(runtime: Runtime) -> None:
    people = await make_community(runtime, "oost")
    async with runtime.sessions() as session:
        for grant in (True, False):
            change = roles.grant if grant else roles.revoke
            by = {"granted_by" if grant else "revoked_by": COORDINATOR}
            await change(
                session,
                community_id=people.community_id,
                telegram_user_id=people.user_ids[0],
                role=Role.ORGANISER,
                now=runtime.clock(),
                **by,
            )
            await session.commit()
        revoked, granted = await audit.events(session, community_id=people.community_id)
    for event, action in ((granted, "role.grant"), (revoked, "role.revoke")):
        assert event.action == action
        assert event.actor_user_id == COORDINATOR
        assert event.target == f"user:{people.user_ids[0]}"
        assert (event.row_count, event.details) == (1, {"role": "organiser"})
        assert event.at == runtime.clock()


async def test_an_announcement_is_recorded_with_its_broadcast_and_recipients(
    runtime: Runtime,
) -> None:
    people = await make_community(runtime, "oost", locales=["nl", "ar", "uk"])
    async with runtime.sessions() as session:
        sent = await announcements.announce(
            session,
            community_code="oost",
            texts={"nl": "Tot zaterdag!"},
            source_locale="nl",
            now=runtime.clock(),
            actor_user_id=COORDINATOR,
        )
        (event,) = await audit.events(session, action="outbox.announce")
    assert event.actor_user_id == COORDINATOR
    assert event.community_id == people.community_id
    assert event.target == f"broadcast:{sent.broadcast_id}"
    assert event.row_count == 3
    # What was said is not in the trail.
    assert "Tot zaterdag" not in str(event.details)


async def test_an_erasure_keeps_row_counts_and_nothing_that_points_to_the_person(
    runtime: Runtime,
) -> None:
    seeded = await seed_community(runtime)
    erased_user = seeded.user_ids[1]
    async with runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=seeded.community_id,
            telegram_user_id=erased_user,
            role=Role.ORGANISER,
            now=runtime.clock(),
            granted_by=COORDINATOR,
        )
        await session.commit()
        # They were an organiser too, and sent an announcement.
        await announcements.announce(
            session,
            community_code=seeded.code,
            texts={"nl": "Tot zaterdag!"},
            source_locale="nl",
            now=runtime.clock(),
            actor_user_id=erased_user,
        )
        counts = await data_rights.erase(session, seeded.member_ids[1], now=runtime.clock())
    async with runtime.sessions() as session:
        (event,) = await audit.events(session, action="member.erase")
        everything = (await session.scalars(select(AuditEvent))).all()
    assert event.actor_user_id is None
    assert event.target is None
    assert event.details == counts
    assert counts["answers"] == 2
    assert counts["role_assignments"] == 1
    assert event.row_count == sum(counts.values())
    # Nowhere in the whole trail: their Telegram id or their member id as a target.
    trail = " ".join(f"{e.actor_user_id} {e.target} {e.details}" for e in everything)
    assert str(erased_user) not in trail
    grant = next(e for e in everything if e.action == "role.grant")
    assert grant.target == data_rights.ERASED_TARGET
    announced = next(e for e in everything if e.action == "outbox.announce")
    assert announced.actor_user_id is None
    async with runtime.sessions() as session:
        creators = (await session.scalars(select(Broadcast.created_by_user_id))).all()
    assert erased_user not in creators


async def test_a_report_leaving_the_system_is_recorded(runtime: Runtime) -> None:
    seeded = await seed_community(runtime)
    async with runtime.sessions() as session:
        report = await reports.build(session, community_code=seeded.code, now=runtime.clock())
        await reports.record(
            session, report, via="chat", now=runtime.clock(), actor_user_id=COORDINATOR
        )
        await reports.record(session, report, via="cli", now=runtime.clock())
        cli, chat = await audit.events(session, community_id=seeded.community_id)
    assert (chat.action, chat.actor_user_id, chat.row_count) == ("report.stats", COORDINATOR, 7)
    assert (cli.action, cli.actor_user_id, cli.details["via"]) == ("report.write", None, "cli")
