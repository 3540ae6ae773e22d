"""A member who speaks Farsi answers the follow-up after a meeting; the answers are theirs to
see in /mydata. Reminders carry the RSVP buttons; the re-engagement message lists what comes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.models import Member
from bot.services import checkins
from bot.services.checkins import firing as checkin_firing
from tests.factories import REZA
from tests.harness import BotHarness, Reply, Say, Tap, Turn, json_document
from tests.meeting_support import deliver, make_meeting
from tests.outbox_support import make_community


async def fire_and_deliver(bot: BotHarness) -> None:
    async with bot.runtime.sessions() as session:
        await checkin_firing.fire_due(session, now=bot.runtime.clock())
    await deliver(bot.runtime, bot.api)


async def test_a_farsi_speaker_answers_the_follow_up_and_finds_it_in_mydata(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, locales=["fa"], first_user_id=REZA.id, name="Buurthuis")
    meeting = await make_meeting(runtime, people.community_id)
    fa = runtime.catalogs.translator("fa")
    from bot.services import meetings
    from bot.services.meetings import invitations
    from bot.services.meetings.invitations import Audience

    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)
    await bot.tap(REZA, fa.gettext("Going"))
    await bot.tap(REZA, fa.gettext("Continue later"))

    # The day before: a reminder that knows he said Going, with one title and one button to
    # change the answer (the three answers come back when he taps it).
    runtime.clock.now = datetime(2026, 12, 4, 13, 0, tzinfo=UTC)
    await fire_and_deliver(bot)
    message_id, reminder, keyboard = bot.screen(REZA)[-1]
    assert reminder.startswith(
        fa.gettext("Reminder from {community}", community=fa.isolate("Buurthuis"))
    )
    assert reminder.count("Samen koken") == 1
    assert reminder.endswith(fa.gettext("You said you are coming."))
    assert [[b["text"] for b in row] for row in keyboard] == [[fa.gettext("Change my answer")]]
    await bot.tap(REZA, fa.gettext("Change my answer"))
    assert [b["text"] for b in bot.screen(REZA)[-1][2][0]] == [
        fa.gettext("Going"),
        fa.gettext("Maybe"),
        fa.gettext("Not going"),
    ]
    assert bot.screen(REZA)[-1][0] == message_id  # the same reminder, not a new message

    # The next morning at 10:00 in Amsterdam: how was it?
    runtime.clock.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    await fire_and_deliver(bot)
    _, followup, _ = bot.screen(REZA)[-1]
    assert followup == fa.gettext(
        "How was {title}? Thank you for coming. Would you tell us what you learned and how we "
        "could help each other?",
        title=fa.isolate("Samen koken"),
    )
    await bot.transcript(
        REZA,
        [
            Turn(
                Tap(fa.gettext("Answer the questions")),
                [Reply(contains=[fa.gettext("What did you learn?")])],
            ),
            Turn(
                Say("یاد گرفتم چطور رزومه بنویسم"),
                [Reply(contains=[fa.gettext("How could we help each other?")])],
            ),
            Turn(
                Say("می‌توانم در ترجمه کمک کنم"),
                [fa.gettext("Thank you for your answers!")],
            ),
        ],
    )
    calls = await bot.feed(bot.updates.text(REZA, "/mydata"))
    document = json_document(calls[-1])
    texts = [answer["text"] for answer in document["answers"]]
    assert "یاد گرفتم چطور رزومه بنویسم" in texts
    assert "می‌توانم در ترجمه کمک کنم" in texts


async def test_someone_who_drifted_away_hears_what_is_coming(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, locales=["nl"], first_user_id=938_000_001)
    await make_meeting(runtime, people.community_id, starts=datetime(2026, 12, 12, 14, 0))
    async with runtime.sessions() as session:
        member = await session.get(Member, people.member_ids[0])
        member.last_seen_at = runtime.clock() - timedelta(days=90)
        await checkins.plan_reengagement(session, now=runtime.clock())
        await session.commit()
    await fire_and_deliver(bot)
    nl = runtime.catalogs.translator("nl")
    from tests.factories import Person

    person = Person(people.user_ids[0], "Noor", "nl")
    _, text, keyboard = bot.screen(person)[-1]
    assert text.startswith(
        nl.gettext(
            "We have not heard from you for a while and we miss you! You are always welcome."
        )
    )
    assert "Samen koken — zaterdag 12 december 2026 om 14:00" in text
    assert keyboard[0][0]["text"] == "Samen koken"


async def test_a_long_term_check_in_a_month_after_the_last_meeting(bot: BotHarness) -> None:
    from bot.db.models import RsvpStatus
    from bot.services.meetings import rsvps
    from tests.factories import Person

    runtime = bot.runtime
    people = await make_community(runtime, locales=["uk"], first_user_id=938_100_001, name="Oost")
    olena = Person(people.user_ids[0], "Olena", "uk")
    meeting = await make_meeting(runtime, people.community_id)
    async with runtime.sessions() as session:
        member = await session.get(Member, people.member_ids[0])
        await rsvps.respond(session, member, meeting.id, RsvpStatus.GOING, now=runtime.clock())
        await session.commit()
    runtime.clock.now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    async with runtime.sessions() as session:
        await checkins.plan_longterm(session, runtime.catalogs, now=runtime.clock())
        await session.commit()
    runtime.clock.now = datetime(2027, 1, 5, 15, 30, tzinfo=UTC)  # 16:30, a month after
    await fire_and_deliver(bot)
    uk = runtime.catalogs.translator("uk")
    texts = [text for _, text, _ in bot.screen(olena)]
    assert texts[-1].startswith(
        uk.gettext(
            "Hello again from {community}! It has been a while. Where do you stand now, what "
            "have you learned, and how could we help each other? We would love to hear it.",
            community=uk.isolate("Oost"),
        )
    )
    (first,) = await bot.act(olena, Tap(uk.gettext("Answer the questions")))
    assert uk.gettext("Where do you stand now?") in (first.text or "")


async def test_a_maybe_is_remembered_and_changed_from_the_reminder(bot: BotHarness) -> None:
    from bot.db.models import CheckIn, CheckInKind, CheckInState
    from bot.services import meetings
    from bot.services.meetings import invitations
    from bot.services.meetings.invitations import Audience
    from tests.factories import Person

    runtime = bot.runtime
    people = await make_community(runtime, locales=["uk"], first_user_id=938_200_001, name="Oost")
    olena = Person(people.user_ids[0], "Olena", "uk")
    meeting = await make_meeting(runtime, people.community_id)
    uk = runtime.catalogs.translator("uk")
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)
    await bot.tap(olena, uk.gettext("Maybe"))
    await bot.tap(olena, uk.gettext("Continue later"))

    runtime.clock.now = datetime(2026, 12, 4, 13, 0, tzinfo=UTC)
    await fire_and_deliver(bot)
    _, reminder, keyboard = bot.screen(olena)[-1]
    assert reminder.startswith(
        uk.gettext("Reminder from {community}", community=uk.isolate("Oost"))
    )
    assert uk.gettext("You said you might come.") in reminder
    assert reminder.count("Samen koken") == 1
    assert [[b["text"] for b in row] for row in keyboard] == [[uk.gettext("Change my answer")]]

    await bot.tap(olena, uk.gettext("Change my answer"))
    calls = await bot.tap(olena, uk.gettext("Not going"))
    assert [call.text for call in calls] == [
        uk.gettext(
            "Thank you for letting us know that you are not coming to {title}.",
            title=uk.isolate("Samen koken"),
        )
    ]
    async with runtime.sessions() as session:
        left = await session.scalars(
            select(CheckIn).where(
                CheckIn.kind == CheckInKind.REMINDER, CheckIn.state == CheckInState.PENDING
            )
        )
        assert list(left) == []
