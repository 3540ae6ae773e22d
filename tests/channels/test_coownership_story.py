"""The whole loop, as the issue tells it: an Arabic-speaking member proposes a topic by
voice and a Ukrainian member by text; the organiser accepts both and adds a Dutch
translation; a Tigrinya member sees both (one marked as untranslated) and supports one;
/meeting ranks them with counts per language; the organiser puts one on the agenda; the
reminder shows it; after the meeting the organiser shares the outcome in Dutch and Arabic;
each member receives it in their language; a member's reply lands in the inbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import ConversationMessage, OutcomeReaction, Reaction
from bot.services.checkins import firing as checkin_firing
from bot.services.meetings import outcomes
from tests.coownership_support import invited_community, run_digests, tap_on
from tests.factories import SANNE
from tests.harness import BotHarness
from tests.meeting_support import deliver

SUPPORT = "{mark} Support {number}"


async def _fire(bot: BotHarness) -> None:
    async with bot.runtime.sessions() as session:
        await checkin_firing.fire_due(session, now=bot.runtime.clock())
    await deliver(bot.runtime, bot.api)


async def test_members_propose_support_and_hear_back_in_their_language(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 982_000_001)
    ar, uk, ti, nl = (runtime.catalogs.translator(tag) for tag in ("ar", "uk", "ti", "nl"))
    meeting_button = f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}"

    # Everyone answers the invitation; Noor cannot come.
    for person, t, answer in [
        (group.amira, ar, "Going"),
        (group.olena, uk, "Going"),
        (group.dawit, ti, "Going"),
        (group.noor, nl, "Not going"),
    ]:
        await bot.tap(person, t.gettext(answer))

    # Amira proposes by voice from the invitation; Olena by text with /propose.
    await bot.tap(group.amira, ar.gettext("Suggest a topic"))
    await bot.feed(bot.updates.voice(group.amira, 25, "voice-amira-werk"))
    await bot.say(group.olena, "/propose")
    await bot.say(group.olena, "Житло для великих сімей")

    # Sanne accepts both and writes the voice proposal down in Dutch.
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, meeting_button)
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 2, count="2"))
    await bot.tap(SANNE, nl.gettext("Accept"))
    await bot.tap(SANNE, nl.gettext("Accept"))
    await bot.tap(SANNE, meeting_button)
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 0, count="0"))
    await tap_on(bot, SANNE, "العربية", nl.gettext("Add a translation"))
    await bot.tap(SANNE, "Nederlands")
    await bot.say(SANNE, "Werk zoeken in de buurt")

    # The digest: Dawit (Tigrinya) reads both; the Ukrainian one is marked untranslated.
    assert await run_digests(bot) == 4
    digest = bot.api.texts(group.dawit.id)[-1]
    assert f"☆ {ti.fmt_number(1)}. 🎤 Werk zoeken in de buurt" in digest
    untranslated = ti.gettext(
        "(in {language}, not translated yet)", language=ti.isolate("Українська")
    )
    assert f"Житло для великих сімей {untranslated}" in digest
    # Dawit supports the housing topic; Amira and Noor support the work topic, Noor both.
    await bot.tap(group.dawit, ti.gettext(SUPPORT, mark="☆", number=ti.fmt_number(2)))
    await bot.tap(group.amira, ar.gettext(SUPPORT, mark="☆", number=ar.fmt_number(1)))
    await bot.tap(group.noor, nl.gettext(SUPPORT, mark="☆", number="1"))
    await bot.tap(group.noor, nl.gettext(SUPPORT, mark="☆", number="2"))
    # The list he tapped now shows his support.
    _message, _text, keyboard = bot.screen(group.dawit)[-1]
    assert keyboard[1][0]["text"] == ti.gettext(SUPPORT, mark="★", number=ti.fmt_number(2))

    # /meeting ranks them, with counts per language group and nobody's name.
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, meeting_button)
    calls = await bot.tap(
        SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 0, count="0")
    )
    ranking = calls[0].text or ""
    work = ranking.index("Werk zoeken in de buurt")
    housing = ranking.index("Житло для великих сімей")
    assert work < housing
    assert (
        "2 steunbetuigingen" in ranking
        or nl.ngettext("{count} support", "{count} supports", 2, count="2") in ranking
    )
    assert "(Nederlands 1, العربية 1)" in ranking or "(العربية 1, Nederlands 1)" in ranking
    assert "(Nederlands 1, ትግርኛ 1)" in ranking
    await tap_on(bot, SANNE, "Werk zoeken in de buurt", nl.gettext("Put on the agenda"))

    # The reminder a day before shows the agenda in each member's language.
    runtime.clock.now = group.meeting.starts_at - timedelta(hours=23)
    await _fire(bot)
    reminder = bot.api.texts(group.dawit.id)[-1]
    assert ti.gettext("On the agenda:") + "\n• 🎤 Werk zoeken in de buurt" in reminder

    # After the meeting: the outcome, per agenda item, in Dutch and Arabic.
    runtime.clock.now = group.meeting.starts_at + timedelta(hours=3)
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, meeting_button)
    await bot.tap(SANNE, nl.gettext("Share the outcome"))
    await bot.tap(SANNE, nl.gettext("A text per agenda item"))
    await bot.tap(SANNE, "Nederlands")
    # Too long a text is refused with the limit, counted in Dutch; the step waits for another.
    [too_long] = await bot.say(SANNE, "lang verslag " * 250)
    assert too_long == nl.ngettext(
        "That is too long. Please keep it under {count} character.",
        "That is too long. Please keep it under {count} characters.",
        outcomes.MAX_TEXT,
    )
    assert too_long.endswith("3.000 tekens.")
    await bot.say(SANNE, "De gemeente helpt met een banenmarkt in maart.")
    await bot.tap(SANNE, nl.gettext("Add another language"))
    await bot.tap(SANNE, "العربية")
    await bot.say(SANNE, "ستساعد البلدية في معرض للوظائف في مارس.")
    await bot.tap(SANNE, nl.gettext("Choose who receives it"))
    (sent,) = [
        c
        for c in await bot.tap(SANNE, nl.gettext("Everyone invited, except Not going"))
        if c.method == "sendMessage"
    ]
    assert sent.text == nl.ngettext(
        "The outcome is on its way to {count} person.",
        "The outcome is on its way to {count} people.",
        3,
        count="3",
    )
    await deliver(runtime, bot.api)
    assert "ستساعد البلدية في معرض للوظائف في مارس." in bot.api.texts(group.amira.id)[-1]
    assert "De gemeente helpt met een banenmarkt in maart." in bot.api.texts(group.dawit.id)[-1]
    assert "De gemeente helpt" in bot.api.texts(group.olena.id)[-1]
    assert not any("De gemeente helpt" in text for text in bot.api.texts(group.noor.id))

    # Dawit finds it useful and answers; his answer is in the inbox.
    await bot.tap(group.dawit, ti.gettext("Useful"))
    await bot.say(group.dawit, "ኣዝዩ ጽቡቕ እዩ፣ ክሕግዝ እደሊ")
    async with runtime.sessions() as session:
        reaction = await session.scalar(select(OutcomeReaction))
        assert reaction is not None
        assert reaction.reaction == Reaction.USEFUL
        inbox = list(await session.scalars(select(ConversationMessage.text)))
    assert "ኣዝዩ ጽቡቕ እዩ፣ ክሕግዝ እደሊ" in inbox

    # The follow-up check-in links to the outcome.
    runtime.clock.now = group.meeting.starts_at + timedelta(days=3)
    await _fire(bot)
    await bot.tap(group.olena, uk.gettext("See what came of it"))
    assert "De gemeente helpt" in bot.api.texts(group.olena.id)[-1]
