"""Bad input gets a translated re-prompt and loses nothing; tampered buttons change nothing;
group chats are told the bot works in private chats only."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Answer, DialogState, Member
from bot.i18n import LANGUAGES
from bot.services import dialogs, members
from tests.channels.journeys import CODE, onboard
from tests.factories import AMIRA, DAWIT, GROUP_CHAT, OLENA, SANNE, create_community
from tests.harness import BotHarness, Reply, Say, Send, Tap, Turn, Voice

NEUTRAL_NL = "Deze knop werkt niet meer."


async def state_of(bot: BotHarness, telegram_id: int) -> tuple[str, str, int] | None:
    async with bot.runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, telegram_id)
        if member is None:
            return None
        row = await session.get(DialogState, member.id)
        return (row.flow, row.step, row.version) if row is not None else None


async def test_stickers_photos_locations_and_edits_get_a_polite_reprompt(
    bot: BotHarness,
) -> None:
    await create_community(bot.runtime, code=CODE)
    nl = bot.runtime.catalogs.translator("nl")

    def too_long(limit: int) -> str:
        return nl.ngettext(
            "That is a bit long. Please keep it under {count} character.",
            "That is a bit long. Please keep it under {count} characters.",
            limit,
        )

    sticker = Send(lambda u, p: u.sticker(p), "sticker")
    photo = Send(lambda u, p: u.photo(p), "photo")
    location = Send(lambda u, p: u.location(p), "location")
    edited = Send(lambda u, p: u.edited_text(p, "hallo!"), "edits a message")
    language_prompt = "Welke taal wil je dat ik gebruik? Tik hieronder op je taal."
    await bot.transcript(
        SANNE,
        [
            Turn(Say(f"/start {CODE}"), [Reply(contains=[language_prompt])]),
            Turn(sticker, [Reply(contains=["Kies alsjeblieft je taal", language_prompt])]),
            Turn(Say("x" * 3000), [Reply(contains=["Kies alsjeblieft je taal"])]),
            Turn(
                edited,
                [
                    Reply(
                        contains=[
                            "Ik lees geen gewijzigde berichten. Stuur het alsjeblieft opnieuw "
                            "als nieuw bericht.",
                            language_prompt,
                        ]
                    )
                ],
            ),
            Turn(Tap("✓ Nederlands"), [Reply(contains=["Vind je het goed"])]),
            Turn(photo, [Reply(contains=["Antwoord alsjeblieft met een van de twee knoppen"])]),
            Turn(Tap("Ja, ik ga akkoord"), [Reply(contains=["Wat zou je willen leren"])]),
            Turn(
                location,
                [
                    Reply(
                        contains=["Sorry, dat kan ik hier niet gebruiken.", "Wat zou je willen"],
                        buttons=[
                            "Nederlandse taal",
                            "Werk",
                            "Studie",
                            "Computer en telefoon",
                            "Gezondheid",
                            "Geld en brieven",
                            "Klaar",
                            "Overslaan",
                        ],
                    )
                ],
            ),
            Turn(
                Say("a" * 501),
                [Reply(contains=[too_long(500)])],
            ),
            Turn(Tap("Overslaan"), [Reply(contains=["Waarmee zou jij anderen"])]),
            Turn(Tap("Overslaan"), [Reply(contains=["In welke gemeente woon je?"])]),
            Turn(
                Say("Z" * 121),
                [Reply(contains=[too_long(120)])],
            ),
            Turn(Say("Zwolle"), [Reply(contains=["Welke andere talen kun je lezen?"])]),
            # The languages step takes its buttons only: typed names are not guessed at.
            Turn(
                Say("Engels en een beetje Arabisch"),
                [
                    Reply(
                        contains=[
                            "Kies alsjeblieft met de knoppen.",
                            "Welke andere talen kun je lezen?",
                        ],
                        buttons=[
                            *(lang.native_name for lang in LANGUAGES if lang.tag != "nl"),
                            "Klaar",
                            "Overslaan",
                        ],
                    )
                ],
            ),
            Turn(Tap("Overslaan"), [Reply(contains=["Je profiel is bewaard."])]),
            Turn(Say("/share"), [Reply(contains=["Vertel ons je verhaal"])]),
            Turn(
                sticker,
                [
                    Reply(
                        contains=[
                            "Sorry, als verhaal kan ik alleen een geschreven bericht of een "
                            "spraakbericht bewaren.",
                            "Vertel ons je verhaal",
                        ]
                    )
                ],
            ),
            Turn(
                edited,
                [Reply(contains=["Ik lees geen gewijzigde berichten.", "Vertel ons je verhaal"])],
            ),
            Turn(
                Voice(duration=5, file_id="voice-sanne-bad-input"), [Reply(contains=["Bedankt"])]
            ),
            # Outside any dialogue a message joins the member's conversation with the community.
            Turn(Say("nog iets"), [Reply(contains=["Toegevoegd aan je gesprek met"])]),
        ],
    )
    async with bot.runtime.sessions() as session:
        answers = (await session.scalars(select(Answer))).all()
        sanne = await members.find_by_telegram_id(session, SANNE.id)
    assert [a.voice_file_id for a in answers] == ["voice-sanne-bad-input"]
    assert sanne is not None
    assert sanne.learn_topics is None  # skipped: nothing stored
    assert sanne.municipality == "Zwolle"


async def test_random_bytes_and_malformed_callbacks_get_a_neutral_answer(
    bot: BotHarness,
) -> None:
    await create_community(bot.runtime, code=CODE)
    await bot.say(SANNE, f"/start {CODE}")
    before = await state_of(bot, SANNE.id)
    for data in (
        "\x00\x01garbage",
        "lang:xx",
        "lang:nl:extra",
        "consent:abc:yes",
        "consent:1:maybe",
        "profile:0:done",
        "profile:-1:done",
        "reads:everything",
        "reads:choose:en",
        "erase:1:yes:again",
        "a" * 65,
        "",
        "👍:1:yes",
    ):
        assert await bot.press(SANNE, data) == [], data
        assert bot.last_callback_answer() == NEUTRAL_NL, data
    assert await state_of(bot, SANNE.id) == before


async def test_another_members_button_changes_nothing(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await onboard(bot, AMIRA)
    await onboard(bot, OLENA)
    await bot.say(AMIRA, "/delete")
    _message_id, amiras_yes = bot.find_button(AMIRA, "نعم، احذف كل شيء")
    olena_before = await state_of(bot, OLENA.id)

    # Olena (or someone forging data) presses Amira's confirmation: nothing is deleted.
    assert await bot.press(OLENA, amiras_yes) == []
    assert bot.last_callback_answer() == "Ця кнопка більше не діє."
    # A version number that is really a member id does not match either.
    assert await bot.press(OLENA, f"erase:{AMIRA.id}:yes") == []
    async with bot.runtime.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(Member))
    assert count == 2
    assert await state_of(bot, OLENA.id) == olena_before

    # Another member's community id in a share button is refused as well.
    await create_community(bot.runtime, code="elsewhere-9", name="Invented Elders Club")
    await bot.say(OLENA, "/share")
    async with bot.runtime.sessions() as session:
        olena = await members.find_by_telegram_id(session, OLENA.id)
        assert olena is not None
        dialog = await dialogs.get(session, olena.id)
        assert dialog is not None
    assert await bot.press(OLENA, f"share:{dialog.version}:2") == []
    assert await state_of(bot, OLENA.id) == ("share", "story", dialog.version)


async def test_an_expired_step_button_changes_nothing(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await onboard(bot, DAWIT, profile=True)
    t = bot.runtime.catalogs.translator("ti")
    learn_message, learn_done = bot.find_button(DAWIT, t.gettext("Done"))
    await bot.tap(DAWIT, t.gettext("Work"))  # bumps the version: the old Done is stale
    assert await bot.press(DAWIT, learn_done, message_id=learn_message) == []
    assert bot.last_callback_answer() == t.gettext("This button is no longer active.")
    assert (await state_of(bot, DAWIT.id))[:2] == ("profile", "learn")  # type: ignore[index]

    await bot.tap(DAWIT, t.gettext("Done"))
    assert (await state_of(bot, DAWIT.id))[:2] == ("profile", "offer")  # type: ignore[index]
    # The learn step's buttons are now expired too (and were taken off the message).
    assert await bot.press(DAWIT, learn_done) == []
    assert (await state_of(bot, DAWIT.id))[:2] == ("profile", "offer")  # type: ignore[index]
    # A topic that belongs to another step cannot be smuggled in.
    version = (await state_of(bot, DAWIT.id))[2]  # type: ignore[index]
    assert await bot.press(DAWIT, f"profile:{version}:dutch") == []
    async with bot.runtime.sessions() as session:
        dawit = await members.find_by_telegram_id(session, DAWIT.id)
    assert dawit is not None
    assert dawit.learn_topics == ["work"]
    assert dawit.offer_topics is None


async def test_group_chats_are_told_to_write_privately(bot: BotHarness) -> None:
    for text in ("/start", "/share", "hallo allemaal"):
        calls = await bot.feed(bot.updates.text(SANNE, text, chat=GROUP_CHAT))
        assert [(c.chat_id, c.text) for c in calls] == [
            (
                GROUP_CHAT["id"],
                "Ik werk alleen in privégesprekken, zodat wat je vertelt tussen ons blijft. "
                "Schrijf me alsjeblieft rechtstreeks: https://t.me/samen_test_bot",
            )
        ]
    # In the sender's language, and nothing about them is stored.
    calls = await bot.feed(bot.updates.text(AMIRA, "/start", chat=GROUP_CHAT))
    assert (calls[0].text or "").startswith("أعمل فقط في المحادثات الخاصة")
    async with bot.runtime.sessions() as session:
        assert (await session.scalars(select(Member))).all() == []
