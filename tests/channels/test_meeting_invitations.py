"""Members get an invitation in their language, answer it, and give their input."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Answer, InputRun, InputStatus, QuestionKind, Rsvp, RsvpStatus
from bot.services import meetings
from bot.services.intake.questions import QuestionDraft
from bot.services.meetings import invitations
from bot.services.meetings.invitations import Audience
from tests.factories import Person
from tests.harness import BotHarness, Reply, Say, Tap, Turn, Voice
from tests.meeting_support import ARABIC, DUTCH, deliver, make_meeting
from tests.outbox_support import make_community

SAVED = "Thank you! Your answers are saved. You can change them with /input until input closes."


async def test_members_in_four_languages_get_their_invitation_answer_and_give_input(
    bot: BotHarness,
) -> None:
    people = await make_community(
        bot.runtime, locales=["nl", "ar", "ti", "uk"], first_user_id=960_000_001, name="Buurthuis"
    )
    nl, ar, ti, uk = (
        Person(uid, name, locale)
        for uid, name, locale in zip(
            people.user_ids,
            ["Sanne", "Amira", "Dawit", "Olena"],
            ["nl", "ar", "ti", "uk"],
            strict=False,
        )
    )
    meeting = await make_meeting(
        bot.runtime, people.community_id, texts={"nl": DUTCH, "ar": ARABIC}
    )
    async with bot.runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        preview = await invitations.preview(session, fresh, Audience())
        assert preview.total == 4
        assert preview.by_language == {"ar": 1, "nl": 1, "ti": 1, "uk": 1}
        assert preview.missing == {"ti": "nl", "uk": "nl"}
        invited = await invitations.invite(session, fresh, Audience(), now=bot.runtime.clock())
        await session.commit()
    assert invited.queued == 4
    await deliver(bot.runtime, bot.api)

    def invitation(person: Person) -> str:
        (text,) = [t for _, t, _ in bot.screen(person)]
        return text

    t_nl, t_ar = bot.runtime.catalogs.translator("nl"), bot.runtime.catalogs.translator("ar")
    header = t_nl.gettext("Invitation from {community}", community="Buurthuis")
    assert invitation(nl).startswith(f"{header}\n\nSamen koken\n")
    assert "zaterdag 5 december 2026" in invitation(nl)
    assert "14:00" in invitation(nl)
    assert "نطبخ معًا" in invitation(ar)
    # No Tigrinya or Ukrainian text: the fallback is the community's language (Dutch), with
    # the interface around it in their own language.
    assert "Samen koken" in invitation(ti)
    assert "Samen koken" in invitation(uk)

    await bot.transcript(
        ar,
        [
            Turn(
                Tap(t_ar.gettext("Going")),
                [
                    Reply(contains=["نطبخ معًا"]),
                    Reply(contains=["ماذا تريد أن تضع على جدول الأعمال؟"]),
                ],
            ),
            Turn(Say("العمل والسكن"), [Reply(contains=["ما هو الوقت الأنسب لك؟"])]),
            # The moment is optional: skipped.
            Turn(Tap(t_ar.gettext("Skip")), [Reply(contains=["Vertel in een spraakbericht"])]),
            # A voice question answered in writing gets a re-prompt that says what it takes.
            Turn(
                Say("أفضل الكتابة"),
                [
                    Reply(
                        contains=[
                            t_ar.gettext(
                                "This question asks for a voice message. Please record one."
                            ),
                            "Vertel in een spraakbericht",
                        ]
                    )
                ],
            ),
            Turn(
                Voice(duration=21, file_id="voice-amira-1"),
                [Reply(t_ar.gettext(SAVED))],
            ),
        ],
    )
    async with bot.runtime.sessions() as session:
        answers = list(await session.scalars(select(Answer).order_by(Answer.id)))
        assert [(a.kind.value, a.text) for a in answers] == [
            ("text", "العمل والسكن"),
            ("voice", None),
        ]
        assert answers[1].voice_file_id == "voice-amira-1"
        assert answers[1].voice_duration == 21
        run = await session.scalar(select(InputRun))
        assert run.status == InputStatus.COMPLETED
        rsvp = await session.scalar(select(Rsvp))
        assert rsvp.status == RsvpStatus.GOING


async def test_a_member_changes_their_rsvp_and_a_closed_meeting_answers_politely(
    bot: BotHarness,
) -> None:
    people = await make_community(bot.runtime, locales=["uk"], first_user_id=961_000_001)
    olena = Person(people.user_ids[0], "Olena", "uk")
    meeting = await make_meeting(bot.runtime, people.community_id, texts={"nl": DUTCH})
    async with bot.runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=bot.runtime.clock())
        await session.commit()
    await deliver(bot.runtime, bot.api)
    t = bot.runtime.catalogs.translator("uk")
    await bot.tap(olena, t.gettext("Going"))
    await bot.tap(olena, t.gettext("Continue later"))
    calls = await bot.act(olena, Tap(t.gettext("Not going")))
    assert calls[0].text == t.gettext(
        "Thank you for letting us know that you are not coming to {title}.", title="Samen koken"
    )
    async with bot.runtime.sessions() as session:
        assert (await session.scalar(select(Rsvp))).status == RsvpStatus.NOT_GOING

    (file,) = await bot.act(olena, Tap(t.gettext("Add to calendar")))
    assert file.method == "sendDocument"
    assert list(file.file_names.values()) == [f"meeting-{meeting.id}.ics"]

    bot.runtime.clock.advance(days=8)  # the meeting is over
    await bot.tap(olena, t.gettext("Going"))
    assert bot.last_callback_answer() == t.gettext(
        "This meeting has already started; your answer can no longer change."
    )
    closed = await bot.act(olena, Tap(t.gettext("Give input")))
    assert [c.text for c in closed] == [
        t.gettext("Input for this meeting has closed. Thank you for your interest!")
    ]
    forged = await bot.feed(bot.updates.callback(olena, "mtg:99999:going"))
    assert forged == []
    assert bot.last_callback_answer() == t.gettext("This is no longer available.")


async def test_ticking_several_options_going_back_and_a_date_in_persian_digits(
    bot: BotHarness,
) -> None:
    people = await make_community(bot.runtime, locales=["fa"], first_user_id=962_000_001)
    reza = Person(people.user_ids[0], "Reza", "fa")
    topics = QuestionDraft(
        QuestionKind.MULTIPLE_CHOICE,
        {"nl": "Waarover wil je praten?"},
        options={"nl": ["Werk", "Wonen", "Taal"]},
        required=True,
    )
    when = QuestionDraft(QuestionKind.DATE, {"nl": "Wanneer ben je in Nederland gekomen?"})
    meeting = await make_meeting(bot.runtime, people.community_id, questions=[topics, when])
    t = bot.runtime.catalogs.translator("fa")
    await bot.say(reza, "/input")
    await bot.tap(reza, "Werk")
    await bot.tap(reza, "Taal")
    await bot.tap(reza, "✅ Werk")  # untick
    await bot.tap(reza, "Wonen")
    await bot.tap(reza, t.gettext("Done"))
    (again,) = await bot.act(reza, Say("دیروز"))
    assert t.gettext(
        "That is not a date I understand. Please type it like {example}.",
        example=t.isolate("14-03-2027"),
    ) in (again.text or "")
    await bot.tap(reza, t.gettext("Back"))
    (kept,) = await bot.act(reza, Tap(t.gettext("Keep this answer")))
    assert "Wanneer ben je in Nederland gekomen?" in (kept.text or "")
    (done,) = await bot.act(reza, Say("۱۵/۰۸/۲۰۲۳"))
    assert done.text == t.gettext(SAVED)
    async with bot.runtime.sessions() as session:
        answers = list(await session.scalars(select(Answer).order_by(Answer.id)))
    assert [(a.text, a.value) for a in answers] == [
        ("Wonen; Taal", [1, 2]),
        ("2023-08-15", "2023-08-15"),
    ]
    assert all(a.meeting_id == meeting.id for a in answers)


async def test_stopping_halfway_counts_the_questions_by_their_total(bot: BotHarness) -> None:
    """ "1 of 3 questions": the noun belongs to the total, so the total chooses its form."""
    people = await make_community(bot.runtime, locales=["en"], first_user_id=961_500_001)
    sam = Person(people.user_ids[0], "Sam", "en")
    meeting = await make_meeting(bot.runtime, people.community_id, texts={"nl": DUTCH})
    async with bot.runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=bot.runtime.clock())
        await session.commit()
    await deliver(bot.runtime, bot.api)

    await bot.tap(sam, "Going")
    await bot.say(sam, "Invented: the rent letters")
    calls = await bot.act(sam, Tap("Continue later"))

    assert calls[-1].text == "Saved: 1 of 3 questions answered. Send /input to continue later."
