"""Joining, language and consent: links, restarts, declining, a new notice version."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.channels.telegram.app import build_application
from bot.config import Settings
from bot.db.models import Answer, DialogState, Member, Membership
from bot.runtime import Runtime
from bot.services import members
from bot.services.members import privacy, profiles
from tests.factories import HAMID, NOOR, OLENA, SANNE, UpdateFactory, create_community
from tests.fakes.bot_api import FakeBotAPI, FakeRequest
from tests.harness import BotHarness, FakeClock, Reply, Say, Tap, Turn

CODE = "buurt-oost-4f9k"
LANGUAGE_BUTTONS_NL = [
    "✓ Nederlands",
    "English",
    "العربية",
    "Українська",
    "Русский",
    "ትግርኛ",
    "فارسی",
    "دری",
    "Türkçe",
    "Soomaali",
]


async def count(bot: BotHarness, model: type) -> int:
    async with bot.runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_declining_consent_stores_nothing_and_start_comes_back(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await bot.transcript(
        SANNE,
        [
            Turn(
                Say(f"/start {CODE}"),
                [
                    Reply(
                        text="Welkom bij Samen, Sanne! Samen met je gemeenschap kun je delen wat "
                        "voor jou belangrijk is, horen over bijeenkomsten en ze mee vormgeven."
                        "\n\nJe wordt lid van Invented Buurtkamer Oost.\n\nWelke taal wil je "
                        "dat ik gebruik? Tik hieronder op je taal.",
                        buttons=LANGUAGE_BUTTONS_NL,
                    )
                ],
            ),
            Turn(
                Say("hallo?"),
                [
                    Reply(
                        contains=["Kies alsjeblieft je taal met de knoppen."],
                        buttons=LANGUAGE_BUTTONS_NL,
                    )
                ],
            ),
            Turn(
                Tap("✓ Nederlands"),
                [
                    Reply(
                        contains=[
                            "Bedankt! Ik schrijf je in deze taal: Nederlands.",
                            "Vind je het goed dat Samen deze gegevens bewaart?",
                        ],
                        buttons=["Ja, ik ga akkoord", "Nu niet"],
                    )
                ],
            ),
            Turn(
                Say("Ik woon in Zwolle en ik heb drie kinderen"),
                [
                    Reply(
                        contains=["Antwoord alsjeblieft met een van de twee knoppen hieronder."],
                        buttons=["Ja, ik ga akkoord", "Nu niet"],
                    )
                ],
            ),
            Turn(
                Tap("Nu niet"),
                ["Dat is goed. Ik heb niets over jou bewaard. Bedenk je je? Stuur dan /start."],
            ),
        ],
    )
    # Not even the Telegram id, the language or the dialogue state stayed behind.
    assert await count(bot, Member) == 0
    assert await count(bot, Membership) == 0
    assert await count(bot, DialogState) == 0
    assert await count(bot, Answer) == 0

    # Coming back later starts afresh.
    replies = await bot.say(SANNE, f"/start {CODE}")
    assert "Welke taal wil je dat ik gebruik?" in replies[0]


async def test_free_text_without_consent_is_not_stored_and_consent_is_offered(
    bot: BotHarness,
) -> None:
    calls = await bot.feed(bot.updates.text(OLENA, "Мені потрібна допомога з житлом"))
    assert len(calls) == 1
    assert calls[0].text.startswith("Ваше повідомлення не збережено.")
    assert calls[0].button_texts == ["Так, я погоджуюся", "Не зараз"]
    assert await count(bot, Member) == 0
    assert await count(bot, Answer) == 0
    # A voice note is not stored either.
    await bot.feed(bot.updates.voice(OLENA, file_id="voice-olena-private"))
    assert await count(bot, Answer) == 0

    # Agreeing from that message works without any stored state.
    await bot.tap(OLENA, "Так, я погоджуюся")
    async with bot.runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, OLENA.id)
    assert member is not None
    assert member.consent_version == privacy.NOTICE_VERSION
    assert member.consent_given_at == bot.runtime.clock()


async def test_restart_mid_onboarding_continues_where_the_member_was(
    bot: BotHarness, settings: Settings, clock: FakeClock
) -> None:
    await create_community(bot.runtime, code=CODE)
    await bot.say(HAMID, f"/start {CODE}")
    await bot.tap(HAMID, "✓ دری")  # Dari: Hamid's Telegram says fa-AF, he confirms
    agree_before_restart = bot.find_button(HAMID, "بله، موافقم")

    # The process dies; a new one (new runtime, new application) opens the same database.
    runtime = Runtime.create(settings, clock=clock)
    api = FakeBotAPI()
    app = build_application(settings, runtime=runtime, request=FakeRequest(api))
    await app.initialize()
    try:
        again = BotHarness(
            app=app, api=api, runtime=runtime, updates=UpdateFactory(first_update_id=9001)
        )
        # Free text: the consent step is shown again, in Dari (the Farsi catalog).
        replies = await again.say(HAMID, "سلام")
        assert replies[0].startswith("لطفاً با یکی از دو دکمهٔ پایین پاسخ دهید.")
        # The button from before the restart still belongs to this step.
        message_id, data = agree_before_restart
        answered = await again.press(HAMID, data, message_id=message_id)
        texts = [call.text for call in answered if call.method == "sendMessage"]
        assert "سپاسگزاریم! اکنون عضو Invented Buurtkamer Oost هستید." in texts[0].replace(
            "\u2068", ""
        ).replace("\u2069", "")
        async with runtime.sessions() as session:
            member = await members.find_by_telegram_id(session, HAMID.id)
            assert member is not None
            assert member.locale == "fa-AF"
            assert member.consent_version == privacy.NOTICE_VERSION
            dialog = await session.get(DialogState, member.id)
            assert dialog is not None
            assert (dialog.flow, dialog.step) == ("profile", "learn")
    finally:
        await app.shutdown()
        await runtime.close()


async def test_a_new_notice_version_asks_again_before_storing_anything(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_community(bot.runtime, code=CODE)
    await bot.say(SANNE, f"/start {CODE}")
    await bot.tap(SANNE, "✓ Nederlands")
    await bot.tap(SANNE, "Ja, ik ga akkoord")
    await bot.tap(SANNE, "Overslaan")
    await bot.tap(SANNE, "Overslaan")
    await bot.tap(SANNE, "Overslaan")

    old = privacy.NOTICE_VERSION
    new = old + 1
    monkeypatch.setattr(privacy, "NOTICE_VERSION", new)
    calls = await bot.feed(bot.updates.text(SANNE, "/share"))
    assert calls[0].text.startswith("We hebben veranderd hoe Samen met je gegevens omgaat.")
    assert f"consent:{new}:yes" in [b["callback_data"] for row in calls[0].keyboard for b in row]
    # A story sent now is not stored: the member is asked again first.
    await bot.say(SANNE, "Mijn verhaal over de buurt")
    assert await count(bot, Answer) == 0
    async with bot.runtime.sessions() as session:
        community_members = await members.reachable_members(session, 1, new)
    assert community_members == []

    # A button of the old notice does nothing.
    assert await bot.press(SANNE, f"consent:{old}:yes") == []
    assert bot.last_callback_answer() == "Deze knop werkt niet meer."

    answered = await bot.tap(SANNE, "Ja, ik ga akkoord")
    assert [c.text for c in answered if c.method == "sendMessage"] == [
        "Bedankt!\n\nVertel ons je verhaal: schrijf een bericht of stuur een spraakbericht. "
        "Het gaat naar Invented Buurtkamer Oost."
    ]
    await bot.say(SANNE, "Mijn verhaal over de buurt")
    assert await count(bot, Answer) == 1
    async with bot.runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, SANNE.id)
        assert member is not None
        assert member.consent_version == new
        assert [m.id for m in await members.reachable_members(session, 1, new)] == [member.id]


async def test_unknown_and_malformed_codes_get_a_clear_message(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    for code in ("nietbestaand123", "../../etc", "x" * 60):
        replies = await bot.say(SANNE, f"/start {code}")
        assert replies == [
            "Sorry, deze link werkt niet. Vraag de persoon die hem gaf om een nieuwe link of "
            "QR-code."
        ]
    assert await count(bot, Member) == 0


async def test_start_without_a_code_explains_how_to_get_a_link(bot: BotHarness) -> None:
    replies = await bot.say(NOOR, "/start")
    # Noor's Telegram sends no language: the default language (Dutch).
    assert replies[0].endswith(
        "Om lid te worden van je gemeenschap open je de link of scan je de QR-code die je van "
        "je organisatie hebt gekregen."
    )
    assert await count(bot, Member) == 0


async def test_start_without_a_code_joins_the_default_community(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_community(bot.runtime, code=CODE)
    monkeypatch.setattr(bot.runtime.settings, "default_community", CODE)
    await bot.say(SANNE, "/start")
    await bot.tap(SANNE, "✓ Nederlands")
    answered = await bot.tap(SANNE, "Ja, ik ga akkoord")
    assert answered[-1].text.startswith("Bedankt! Je bent nu lid van Invented Buurtkamer Oost.")


async def test_a_member_can_belong_to_several_communities(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await create_community(bot.runtime, code="taalcafe-west-77", name="Invented Taalcafé West")
    await bot.say(SANNE, f"/start {CODE}")
    await bot.tap(SANNE, "✓ Nederlands")
    await bot.tap(SANNE, "Ja, ik ga akkoord")
    for _ in profiles.STEPS:
        await bot.tap(SANNE, "Overslaan")
    assert await bot.say(SANNE, "/start taalcafe-west-77") == [
        "Je bent nu lid van Invented Taalcafé West. Welkom!"
    ]
    assert await bot.say(SANNE, "/start taalcafe-west-77") == [
        "Je bent al lid van Invented Taalcafé West."
    ]
    assert await count(bot, Membership) == 2
    # Sharing asks which community the story is for.
    calls = await bot.feed(bot.updates.text(SANNE, "/share"))
    assert calls[0].text == "Voor welke gemeenschap is je verhaal?"
    assert calls[0].button_texts == ["Invented Buurtkamer Oost", "Invented Taalcafé West"]
    await bot.tap(SANNE, "Invented Taalcafé West")
    await bot.say(SANNE, "Het taalcafé helpt mij echt")
    async with bot.runtime.sessions() as session:
        story = await session.scalar(select(Answer))
    assert story is not None
    assert story.community_id == 2


async def test_share_before_consent_keeps_the_community_the_member_came_for(
    bot: BotHarness,
) -> None:
    await create_community(bot.runtime, code=CODE)
    await bot.say(SANNE, f"/start {CODE}")
    calls = await bot.feed(bot.updates.text(SANNE, "/share"))
    assert calls[0].button_texts == ["Ja, ik ga akkoord", "Nu niet"]
    answered = await bot.tap(SANNE, "Ja, ik ga akkoord")
    assert (answered[-1].text or "").startswith(
        "Bedankt! Je bent nu lid van Invented Buurtkamer Oost."
    )
    assert await count(bot, Membership) == 1


async def test_delete_before_consent_waits_for_its_buttons(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await bot.say(SANNE, f"/start {CODE}")
    await bot.say(SANNE, "/delete")
    replies = await bot.say(SANNE, "ja hoor")
    assert replies[0].startswith("Antwoord alsjeblieft met de knoppen.\n\nWil je echt alles")
    await bot.tap(SANNE, "Ja, verwijder alles")
    assert await count(bot, Member) == 0
    assert await count(bot, DialogState) == 0
