"""An organiser creates a meeting in Dutch with Arabic as the second language in chat: a choice
question, a scale from 1 to 10, a required yes/no question and a free-text question marked for
the agenda. Every wrong answer gets a re-prompt in Dutch that keeps what was typed; the meeting
is exactly the one the equivalent meeting file creates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import Answer, Meeting, Question, QuestionKind, QuestionStage
from bot.services import communities, meetings
from bot.services.intake.questions import QuestionDraft, scale_options
from bot.services.meetings import MeetingDraft, invitations
from bot.services.meetings import file as meeting_file
from bot.services.meetings.invitations import Audience
from tests.factories import SANNE, Person
from tests.harness import BotHarness, Reply, Say, Tap, Turn, Voice
from tests.meeting_support import deliver, make_meeting, make_organiser
from tests.outbox_support import make_community

EQUIVALENT_FILE = """\
community: utrecht
language: nl
starts: 2026-12-05 14:00
input_deadline: 2026-12-04 14:00
texts:
  nl:
    title: Samen koken
    description: We koken samen en praten over werk.
    place: Buurthuis Oost, Kanaalweg 12
  ar:
    title: نطبخ معًا
    description: نطبخ معًا ونتحدث عن العمل.
    place: Buurthuis Oost, Kanaalweg 12
questions:
  - kind: single_choice
    text:
      nl: Welk moment past jou?
      ar: ما هو الوقت الأنسب لك؟
    options:
      nl: [Ochtend, Middag, Avond]
      ar: [صباحًا, ظهرًا, مساءً]
  - kind: scale
    scale: 1-10
    text:
      nl: Hoe gaat het met je?
      ar: كيف حالك؟
  - kind: yes_no
    required: true
    text:
      nl: Kook je mee?
      ar: هل تطبخ معنا؟
  - kind: text
    agenda: true
    text:
      nl: Waar wil je over praten?
      ar: عن ماذا تريد أن تتحدث؟
