"""One unit of work per update, counted on the engine.

What is counted, per update, with listeners on the engine the bot uses:
- transactions: every "begin" of a connection (SQLite or PostgreSQL alike);
- write transactions: those begun without the read-only option, i.e. `BEGIN IMMEDIATE` on
  SQLite. The admission's own write (the update as handled, the member as seen) is part of the
  journey's unit of work, so it is inside this count, not beside it;
- member reads: SELECT statements on the `members` table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, select

from bot.db.engine import READ_ONLY
from bot.db.models import Answer, AnswerSource, ConversationMessage, Role, Rsvp, RsvpStatus
from bot.runtime import Runtime
from bot.services import meetings
from bot.services.communities import roles
from bot.services.meetings import invitations
from bot.services.meetings.invitations import Audience
from tests.factories import SANNE, Person
from tests.harness import BotHarness
from tests.meeting_support import deliver, make_meeting
from tests.outbox_support import make_community

MEMBER_READ = re.compile(r"^\s*SELECT\b.*\bFROM members\b", re.IGNORECASE | re.DOTALL)


@dataclass
class Meter:
    """Transactions, write transactions and member reads on the runtime's engine."""

    runtime: Runtime
    transactions: int = 0
    writes: int = 0
    member_reads: int = 0
    statements: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        engine = self.runtime.engine.sync_engine
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "before_cursor_execute", self._statement)

    def close(self) -> None:
        engine = self.runtime.engine.sync_engine
        event.remove(engine, "begin", self._begin)
        event.remove(engine, "before_cursor_execute", self._statement)

    def reset(self) -> None:
        self.transactions = self.writes = self.member_reads = 0
        self.statements.clear()

    def _begin(self, connection: Any) -> None:
        self.transactions += 1
        if not connection.get_execution_options().get(READ_ONLY):
            self.writes += 1

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.statements.append(statement)
        if MEMBER_READ.match(statement):
            self.member_reads += 1


async def _invited_member(bot: BotHarness) -> tuple[Person, int]:
    """Amira, invited to a meeting with questions, the invitation delivered; Sanne organises."""
    runtime = bot.runtime
    people = await make_community(
        runtime, locales=["ar"], first_user_id=960_000_001, name="Buurthuis"
    )
    amira = Person(people.user_ids[0], "Amira", "ar")
    meeting = await make_meeting(runtime, people.community_id)
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await roles.grant(
            session,
            community_id=people.community_id,
            telegram_user_id=SANNE.id,
            role=Role.ORGANISER,
            now=runtime.clock(),
        )
        await session.commit()
    await deliver(runtime, bot.api)
    return amira, meeting.id


async def test_a_story_is_one_write_transaction_and_one_member_read(bot: BotHarness) -> None:
    people = await make_community(bot.runtime, first_user_id=960_000_101, name="Buurthuis")
    member = Person(people.user_ids[0], "Noor", "nl")
    await bot.say(member, "/share")
    meter = Meter(bot.runtime)
    try:
        replies = await bot.say(member, "Ik wil graag Nederlands leren.")
    finally:
        meter.close()
    t = bot.runtime.catalogs.translator("nl")
    thanks = t.gettext(
        "Thank you for sharing your story! It helps {community} to understand what "
        "matters to you.",
        community="Buurthuis",
    )
    assert replies == [thanks]
    async with bot.runtime.sessions() as session:
        stories = await session.scalar(
            select(func.count()).select_from(Answer).where(Answer.source == AnswerSource.STORY)
        )
    assert stories == 1
    # The admission's read, then the story (with the admission's write) in one unit.
    assert (meter.writes, meter.transactions, meter.member_reads) == (1, 2, 1)
    if bot.runtime.engine.dialect.name == "sqlite":
        # The admission's one statement runs outside a transaction: only the unit begins.
        assert [s for s in meter.statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]


async def test_a_message_to_the_community_is_one_write_transaction_and_one_member_read(
    bot: BotHarness,
) -> None:
    people = await make_community(bot.runtime, first_user_id=960_000_151, name="Buurthuis")
    member = Person(people.user_ids[0], "Noor", "nl")
    meter = Meter(bot.runtime)
    try:
        replies = await bot.say(member, "Hoe laat begint de taalles?")
    finally:
        meter.close()
    assert len(replies) == 1
    async with bot.runtime.sessions() as session:
        kept = await session.scalar(select(func.count()).select_from(ConversationMessage))
    assert kept == 1
    # The admission's read, then the message and the organisers' notice in one unit.
    assert (meter.writes, meter.transactions, meter.member_reads) == (1, 2, 1)


async def test_an_rsvp_tap_and_an_answer_are_one_write_transaction_each(
    bot: BotHarness,
) -> None:
    amira, meeting_id = await _invited_member(bot)
    t = bot.runtime.catalogs.translator("ar")
    meter = Meter(bot.runtime)
    try:
        calls = await bot.tap(amira, t.gettext("Going"))
        tap = (meter.writes, meter.transactions, meter.member_reads)
        meter.reset()
        answered = await bot.say(amira, "العمل والسكن")
        answer = (meter.writes, meter.transactions, meter.member_reads)
    finally:
        meter.close()
    # The tap is saved, confirmed, and the first question is asked in the same unit of work.
    texts = [call.text for call in calls if call.text]
    assert any(
        text.startswith(t.gettext("A few questions to help prepare the meeting:"))
        for text in texts
    )
    async with bot.runtime.sessions() as session:
        status = await session.scalar(select(Rsvp.status).where(Rsvp.meeting_id == meeting_id))
        kept = await session.scalar(select(func.count()).select_from(Answer))
    assert status == RsvpStatus.GOING
    assert kept == 1
    assert answered  # the next question
    assert tap == (1, 2, 1)
    assert answer == (1, 2, 1)


async def test_an_organisers_meeting_list_is_two_transactions(bot: BotHarness) -> None:
    await _invited_member(bot)
    meter = Meter(bot.runtime)
    try:
        calls = await bot.feed(bot.updates.text(SANNE, "/meeting"))
    finally:
        meter.close()
    (listing,) = [call for call in calls if call.method == "sendMessage"]
    assert listing.text == bot.runtime.catalogs.translator("nl").gettext("Your meetings:")
    assert meter.transactions <= 2
    assert meter.writes == 1
    assert meter.member_reads == 1, [s for s in meter.statements if "members" in s]


async def test_a_glance_runs_its_statement_outside_a_transaction(bot: BotHarness) -> None:
    meter = Meter(bot.runtime)
    try:
        async with bot.runtime.glance() as session:
            counted = await session.scalar(select(func.count()).select_from(Answer))
            raw = await (await session.connection()).get_raw_connection()
            # PostgreSQL: asyncpg's own view of whether a transaction is open.
            postgres = bot.runtime.engine.dialect.name == "postgresql"
            in_transaction = postgres and raw.driver_connection.is_in_transaction()
    finally:
        meter.close()
    assert counted == 0
    assert meter.writes == 0
    if bot.runtime.engine.dialect.name == "sqlite":
        assert not [s for s in meter.statements if s.startswith("BEGIN")]
    else:
        assert not in_transaction


async def test_a_read_only_session_does_not_take_the_write_lock(bot: BotHarness) -> None:
    meter = Meter(bot.runtime)
    try:
        async with bot.runtime.reading() as session:
            await session.scalar(select(func.count()).select_from(Answer))
    finally:
        meter.close()
    assert (meter.transactions, meter.writes) == (1, 0)
    if bot.runtime.engine.dialect.name == "sqlite":
        assert "BEGIN" in meter.statements
        assert "BEGIN IMMEDIATE" not in meter.statements
