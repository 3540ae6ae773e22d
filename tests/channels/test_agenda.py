"""The /meeting overview's agenda comes from what people said to the agenda questions only;
a choice question that comes first is a tally, counted once across languages, with the labels
in the organiser's language."""

from __future__ import annotations

from bot.db.models import Question, QuestionKind, QuestionStage
from bot.services import meetings
from bot.services.intake.questions import QuestionDraft, default_drafts
from bot.services.meetings import agenda, invitations
from bot.services.meetings.invitations import Audience
from tests.factories import SANNE, Person
from tests.harness import BotHarness, Tap
from tests.meeting_support import MOMENT, deliver, make_meeting, make_organiser
from tests.outbox_support import make_community

FOR_THE_AGENDA = "Most mentioned for the agenda:"
HELP = QuestionDraft(
    QuestionKind.YES_NO, {"nl": "Wil je helpen met koken?", "ar": "هل تريد المساعدة في الطبخ؟"}
)


async def test_a_choice_question_first_and_answers_in_three_languages(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(
        runtime, locales=["nl", "ar", "uk"], first_user_id=978_000_001, name="Buurthuis"
    )
    await make_organiser(runtime, people.community_id, SANNE.id)
    default_agenda, stand, *_ = default_drafts(runtime.catalogs)
    meeting = await make_meeting(
        runtime, people.community_id, questions=(MOMENT, default_agenda, stand, HELP)
    )
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        chosen = agenda.questions(await meetings.questions_of(session, meeting.id))
        assert [q.position for q in chosen] == [1]  # the default agenda question, not the first
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)

    members = [
        Person(uid, name, locale)
        for uid, name, locale in zip(
            people.user_ids, ["Noor", "Amira", "Olena"], ["nl", "ar", "uk"], strict=True
        )
    ]
    said = {
        "nl": ("Avond", "Werk, taalcafé"),
        "ar": ("مساءً", "العمل، السكن"),
        "uk": ("Avond", "житло; робота"),  # the Ukrainian member reads the Dutch options
    }
    for person in members:
        t = runtime.catalogs.translator(person.language_code)
        moment, topics = said[person.language_code]
        await bot.tap(person, t.gettext("Going"))
        await bot.tap(person, moment)
        await bot.say(person, topics)
        await bot.say(person, "werk" if person.language_code == "nl" else "—")
        await bot.tap(person, t.gettext("Yes"))

    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/meeting")
    (view,) = await bot.act(
        SANNE, Tap(f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}")
    )
    text = view.text or ""
    answers, agenda_part = text.split(nl.gettext(FOR_THE_AGENDA))
    # The choice question: one tally per option, in Dutch, the Arabic "مساءً" counted as Avond.
    assert "• Welk moment past jou?: 3" in answers
    assert "   – Ochtend: 0\n   – Avond: 3" in answers
    assert f"   – {nl.gettext('Yes')}: 3" in answers
    # The agenda: only the free-text answers to the agenda question, never a choice label,
    # nor the answers to "Where do you stand now?".
    topics = agenda_part.split("\n\n")[0]
    assert "Avond" not in topics
    assert "مساءً" not in topics
    assert "• Werk (1)" in topics
    assert "• taalcafé (1)" in topics
    assert "• السكن (1)" in topics
    assert "• житло (1)" in topics
    assert "—" not in topics


