"""The other languages a member reads, turn by turn: said in /language (and in the profile),
used for every organiser's text field by field (an invitation, a question and its options),
shown to the organiser in the /invite preview and in the export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from bot.db.models import Answer, Member, QuestionKind
from bot.i18n import LANGUAGES
from bot.services import exports, meetings
from bot.services.checkins import firing as checkin_firing
from bot.services.exports import ExportSpec
from bot.services.fallback import Reading
from bot.services.intake.questions import QuestionDraft
from bot.services.meetings import TextDraft, invitations
from bot.services.meetings.invitations import Audience
from bot.services.members import set_reads
from tests.channels.journeys import CODE, onboard
from tests.factories import DAWIT, OLENA, SANNE, Person, create_community
from tests.harness import BotHarness, Reply, Say, Tap, Turn
from tests.meeting_support import DUTCH, deliver, make_meeting, make_organiser
from tests.outbox_support import make_community

ENGLISH = TextDraft(
    title="Cooking together",
    description="We cook together and talk about work.",
    place="Community house East, Canal Road 12",
)
# The Arabic translation has a title and a description, but nobody translated the place.
ARABIC_WITHOUT_PLACE = TextDraft(title="نطبخ معًا", description="نطبخ معًا ونتحدث عن العمل.")
MOMENT = QuestionDraft(
    QuestionKind.SINGLE_CHOICE,
    {"nl": "Welk moment past jou?", "en": "Which moment suits you?"},
    options={"nl": ["Ochtend", "Avond"], "en": ["Morning", "Evening"]},
    required=True,
)
# The meeting `make_meeting` makes: Saturday 5 December 2026, 14:00 in Utrecht.
STARTS_UTC = datetime(2026, 12, 5, 13, 0, tzinfo=UTC)
SAVED = "Thank you! Your answers are saved. You can change them with /input until input closes."


def last_text(bot: BotHarness, person: Person) -> str:
    return bot.screen(person)[-1][1]


async def test_a_member_who_reads_english_says_so_and_gets_english_not_dutch(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    community = await create_community(runtime, name="Buurthuis", code=CODE)
    await make_organiser(runtime, community.id, SANNE.id)
    await make_meeting(runtime, community.id, texts={"nl": DUTCH, "en": ENGLISH}, questions=())
    await onboard(bot, OLENA)  # skips the whole profile, the languages step too
    await onboard(bot, DAWIT)
    uk = runtime.catalogs.translator("uk")
    others = [lang.native_name for lang in LANGUAGES if lang.tag != "uk"]
    reads_prompt = uk.gettext(
        "Which other languages can you read? When something is not written in your language, "
        "I will show it in these. Tap them in the order you prefer, then tap Done."
    )

    await bot.transcript(
        OLENA,
        [
            Turn(
                Say("/language"),
                [
                    Reply(
                        contains=[
                            uk.gettext("I write to you in {language}.", language="Українська"),
                            uk.gettext("Other languages you read: none"),
                            uk.gettext("Which language would you like me to use? Tap it below."),
                        ],
                        buttons=[
                            *(
                                ("✓ " if lang.tag == "uk" else "") + lang.native_name
                                for lang in LANGUAGES
                            ),
                            uk.gettext("Other languages I read"),
                        ],
                    )
                ],
            ),
            Turn(
                Tap(uk.gettext("Other languages I read")),
                [
                    Reply(
                        text=reads_prompt,
                        buttons=[*others, uk.gettext("Done"), uk.gettext("Skip")],
                    )
                ],
            ),
            # Typing where buttons are expected: asked again, in Ukrainian, nothing stored.
            Turn(
                Say("англійська"),
                [
                    Reply(
                        contains=[uk.gettext("Please choose with the buttons."), reads_prompt],
                        buttons=[*others, uk.gettext("Done"), uk.gettext("Skip")],
                    )
                ],
            ),
            Turn(Tap("English"), []),
            Turn(
                Tap(uk.gettext("Done")),
                [uk.gettext("Other languages you read: {languages}", languages="English")],
            ),
        ],
    )
    async with runtime.sessions() as session:
        olena = await session.scalar(select(Member).where(Member.telegram_user_id == OLENA.id))
        assert olena is not None
        assert olena.reads_locales == ["en"]

    # The organiser's preview says who reads what: Ukrainian → English (she reads it); the
    # Tigrinya reader reads nothing else and gets the community's Dutch, as before.
    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/invite")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(STARTS_UTC, 'medium')}")
    calls = await bot.act(SANNE, Tap(nl.gettext("Everyone in the community")))
    summary, ti_preview, uk_preview, confirm = (c.text or "" for c in calls)
    assert (
        "⚠️ "
        + nl.gettext(
            "There is no text in {language}: those members will get the {fallback} text.",
            language="ትግርኛ",
            fallback="Nederlands",
        )
        in summary
    )
    assert (
        "⚠️ "
        + nl.ngettext(
            "{language} → {languages}: {count} member",
            "{language} → {languages}: {count} members",
            1,
            language="Українська",
            languages=nl.gettext(
                "{languages} (they read {read})", languages="English", read="English"
            ),
        )
        in summary
    )
    assert "Samen koken" in ti_preview
    assert uk_preview.startswith(
        nl.gettext("Preview in {language}:", language="Українська → English")
    )
    assert "Cooking together" in uk_preview
    assert confirm == nl.gettext("Send the invitations now?")
    await bot.tap(SANNE, nl.gettext("Send the invitations"))
    await deliver(runtime, bot.api)

    olena_invitation = last_text(bot, OLENA)
    assert olena_invitation.startswith(
        uk.gettext("Invitation from {community}", community="Buurthuis")
    )
    assert "Cooking together" in olena_invitation
    assert ENGLISH.place in olena_invitation
    assert "Samen koken" not in olena_invitation
    dawit_invitation = last_text(bot, DAWIT)
    assert "Samen koken" in dawit_invitation
    assert "Cooking together" not in dawit_invitation

    # English as her main language: it is no longer one of the "other" languages.
    en = runtime.catalogs.translator("en")
    await bot.say(OLENA, "/language")
    await bot.tap(OLENA, "English")
    (shown,) = await bot.say(OLENA, "/language")
    assert en.gettext("I write to you in {language}.", language="English") in shown
    assert en.gettext("Other languages you read: none") in shown


async def test_each_field_comes_from_the_first_language_along_the_chain_that_has_it(
    bot: BotHarness,
) -> None:
    """Arabic readers get the Arabic title and the place from the next language: Dutch (the
    community's) for one who reads nothing else, English for one who reads English; the
    question and its options follow the same chain and keep their meaning by index."""
    runtime = bot.runtime
    people = await make_community(
        runtime, locales=["ar", "ar", "uk", "uk"], first_user_id=964_000_001, name="Buurthuis"
    )
    amira, karim, olena, ivan = (
        Person(uid, name, locale)
        for uid, name, locale in zip(
            people.user_ids,
            ["Amira", "Karim", "Olena", "Ivan"],
            ["ar", "ar", "uk", "uk"],
            strict=True,
        )
    )
    async with runtime.sessions() as session:
        karims = await session.get(Member, people.member_ids[1])
        olenas = await session.get(Member, people.member_ids[2])
        assert karims is not None
        assert olenas is not None
        # Unknown languages and their own are left out; the order is kept.
        assert await set_reads(session, karims, ["xx", "ar", "en"]) == ["en"]
        assert await set_reads(session, olenas, ["en", "en"]) == ["en"]
        await session.commit()
    meeting = await make_meeting(
        runtime,
        people.community_id,
        texts={"nl": DUTCH, "ar": ARABIC_WITHOUT_PLACE, "en": ENGLISH},
        questions=(MOMENT,),
    )
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        seen = await invitations.preview(session, fresh, Audience())
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    assert seen.reading == (
        Reading("ar", ("ar", "en"), ("en",), 1),
        Reading("ar", ("ar", "nl"), (), 1),
        Reading("uk", ("en",), ("en",), 1),
        Reading("uk", ("nl",), (), 1),
    )
    assert seen.missing == {"uk": "nl"}  # what a member who reads nothing else gets
    await deliver(runtime, bot.api)

    amiras = last_text(bot, amira)
    assert "نطبخ معًا" in amiras
    assert ARABIC_WITHOUT_PLACE.description in amiras
    assert DUTCH.place in amiras  # the community's language fills the gap
    karims = last_text(bot, karim)
    assert "نطبخ معًا" in karims
    assert ENGLISH.place in karims  # the language Karim reads comes before the community's
    assert DUTCH.place not in karims
    assert "Cooking together" in last_text(bot, olena)
    assert "Samen koken" in last_text(bot, ivan)  # reads nothing else: today's chain

    # The question and its options along the chain; the same index means the same choice.
    uk = runtime.catalogs.translator("uk")
    for person, title, prompt, options, pick in (
        (olena, ENGLISH.title, "Which moment suits you?", ["Morning", "Evening"], "Evening"),
        (ivan, DUTCH.title, "Welk moment past jou?", ["Ochtend", "Avond"], "Avond"),
    ):
        await bot.transcript(
            person,
            [
                Turn(
                    Tap(uk.gettext("Going")),
                    [
                        Reply(contains=[title]),
                        Reply(
                            contains=[prompt],
                            buttons=[*options, uk.gettext("Continue later")],
                        ),
                    ],
                ),
                Turn(Tap(pick), [uk.gettext(SAVED)]),
            ],
        )
    async with runtime.sessions() as session:
        answers = list(await session.scalars(select(Answer).order_by(Answer.id)))
    assert [(a.text, a.value, a.locale) for a in answers] == [
        ("Evening", [1], "uk"),
        ("Avond", [1], "uk"),
    ]

    ar = runtime.catalogs.translator("ar")
    await bot.tap(amira, ar.gettext("Going"))
    await bot.tap(amira, ar.gettext("Continue later"))

    # The day before, the reminders are rendered along the same chain when they are sent.
    runtime.clock.now = datetime(2026, 12, 4, 13, 0, tzinfo=UTC)
    async with runtime.sessions() as session:
        await checkin_firing.fire_due(session, now=runtime.clock())
    await deliver(runtime, bot.api)
    olenas_reminder = last_text(bot, olena)
    assert olenas_reminder.startswith(
        uk.gettext("Reminder from {community}", community="Buurthuis")
    )
    assert ENGLISH.title in olenas_reminder
    assert ENGLISH.place in olenas_reminder
    amiras_reminder = last_text(bot, amira)
    assert "نطبخ معًا" in amiras_reminder
    assert DUTCH.place in amiras_reminder

    # The export says which language each member's invitation came in.
    read_in = await invitation_languages(bot, people.community_id)
    assert sorted(read_in) == sorted(["ar+nl", "en", "nl"])


async def invitation_languages(bot: BotHarness, community_id: int) -> Sequence[str]:
    runtime = bot.runtime
    out = io.BytesIO()
    await exports.export(
        runtime.sessions,
        ExportSpec(community_id=community_id, language="en"),
        "csv",
        out,
        translator=runtime.catalogs.translator("en"),
        codes=await exports.member_codes(runtime.sessions, None, now=runtime.clock()),
        now=runtime.clock(),
        actor_user_id=None,
        channel="test",
        table="rsvps",
    )
    rows = csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline=""))
    return [row["Invitation read in"] for row in rows]
