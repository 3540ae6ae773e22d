"""Community translators translate more than meetings: an accepted topic, asked from its card
("Add a translation"), and a saved reply. The organiser asks, a translator who reads both
languages types it, the organiser approves, and a member then reads it in their language."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.views import conversations as conversation_views
from bot.channels.telegram.views import tasks as views
from bot.db.models import (
    Contribution,
    Member,
    Proposal,
    Role,
    TaskStatus,
    TaskSubject,
    TranslationTask,
)
from bot.runtime import Runtime
from bot.services.conversations import replies
from bot.services.members import set_reads
from bot.services.translations import tasks
from tests.coownership_support import invited_community, run_digests, tap_on
from tests.factories import SANNE, Person
from tests.harness import BotHarness, Reply, Say, Tap, Turn
from tests.meeting_support import deliver, make_organiser

ARABIC = "العربية"
AR_TOPIC = "مقهى اللغة"


async def _reads(runtime: Runtime, person: Person, locales: list[str]) -> Member:
    async with runtime.sessions() as session:
        member = await session.scalar(select(Member).where(Member.telegram_user_id == person.id))
        assert member is not None
        await set_reads(session, member, locales)
        await session.commit()
        return member


async def test_an_accepted_topic_is_translated_by_a_community_translator(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 982_100_001)
    nl, ti = (runtime.catalogs.translator(tag) for tag in ("nl", "ti"))
    # Dawit, a Tigrinya-speaking ambassador, reads Ukrainian and Arabic too.
    await make_organiser(runtime, group.community_id, group.dawit.id, Role.AMBASSADOR)
    await _reads(runtime, group.dawit, ["uk", "ar"])

    # Olena proposes a topic in Ukrainian; Sanne accepts it.
    await bot.say(group.olena, "/propose")
    await bot.say(group.olena, "Мовне кафе")
    title = f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}"
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, title)
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 1, count="1"))
    await bot.tap(SANNE, nl.gettext("Accept"))

    # On the topic's card, "Add a translation" offers to ask for each language members use
    # that has no text: Arabic, Dutch and Tigrinya (Ukrainian is the topic's own).
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, title)
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 0, count="0"))
    await tap_on(bot, SANNE, "Мовне кафе", nl.gettext("Add a translation"))
    _, text, keyboard = bot.screen(SANNE)[-1]
    assert text == nl.gettext("Which language do you want to add?")
    labels = [b["text"] for row in keyboard for b in row]
    prefix = nl.gettext("Ask community translators: {language}", language="")
    asks = [label for label in labels if label.startswith(prefix)]
    assert asks == [
        nl.gettext("Ask community translators: {language}", language=name)
        for name in (ARABIC, "Nederlands", "ትግርኛ")
    ]
    await bot.transcript(
        SANNE,
        [
            Turn(
                Tap(nl.gettext("Ask community translators: {language}", language=ARABIC)),
                [
                    Reply(
                        contains=[ARABIC],
                        buttons=[nl.gettext("Publish at once: I trust these translators")],
                    )
                ],
            )
        ],
    )

    # Dawit's notice names the topic; he types it in Arabic.
    await deliver(runtime, bot.api)
    _, notice, _ = bot.screen(group.dawit)[-1]
    assert notice.startswith(
        ti.gettext(
            views.OFFER_TEXTS[TaskSubject.PROPOSAL],
            community="Buurthuis",
            title="Мовне кафе",
            source="Українська",
            target=ARABIC,
        )
    )
    type_it = ti.gettext("Type it in {language}, or tap Pass.", language=ARABIC)
    await bot.transcript(
        group.dawit,
        [
            Turn(Tap(ti.gettext("Translate")), [Reply(contains=["Мовне кафе", type_it])]),
            Turn(
                Say(AR_TOPIC),
                [
                    ti.gettext(
                        "Thank you! The organiser looks at your translation before it is "
                        "published."
                    )
                ],
            ),
        ],
    )
    # Nothing is published before Sanne approves.
    async with runtime.sessions() as session:
        proposal = await session.scalar(select(Proposal))
        assert proposal is not None
        assert "ar" not in {t.locale for t in proposal.texts}

    await deliver(runtime, bot.api)
    _, asked, _ = bot.screen(SANNE)[-1]
    assert AR_TOPIC in asked
    assert "Мовне кафе" in asked
    await bot.tap(SANNE, nl.gettext("Approve"))
    assert bot.screen(SANNE)[-1][1] == views.decision_text(nl, True, True)

    # Amira reads the topic in Arabic in her digest; Dawit is thanked; the log has it.
    await run_digests(bot)
    digest = bot.api.texts(group.amira.id)[-1]
    assert AR_TOPIC in digest
    assert "Мовне кафе" not in digest
    await deliver(runtime, bot.api)
    assert ti.gettext(
        "Your translation of “{title}” into {language} is published. Thank you!",
        title="Мовне кафе",
        language=ARABIC,
    ) in bot.api.texts(group.dawit.id)
    async with runtime.sessions() as session:
        logged = (await session.scalars(select(Contribution))).one()
        task = (await session.scalars(select(TranslationTask))).one()
    assert logged.proposal_id == proposal.id
    assert logged.words == 2
    assert task.status == TaskStatus.DONE
    # /stats (for coordinators: Sanne becomes one) counts the task done for Arabic.
    await make_organiser(runtime, group.community_id, SANNE.id, Role.COORDINATOR)
    (shown,) = await bot.feed(bot.updates.text(SANNE, "/stats"))
    # A photo with the figures as its caption (as text where the chart's fonts are missing).
    caption = shown.params.get("caption") or shown.text or ""
    assert (
        nl.gettext("Translation tasks done / waiting: {languages}", languages="ar 1/0") in caption
    )


async def test_a_saved_reply_is_translated_and_approved(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 982_200_001)
    await make_organiser(runtime, group.community_id, group.dawit.id, Role.AMBASSADOR)
    dawit = await _reads(runtime, group.dawit, ["nl", "ar"])
    now = runtime.clock()
    async with runtime.sessions() as session:
        saved = await replies.save(
            session,
            community_id=group.community_id,
            name="Openingstijden",
            texts={"nl": "Wij zijn open van 9 tot 17 uur."},
            source_locale="nl",
            now=now,
        )
        await session.commit()
    nl = runtime.catalogs.translator("nl")
    # In a conversation with an Arabic-speaking member, the saved replies list offers to ask
    # the community's translators for the reply in Arabic.
    _, markup = conversation_views.saved_buttons(nl, 1, 1, [saved], "ar")
    assert markup is not None
    (ask,) = [b for row in markup.inline_keyboard for b in row if b.text != saved.name]
    assert ask.text == "Openingstijden · " + nl.gettext(
        "Ask community translators: {language}", language=ARABIC
    )
    assert isinstance(ask.callback_data, str)
    await bot.press(SANNE, ask.callback_data)
    assert bot.api.texts(SANNE.id)[-1].startswith(
        nl.ngettext(
            "{count} community translator is asked for {language}. You approve the translation "
            "before it is published.",
            "{count} community translators are asked for {language}. You approve the "
            "translation before it is published.",
            1,
            count="1",
            language=ARABIC,
        )
    )

    # The notice reaches Dawit by the outbox and names the saved reply.
    await deliver(runtime, bot.api)
    ti = runtime.catalogs.translator("ti")
    assert (
        ti.gettext(
            views.OFFER_TEXTS[TaskSubject.SAVED_REPLY],
            community="Buurthuis",
            title="Openingstijden",
            source="Nederlands",
            target=ARABIC,
        )
        in bot.api.texts(group.dawit.id)[-1]
    )

    translated = "نحن مفتوحون من 9 إلى 17."
    async with runtime.sessions() as session:
        member = await session.get(Member, dawit.id)
        (offered,) = await tasks.more(session, member, group.dawit.id, now=now)  # type: ignore[misc]
        assert offered.source == {"reply": "Wij zijn open van 9 tot 17 uur."}
        step = await tasks.begin(session, member, group.dawit.id, offered.assignment.id, now=now)
        assert step.kind == "field"
        assert step.dialog is not None
        step = await tasks.typed(session, member, group.dawit.id, step.dialog, translated, now=now)
        assert step.kind == "submitted"
        decided = await tasks.decide(
            session,
            offered.assignment.id,
            approve=True,
            user_id=SANNE.id,
            community_ids={group.community_id},
            now=now,
        )
        await session.commit()
    assert decided is not None
    assert decided.approved
    assert decided.changed
    async with runtime.sessions() as session:
        (reply,) = await replies.saved_replies(session, group.community_id)
        task = (await session.scalars(select(TranslationTask))).one()
    assert reply.texts == {"nl": "Wij zijn open van 9 tot 17 uur.", "ar": translated}
    assert task.status == TaskStatus.DONE
    # Asking again for a language it has now is answered, not a new task.
    async with runtime.sessions() as session:
        again = await tasks.ask_for(
            session,
            tasks.TaskSubject.SAVED_REPLY,
            saved.id,
            "ar",
            community_ids={group.community_id},
            requested_by_user_id=SANNE.id,
            now=now,
        )
    assert again == tasks.Problem(tasks.HAS_TEXT)