async def test_a_marked_question_second_makes_the_agenda_in_three_languages(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    people = await make_community(
        runtime, locales=["nl", "ar", "uk"], first_user_id=978_500_001, name="Buurthuis"
    )
    await make_organiser(runtime, people.community_id, SANNE.id)
    talk = QuestionDraft(
        QuestionKind.TEXT,
        {"nl": "Waar wil je over praten?", "ar": "عن ماذا تريد أن تتحدث؟"},
        agenda=True,
    )
    stand = QuestionDraft(QuestionKind.TEXT, {"nl": "Waar sta je nu?", "ar": "أين أنت الآن؟"})
    meeting = await make_meeting(runtime, people.community_id, questions=(MOMENT, talk, stand))
    async with runtime.sessions() as session:
        source = agenda.decide(await meetings.questions_of(session, meeting.id))
        assert [q.position for q in source.questions] == [1]
        assert source.rule == agenda.Rule.MARKED
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)

    said = {
        "nl": ("Ochtend", "Huisvesting, werk", "Ik zoek werk"),
        "ar": ("صباحًا", "العمل", "أتعلم الهولندية"),
        "uk": ("Ochtend", "Робота; житло", "Шукаю роботу"),
    }
    for uid, locale in zip(people.user_ids, ["nl", "ar", "uk"], strict=True):
        person = Person(uid, "Lid", locale)
        t = runtime.catalogs.translator(locale)
        moment, topics, where = said[locale]
        await bot.tap(person, t.gettext("Going"))
        await bot.tap(person, moment)
        await bot.say(person, topics)
        await bot.say(person, where)

    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/meeting")
    (view,) = await bot.act(
        SANNE, Tap(f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}")
    )
    answers, agenda_part = (view.text or "").split(nl.gettext(FOR_THE_AGENDA))
    # The choice question is a tally: the Arabic "صباحًا" is Ochtend, counted once, in Dutch.
    assert "• Welk moment past jou?: 3\n   – Ochtend: 3\n   – Avond: 0" in answers
    topics = agenda_part.split("\n\n")[0]
    for topic in ("• Huisvesting (1)", "• werk (1)", "• العمل (1)", "• Робота (1)", "• житло (1)"):
        assert topic in topics
    # Nothing from the unmarked question, no choice label, and no note that it was guessed.
    for absent in ("Ik zoek werk", "أتعلم", "Шукаю", "Ochtend", "صباحًا"):
        assert absent not in agenda_part
    assert "No question is marked" not in agenda_part


def test_only_free_text_and_voice_questions_count_as_marked() -> None:
    choice = Question(kind=QuestionKind.SINGLE_CHOICE, stage=QuestionStage.BEFORE, agenda=True)
    text = Question(kind=QuestionKind.TEXT, stage=QuestionStage.BEFORE, agenda=False)
    choice.texts, text.texts = [], []
    source = agenda.decide([choice, text])
    assert source.questions == [text]
    assert source.rule == agenda.Rule.FIRST_FREE
    assert agenda.decide([choice]).rule == agenda.Rule.NONE


async def test_without_the_default_question_the_first_free_text_question_is_the_agenda(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, first_user_id=979_000_001)
    meeting = await make_meeting(runtime, people.community_id)  # an own agenda question first
    async with runtime.sessions() as session:
        asked = await meetings.questions_of(session, meeting.id)
        chosen = agenda.questions(asked)
    assert [q.kind for q in asked] == [
        QuestionKind.TEXT,
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.VOICE,
    ]
    assert [q.id for q in chosen] == [asked[0].id]

    choice_first = await make_meeting(
        runtime, people.community_id, questions=(MOMENT, HELP), starts=meeting.starts_at
    )
    async with runtime.sessions() as session:
        assert agenda.questions(await meetings.questions_of(session, choice_first.id)) == []


def test_topics_are_counted_once_per_answer_without_case_or_punctuation() -> None:
    assert agenda.topics(["Werk, taalcafé", "werk!", "Taalcafé; werk", "السكن، العمل"]) == [
        ("Werk", 3),
        ("taalcafé", 2),
        ("السكن", 1),
        ("العمل", 1),
    ]


async def test_voice_notes_to_an_agenda_question_are_counted_for_listening(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, locales=["ar"], first_user_id=979_100_001)
    await make_organiser(runtime, people.community_id, SANNE.id)
    spoken = QuestionDraft(
        QuestionKind.VOICE, {"nl": "Wat wil je bespreken? Spreek het in.", "ar": "ماذا تريد؟"}
    )
    meeting = await make_meeting(runtime, people.community_id, questions=(MOMENT, spoken))
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)
    amira = Person(people.user_ids[0], "Amira", "ar")
    ar = runtime.catalogs.translator("ar")
    await bot.tap(amira, ar.gettext("Going"))
    await bot.tap(amira, "مساءً")
    await bot.feed(bot.updates.voice(amira, 12, "voice-agenda-1"))

    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/meeting")
    (view,) = await bot.act(
        SANNE, Tap(f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}")
    )
    _, agenda_part = (view.text or "").split(nl.gettext(FOR_THE_AGENDA))
    expected = nl.ngettext(
        "and {count} voice message to listen to", "and {count} voice messages to listen to", 1
    )
    assert expected == "en 1 spraakbericht om te beluisteren"
    topics, guessed = agenda_part.split("\n\n")[:2]
    assert topics.strip() == expected
    # No question was marked: the organiser is told where the topics come from.
    assert guessed == nl.gettext(
        "No question is marked for the agenda, so these come from the first free-text "
        "question. Mark agenda questions in /newmeeting or the meeting file."
    )