followup_questions: default
"""


def _shape(meeting: Meeting, questions: list[Question]) -> dict[str, Any]:
    """Everything a meeting is made of, without ids, creators and creation times."""
    return {
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "input_deadline": meeting.input_deadline,
        "time_zone": meeting.time_zone,
        "source_locale": meeting.source_locale,
        "online_url": meeting.online_url,
        "texts": sorted((t.locale, t.title, t.description, t.place) for t in meeting.texts),
        "questions": [
            (
                q.stage,
                q.position,
                q.kind,
                q.required,
                q.agenda,
                q.source_locale,
                sorted((t.locale, t.prompt, tuple(t.options or ())) for t in q.texts),
            )
            for q in questions
        ],
    }


async def _questions(session: Any, meeting_id: int) -> list[Question]:
    before = await meetings.questions_of(session, meeting_id, QuestionStage.BEFORE)
    return before + await meetings.questions_of(session, meeting_id, QuestionStage.AFTER)


async def test_a_meeting_with_question_kinds_and_a_second_language_as_the_file_makes_it(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, locales=["nl", "ar"], first_user_id=971_000_001)
    await make_organiser(runtime, people.community_id, SANNE.id)
    nl = runtime.catalogs.translator("nl")
    tr = nl.gettext
    buttons_please = tr("Please answer with the buttons.")

    def arabic(question: str) -> str:
        return tr("In {language}: {question}", language="العربية", question=question)

    await bot.transcript(
        SANNE,
        [
            Turn(Say("/newmeeting"), [tr("Which language do you write the meeting in?")]),
            Turn(Tap("Nederlands"), [Reply(contains=[tr("No second language")[:0]])]),
            # Typing at a step that takes buttons: the same step again, in Dutch.
            Turn(Say("Arabisch"), [Reply(contains=[buttons_please, "Nederlands"])]),
            Turn(Tap("العربية"), [tr("What is the title of the meeting?")]),
            Turn(
                Say("Samen koken"),
                [arabic(tr("What is the title of the meeting?"))],
            ),
            Turn(Say("نطبخ معًا"), [tr("Describe the meeting in a few sentences.")]),
            Turn(
                Say("We koken samen en praten over werk."),
                [arabic(tr("Describe the meeting in a few sentences."))],
            ),
            Turn(Say("نطبخ معًا ونتحدث عن العمل."), [Reply(contains=["14-03-2027"])]),
            Turn(Say("05-12-2026 14:00"), [Reply(contains=["https://"])]),
            Turn(
                Say("Buurthuis Oost, Kanaalweg 12"),
                [Reply(contains=[arabic(tr("Where is it? Type the address."))])],
            ),
            Turn(
                Tap(tr("The same in both languages")),
                [Reply(contains=[tr("I write my own")[:0]])],
            ),
            Turn(Tap(tr("I write my own")), [Reply(contains=[tr("Done")[:0]])]),
            # 1. A choice question: too few options first, then the Arabic ones miscounted.
            Turn(Say("Welk moment past jou?"), [Reply(contains=["Welk moment past jou?"])]),
            Turn(Tap(tr("Choose one")), [Reply(contains=[tr("Type the options")[:0]])]),
            Turn(
                Say("Ochtend"),
                [
                    Reply(
                        contains=[
                            nl.ngettext(
                                "A choice needs at least {count} option. Type them one per "
                                "line or with commas between them.",
                                "A choice needs at least {count} options. Type them one per "
                                "line or with commas between them.",
                                2,
                                count="2",
                            )
                        ]
                    )
                ],
            ),
            Turn(
                Say(", ".join(f"Optie {n}" for n in range(1, 12))),
                [
                    Reply(
                        contains=[
                            nl.ngettext(
                                "That is more than {count} option. Please leave some out.",
                                "That is more than {count} options. Please leave some out.",
                                10,
                                count="10",
                            )
                        ]
                    )
                ],
            ),
            Turn(
                Say(
                    "Ochtend\n"
                    + "Heel vroeg in de ochtend, nog voordat de kinderen naar school gaan"
                ),
                [
                    Reply(
                        contains=[
                            nl.ngettext(
                                "An option can have at most {count} character. Please make it "
                                "shorter.",
                                "An option can have at most {count} characters. Please make it "
                                "shorter.",
                                60,
                                count="60",
                            )
                        ]
                    )
                ],
            ),
            Turn(Say("Ochtend, Middag, Avond"), [Reply(contains=["Welk moment past jou?"])]),
            Turn(Say("ما هو الوقت الأنسب لك؟"), [Reply(contains=["1. Ochtend", "3. Avond"])]),
            Turn(
                Say("صباحًا\nمساءً"),
                [
                    Reply(
                        contains=[
                            nl.ngettext(
                                "Please type exactly {count} option, in the same order as in "
                                "the first language.",
                                "Please type exactly {count} options, in the same order as in "
                                "the first language.",
                                3,
                                count="3",
                            ),
                            "2. Middag",
                        ]
                    )
                ],
            ),
            Turn(
                Say("صباحًا\nظهرًا\nمساءً"),
                [tr("Must everyone answer this question, or may they skip it?")],
            ),
            Turn(Tap(tr("Optional")), [Reply(contains=["1"])]),
            # 2. A scale from 1 to 10, typed after a voice message and a single number.
            Turn(Say("Hoe gaat het met je?"), [Reply(contains=["Hoe gaat het met je?"])]),
            Turn(Tap(tr("A number on a scale")), [Reply(contains=["1-7"])]),
            Turn(Voice(), [Reply(contains=[tr("Please type some text.")])]),
            Turn(
                Say("3"),
                [
                    Reply(
                        contains=[
                            tr(
                                "Please tap a range, or type two numbers from 0 to 10 like "
                                "{example}.",
                                example="1-7",
                            )
                        ]
                    )
                ],
            ),
            Turn(Say("1-10"), [Reply(contains=["Hoe gaat het met je?"])]),
            Turn(
                Say("كيف حالك؟"),
                [tr("Must everyone answer this question, or may they skip it?")],
            ),
            Turn(Tap(tr("Optional")), [Reply(contains=["2"])]),
            # 3. A required yes/no question.
            Turn(Say("Kook je mee?"), [Reply(contains=["Kook je mee?"])]),
            Turn(Tap(tr("Yes or no")), [Reply(contains=["Kook je mee?"])]),
            Turn(Say("هل تطبخ معنا؟"), [Reply(contains=[tr("Required")[:0]])]),
            Turn(Tap(tr("Required")), [Reply(contains=["3"])]),
            # 4. A free-text question for the agenda.
            Turn(Say("Waar wil je over praten?"), [Reply(contains=["Waar wil je over praten?"])]),
            Turn(Tap(tr("Free text")), [Reply(contains=["Waar wil je over praten?"])]),
            Turn(Say("عن ماذا تريد أن تتحدث؟"), [Reply(contains=[tr("Optional")[:0]])]),
            Turn(Tap(tr("Optional")), [Reply(contains=["/meeting"])]),
            Turn(Tap(tr("Use the answers for the agenda")), [Reply(contains=["4"])]),
            Turn(Tap(tr("Done")), [tr("Until when can people give their input?")]),
            Turn(
                Tap(tr("Until a day before")),
                [
                    Reply(
                        contains=[
                            "Samen koken",
                            "نطبخ معًا",
                            # The time as Babel writes it for Dutch, in the meeting's zone.
                            nl.gettext(
                                "{date} at {time}",
                                date="zaterdag 5 december 2026",
                                time="14:00",
                            ),
                            "Ochtend · Middag · Avond",
                            tr("for the agenda"),
                        ]
                    )
                ],
            ),
            Turn(Tap(tr("Create the meeting")), [Reply(contains=["#1"])]),
        ],
    )

    parsed = meeting_file.parse(EQUIVALENT_FILE, runtime.catalogs)
    async with runtime.sessions() as session:
        community = await communities.find_by_code(session, parsed.community)
        assert community is not None
        from_file = await meetings.create(
            session,
            MeetingDraft(
                community_id=community.id,
                source_locale=parsed.source_locale,
                texts=parsed.texts,
                starts_local=parsed.starts_local,
                ends_local=parsed.ends_local,
                time_zone=parsed.time_zone or community.time_zone,
                online_url=parsed.online_url,
                input_deadline_local=parsed.input_deadline_local,
                questions=parsed.questions,
                followup_questions=parsed.followup_questions,
            ),
            now=runtime.clock(),
        )
        await session.commit()
    async with runtime.sessions() as session:
        chatted, filed = (await session.scalars(select(Meeting).order_by(Meeting.id))).all()
        assert filed.id == from_file.id
        chatted_shape = _shape(chatted, await _questions(session, chatted.id))
        assert chatted_shape == _shape(filed, await _questions(session, filed.id))
    scale = chatted_shape["questions"][1]
    assert scale[6][0] == ("ar", "كيف حالك؟", tuple(str(n) for n in range(1, 11)))
    assert [q[4] for q in chatted_shape["questions"][:4]] == [False, False, False, True]


async def test_a_member_answers_a_scale_from_0_to_10_in_arabic_digits(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, locales=["ar"], first_user_id=971_100_001)
    points = scale_options(range(0, 11))
    mood = QuestionDraft(
        QuestionKind.SCALE,
        {"nl": "Hoe gaat het met je?", "ar": "كيف حالك؟"},
        options={"nl": points, "ar": points},
    )
    meeting = await make_meeting(runtime, people.community_id, questions=(mood,))
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)
    amira = Person(people.user_ids[0], "Amira", "ar")
    ar = runtime.catalogs.translator("ar")
    calls = await bot.tap(amira, ar.gettext("Going"))
    question = calls[-1]
    assert ar.gettext(
        "Choose a number from {low} (low) to {high} (high).",
        low=ar.fmt_number(0),
        high=ar.fmt_number(10),
    ) in (question.text or "")
    # Eleven buttons: two rows, none beyond Telegram's eight in a row.
    assert [len(row) for row in question.keyboard[:2]] == [6, 5]
    (again,) = await bot.say(amira, "١١")
    assert (
        ar.gettext(
            "Please choose a number from {low} to {high}.",
            low=ar.fmt_number(0),
            high=ar.fmt_number(10),
        )
        in again
    )
    await bot.say(amira, "٨")
    async with runtime.sessions() as session:
        (answer,) = (await session.scalars(select(Answer))).all()
    assert answer.value == 8
