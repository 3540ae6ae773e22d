"""Meetings as organisers make and change them, and what members then get."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import (
    InputRun,
    InputStatus,
    Member,
    OutboxMessage,
    OutboxState,
    QuestionKind,
    RsvpStatus,
)
from bot.runtime import Runtime
from bot.services import intake, meetings
from bot.services.intake.questions import Given, QuestionDraft
from bot.services.meetings import (
    MeetingDraft,
    MeetingError,
    TextDraft,
    calendar,
    changes,
    invitations,
    rsvps,
)
from bot.services.meetings.invitations import Audience, AudienceKind
from tests.fakes.bot_api import FakeBotAPI
from tests.meeting_support import ARABIC, DUTCH, STARTS, deliver, make_meeting
from tests.outbox_support import make_community, rows


def draft(community_id: int, **changes: object) -> MeetingDraft:
    values: dict[str, object] = {
        "community_id": community_id,
        "source_locale": "nl",
        "texts": {"nl": DUTCH},
        "starts_local": STARTS,
        "time_zone": "Europe/Amsterdam",
    }
    values.update(changes)
    return MeetingDraft(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"starts_local": datetime(2026, 11, 1, 10, 0)}, "in_the_past"),
        ({"input_deadline_local": STARTS + timedelta(hours=1)}, "deadline_after_start"),
        ({"ends_local": STARTS - timedelta(hours=1)}, "ends_before_start"),
        ({"texts": {"xx": DUTCH}}, "unknown_language"),
        ({"texts": {"ar": ARABIC}}, "source_text_missing"),
        ({"texts": {"nl": TextDraft(title="  ")}}, "title_missing"),
        ({"online_url": "javascript:alert(1)"}, "bad_link"),
        ({"time_zone": "Mars/Olympus"}, "bad_zone"),
    ],
)
async def test_a_meeting_that_cannot_be_is_refused_with_a_reason(
    runtime: Runtime, changes: dict[str, object], code: str
) -> None:
    people = await make_community(runtime)
    async with runtime.sessions() as session:
        with pytest.raises(MeetingError) as refused:
            await meetings.create(
                session, draft(people.community_id, **changes), now=runtime.clock()
            )
        assert refused.value.code == code


async def test_texts_reach_members_along_the_fallback_chain(runtime: Runtime) -> None:
    people = await make_community(runtime, default_locale="ar")
    meeting = await make_meeting(
        runtime, people.community_id, texts={"nl": DUTCH, "ar": ARABIC, "fa": TextDraft("دور هم")}
    )
    async with runtime.sessions() as session:
        meeting = await meetings.get(session, meeting.id)
        assert meeting is not None
        assert meetings.text_for(meeting, "fa-AF", "ar").title == "دور هم"  # Dari reads Farsi
        assert meetings.text_for(meeting, "ti", "ar").title == ARABIC.title  # community default
        assert meetings.text_for(meeting, "ti", "so").title == DUTCH.title  # written in Dutch
        assert meetings.text_for(meeting, None, "nl").title == DUTCH.title


async def test_the_calendar_file_is_valid_icalendar_in_utc(runtime: Runtime) -> None:
    people = await make_community(runtime)
    meeting = await make_meeting(runtime, people.community_id, texts={"nl": DUTCH})
    async with runtime.sessions() as session:
        meeting = await meetings.get(session, meeting.id)
        assert meeting is not None
        content = calendar.ics(meeting, meeting.texts[0], now=runtime.clock()).decode()
    lines = content.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    assert f"UID:meeting-{meeting.id}@samen" in lines
    assert "DTSTART:20261205T130000Z" in lines  # 14:00 in Amsterdam in winter
    assert "DTEND:20261205T150000Z" in lines
    assert "SUMMARY:Samen koken" in lines
    assert "LOCATION:Buurthuis Oost\\, Kanaalweg 12" in lines
    assert "SEQUENCE:1" in lines
    assert "STATUS:CONFIRMED" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert calendar.filename(meeting) == f"meeting-{meeting.id}.ics"


async def test_inviting_twice_never_sends_twice_and_skips_the_unreachable(
    runtime: Runtime,
) -> None:
    people = await make_community(runtime, locales=["nl", "ar", "nl", "ar"])
    async with runtime.sessions() as session:
        stopped = await session.get(Member, people.member_ids[2])
        stopped.stopped_at = runtime.clock()
        blocked = await session.get(Member, people.member_ids[3])
        blocked.blocked_at = runtime.clock()
        await session.commit()
    not_consented = await make_community(
        runtime, "other", consented=False, first_user_id=931_000_001
    )
    assert not_consented.member_ids
    meeting = await make_meeting(runtime, people.community_id)
    async with runtime.sessions() as session:
        meeting = await meetings.get(session, meeting.id)
        by_language = await invitations.invite(
            session, meeting, Audience(AudienceKind.LANGUAGE, "ar"), now=runtime.clock()
        )
        everyone = await invitations.invite(session, meeting, Audience(), now=runtime.clock())
        again = await invitations.invite(session, meeting, Audience(), now=runtime.clock())
        await session.commit()
    assert (by_language.queued, everyone.queued, again.queued) == (1, 1, 0)
    assert again.already_invited == 2
    queued = await rows(runtime, purpose=invitations.PURPOSE)
    assert sorted(r.member_id for r in queued) == sorted(people.member_ids[:2])


async def test_audience_by_interest_and_by_earlier_attendance(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["nl", "nl", "nl"])
    async with runtime.sessions() as session:
        cook = await session.get(Member, people.member_ids[0])
        cook.offer_topics = ["cook"]
        await session.commit()
    earlier = await make_meeting(runtime, people.community_id, starts=STARTS)
    later = await make_meeting(runtime, people.community_id, starts=STARTS + timedelta(days=14))
    async with runtime.sessions() as session:
        member = await session.get(Member, people.member_ids[1])
        assert (
            await rsvps.respond(session, member, earlier.id, RsvpStatus.GOING, now=runtime.clock())
        ).ok
        later_meeting = await meetings.get(session, later.id)
        by_topic = await invitations.recipients(
            session, later_meeting, Audience(AudienceKind.TOPIC, "cook")
        )
        came = await invitations.recipients(
            session, later_meeting, Audience(AudienceKind.ATTENDED)
        )
    assert [m.id for m in by_topic] == [people.member_ids[0]]
    assert [m.id for m in came] == [people.member_ids[1]]


async def test_an_edit_while_invitations_wait_reaches_the_unsent_ones(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(runtime, locales=["nl"])
    meeting = await make_meeting(runtime, people.community_id)
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await meetings.set_text(
            session,
            fresh,
            "nl",
            TextDraft("Samen koken en eten", place="Kanaalweg 14"),
            now=runtime.clock(),
        )
        await session.commit()
    await deliver(runtime, fake_api)
    (sent,) = fake_api.calls_to("sendMessage")
    assert "Samen koken en eten" in (sent.text or "")
    assert "Kanaalweg 14" in (sent.text or "")


async def test_moving_tells_the_invited_and_cancelling_stops_what_waits(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(runtime, locales=["nl", "nl", "nl"])
    meeting = await make_meeting(runtime, people.community_id)
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, fake_api)
    async with runtime.sessions() as session:
        declined = await session.get(Member, people.member_ids[2])
        await rsvps.respond(
            session, declined, meeting.id, RsvpStatus.NOT_GOING, now=runtime.clock()
        )
        fresh = await meetings.get(session, meeting.id)
        told = await changes.move(
            session, fresh, datetime(2026, 12, 12, 15, 0), now=runtime.clock()
        )
        await session.commit()
        assert told == 2  # not the one who said they would not come
        assert fresh.version == 2
        assert fresh.starts_at.isoformat() == "2026-12-12T14:00:00+00:00"
    await deliver(runtime, fake_api)
    moved = [c.text or "" for c in fake_api.calls_to("sendMessage")[3:]]
    assert len(moved) == 2
    assert all("12 december 2026" in text for text in moved)

    # A new member is invited but the meeting is cancelled before the invitation goes out.
    late = await make_community(runtime, "late", first_user_id=932_000_001)
    async with runtime.sessions() as session:
        from bot.db.models import Membership

        session.add(Membership(member_id=late.member_ids[0], community_id=people.community_id))
        await session.commit()
        fresh = await meetings.get(session, meeting.id)
        assert (
            await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        ).queued == 1
        told = await changes.cancel(session, fresh, now=runtime.clock())
        await session.commit()
    assert told == 2
    waiting = await rows(runtime, member_id=late.member_ids[0])
    assert [(r.state, r.reason) for r in waiting] == [(OutboxState.SKIPPED, "obsolete")]
    async with runtime.sessions() as session:
        member = await session.get(Member, people.member_ids[0])
        refused = await rsvps.respond(
            session, member, meeting.id, RsvpStatus.GOING, now=runtime.clock()
        )
        assert refused.reason == "cancelled"


async def test_an_rsvp_can_change_until_the_meeting_starts(runtime: Runtime) -> None:
    people = await make_community(runtime)
    meeting = await make_meeting(runtime, people.community_id)
    async with runtime.sessions() as session:
        member = await session.get(Member, people.member_ids[0])
        for status in (RsvpStatus.GOING, RsvpStatus.NOT_GOING, RsvpStatus.MAYBE):
            assert (
                await rsvps.respond(session, member, meeting.id, status, now=runtime.clock())
            ).ok
        await session.commit()
        assert await rsvps.of_member(session, member.id, meeting.id) == RsvpStatus.MAYBE
        assert (await rsvps.counts(session, meeting.id))[RsvpStatus.MAYBE] == 1
    runtime.clock.advance(days=7, hours=1)  # the meeting has begun
    async with runtime.sessions() as session:
        member = await session.get(Member, people.member_ids[0])
        late = await rsvps.respond(
            session, member, meeting.id, RsvpStatus.GOING, now=runtime.clock()
        )
        assert not late.ok
        assert late.reason == "started"


async def test_input_closes_at_the_deadline_and_unfinished_input_expires(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["nl", "nl"])
    questions = [
        QuestionDraft(QuestionKind.TEXT, {"nl": "Wat wil je bespreken?"}),
        QuestionDraft(QuestionKind.SCALE, {"nl": "Hoe gaat het, 1 tot 5?"}, required=True),
    ]
    meeting = await make_meeting(
        runtime, people.community_id, questions=questions, deadline=datetime(2026, 12, 4, 18, 0)
    )
    async with runtime.sessions() as session:
        first = await session.get(Member, people.member_ids[0])
        step = await intake.begin(session, first, meeting_id=meeting.id, now=runtime.clock())
        assert isinstance(step, intake.Step)
        step = await intake.answer(
            session, first, step.dialog, Given(text="Werk"), now=runtime.clock()
        )
        refused = await intake.answer(
            session, first, step.dialog, Given(text="zes"), now=runtime.clock()
        )
        assert isinstance(refused, intake.Refused)
        assert refused.problem.reason == "out_of_range"
        persian = await intake.answer(
            session, first, step.dialog, Given(text="۴"), now=runtime.clock()
        )
        assert isinstance(persian, intake.Finished)
        assert persian.status == InputStatus.COMPLETED
        second = await session.get(Member, people.member_ids[1])
        started = await intake.begin(session, second, meeting_id=meeting.id, now=runtime.clock())
        await intake.answer(
            session, second, started.dialog, Given(text="Taal"), now=runtime.clock()
        )
        await session.commit()
    runtime.clock.now = datetime(
        2026, 12, 4, 17, 0, tzinfo=runtime.clock.now.tzinfo
    )  # 18:00 local
    async with runtime.sessions() as session:
        from bot.services import dialogs

        second = await session.get(Member, people.member_ids[1])
        dialog = await dialogs.get(session, second.id)
        closed = await intake.answer(session, second, dialog, Given(text="3"), now=runtime.clock())
        assert closed == intake.Closed("deadline")
        assert await intake.expire_overdue(session, now=runtime.clock()) == 0  # already marked
        await session.commit()
        statuses = sorted(s.value for s in await session.scalars(select(InputRun.status)))
        assert statuses == ["completed", "expired"]
        again = await intake.begin(session, second, meeting_id=meeting.id, now=runtime.clock())
        assert again == intake.Closed("deadline")
        assert len(list(await session.scalars(select(OutboxMessage)))) == 0
