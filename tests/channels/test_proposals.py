"""Members propose topics (by voice, by text, from a message to the community), organisers
decide, and invited members support them in their own language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.db.models import AuditEvent, Outcome, Proposal, ProposalStatus, Role, Support
from bot.services import meetings
from bot.services.meetings import changes
from bot.services.proposals import supports
from tests.coownership_support import (
    button_on,
    invited_community,
    run_digests,
    run_notices,
    tap_on,
)
from tests.factories import SANNE
from tests.harness import BotHarness, Reply, Say, Send, Tap, Turn, Voice
from tests.meeting_support import deliver, make_organiser


async def test_a_voice_and_a_text_proposal_are_accepted_translated_and_supported(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_000_001)
    ar, ti, nl = (runtime.catalogs.translator(tag) for tag in ("ar", "ti", "nl"))
    asked = ar.gettext(
        "Which topic would you like to put on the agenda of {title}? Type it in a sentence "
        "or two, or record a voice message.",
        title=ar.isolate("Samen koken"),
    )

    # Amira proposes from the invitation, by voice; Olena with /propose, by text.
    await bot.transcript(
        group.amira,
        [
            Turn(
                Tap(ar.gettext("Suggest a topic")),
                [asked],
            ),
            Turn(Voice(20, "voice-amira-1"), [Reply(contains=["Samen koken"])]),
        ],
    )
    await bot.transcript(
        group.olena,
        [
            Turn(Say("/propose"), [Reply(contains=["Samen koken"])]),
            Turn(Say("Житло та робота для новоприбулих"), [Reply(contains=["Samen koken"])]),
        ],
    )

    # Sanne is told at once of the first, and of the second after the batching interval.
    await run_notices(bot)
    told = nl.ngettext(
        "{count} new topic proposed by members.",
        "{count} new topics proposed by members.",
        1,
        count="1",
    )
    assert [text for text in bot.api.texts(SANNE.id) if text.startswith(told)] == [
        f"{told} {nl.gettext('Send /meeting to decide about them.')}"
    ]
    runtime.clock.advance(minutes=6)
    await run_notices(bot)
    assert len([text for text in bot.api.texts(SANNE.id) if text.startswith(told)]) == 2
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 2, count="2"))
    await bot.tap(SANNE, nl.gettext("Accept"))
    await bot.tap(SANNE, nl.gettext("Accept"))
    async with runtime.sessions() as session:
        statuses = list(await session.scalars(select(Proposal.status).order_by(Proposal.id)))
    assert statuses == [ProposalStatus.ACCEPTED, ProposalStatus.ACCEPTED]

    # A Dutch translation for the voice proposal.
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 0, count="0"))
    await tap_on(bot, SANNE, "العربية", nl.gettext("Add a translation"))
    await bot.tap(SANNE, "Nederlands")
    answers = await bot.say(SANNE, "Werk zoeken in de buurt")
    assert answers == [nl.gettext("Saved. Members who read that language will see it.")]

    # The daily digest: Dawit reads both, the Ukrainian one marked as not translated.
    assert await run_digests(bot) == 4
    digest = bot.api.texts(group.dawit.id)[-1]
    assert "Werk zoeken in de buurt" in digest
    assert "Житло та робота для новоприбулих" in digest
    assert (
        ti.gettext("(in {language}, not translated yet)", language=ti.isolate("Українська"))
        in digest
    )
    # A second run the same day sends nothing more.
    assert await run_digests(bot) == 0

    # Supports: Dawit supports one; he can listen to the voice proposal.
    await bot.tap(group.dawit, ti.gettext("{mark} Support {number}", mark="☆", number="1"))
    calls = await bot.tap(group.dawit, ti.gettext("Listen to {number}", number="1"))
    assert [c.method for c in calls if c.method == "sendVoice"] == ["sendVoice"]
    assert calls[-1].params["voice"] == "voice-amira-1"
    async with runtime.sessions() as session:
        assert await session.scalar(select(func.count(Support.id))) == 1


async def test_bad_topics_are_reprompted_and_a_duplicate_counts_once(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_100_001)
    uk = runtime.catalogs.translator("uk")
    again_text = uk.gettext(
        "A topic can be a text or a voice message. Please type it or record one."
    )
    too_short = uk.gettext("Please type your topic in a few words, or record a voice message.")
    too_long = uk.ngettext(
        "That is too long for a topic. Please keep it under {count} character.",
        "That is too long for a topic. Please keep it under {count} characters.",
        500,
    )
    thanks = uk.gettext(
        "Thank you! Your topic for {title} is with the organisers. You will hear what they "
        "decide.",
        title=uk.isolate("Samen koken"),
    )
    await bot.transcript(
        group.olena,
        [
            Turn(Say("/propose"), [Reply(contains=["Samen koken"])]),
            Turn(Send(lambda f, p: f.sticker(p), "sticker"), [again_text]),
            Turn(Say(" . "), [too_short]),
            Turn(Say("ж" * 501), [too_long]),
            Turn(Say("Мовне кафе по суботах"), [thanks]),
            Turn(Say("/propose"), [Reply(contains=["Samen koken"])]),
            Turn(
                Say("мовне  кафе по суботах!"),
                [
                    uk.gettext(
                        "You proposed this topic for {title} already; it is counted once.",
                        title=uk.isolate("Samen koken"),
                    )
                ],
            ),
        ],
    )
    async with runtime.sessions() as session:
        assert await session.scalar(select(func.count(Proposal.id))) == 1


async def test_a_message_to_the_community_becomes_a_topic(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_200_001)
    nl = runtime.catalogs.translator("nl")
    await bot.say(group.noor, "Kunnen we het over een taalcafé op zaterdag hebben?")
    (done,) = await bot.act(group.noor, Tap(nl.gettext("Make this a topic for a meeting")))
    assert done.text == nl.gettext(
        "Thank you! Your topic for {title} is with the organisers. You will hear what they "
        "decide.",
        title=nl.isolate("Samen koken"),
    )
    async with runtime.sessions() as session:
        proposal = await session.scalar(select(Proposal))
        assert proposal is not None
        assert proposal.conversation_message_id is not None
        assert proposal.texts[0].text == "Kunnen we het over een taalcafé op zaterdag hebben?"
    # A sticker cannot become a topic: no button under its acknowledgement.
    calls = await bot.feed(bot.updates.sticker(group.noor))
    assert all(not call.keyboard for call in calls)


async def _accepted_topics(bot: BotHarness, group: object, texts: list[str]) -> None:
    """Olena proposes each text; Sanne accepts them all."""
    nl = bot.runtime.catalogs.translator("nl")
    for text in texts:
        await bot.say(group.olena, "/propose")  # type: ignore[attr-defined]
        await bot.say(group.olena, text)  # type: ignore[attr-defined]
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")  # type: ignore[attr-defined]
    count = str(len(texts))
    await bot.tap(
        SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", len(texts), count=count)
    )
    for _ in texts:
        await bot.tap(SANNE, nl.gettext("Accept"))


async def test_supports_have_a_limit_change_until_the_start_and_refusals_are_audited(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_300_001)
    async with runtime.sessions() as session:
        meeting = await meetings.get(session, group.meeting.id)
        assert meeting is not None
        await supports.set_limit(session, meeting, 2, now=runtime.clock(), actor_user_id=SANNE.id)
        await session.commit()
    await _accepted_topics(bot, group, ["Житло", "Робота", "Мова"])
    ar = runtime.catalogs.translator("ar")
    await bot.say(group.amira, "/topics")

    def support(n: int, mark: str = "☆") -> str:
        return ar.gettext("{mark} Support {number}", mark=mark, number=ar.fmt_number(n))

    await bot.tap(group.amira, support(1))
    await bot.tap(group.amira, support(2))
    await bot.tap(group.amira, support(3))  # over the limit of two
    assert bot.last_callback_answer() == ar.gettext(
        "You have used all your supports for this meeting. Tap a topic you support "
        "to take that support back first."
    )
    # Changeable: take one back, give it to another.
    await bot.tap(group.amira, support(1, "★"))
    await bot.tap(group.amira, support(3))
    async with runtime.sessions() as session:
        amira_id = group.member_ids[0]
        mine = await supports.used(session, group.meeting.id, amira_id)
        texts = {p.id: p.texts[0].text for p in await session.scalars(select(Proposal))}
    assert sorted(texts[i] for i in mine) == sorted(["Робота", "Мова"])

    # A forged button and a vote after the start change nothing and are audited.
    await bot.press(group.amira, "sup:999999:support")
    assert bot.last_callback_answer() == ar.gettext("This is no longer available.")
    runtime.clock.now = group.meeting.starts_at
    await bot.tap(group.amira, support(2, "★"))
    assert bot.last_callback_answer() == ar.gettext(
        "This meeting has already started; its topics can no longer change."
    )
    async with runtime.sessions() as session:
        assert len(await supports.used(session, group.meeting.id, amira_id)) == 2
        reasons = [
            e.details["reason"]
            for e in await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "proposal.refused")
            )
        ]
    assert reasons == ["limit", "gone", "started"]


async def test_only_organisers_decide_and_a_stale_decision_changes_nothing(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_400_001)
    await bot.say(group.olena, "/propose")
    await bot.say(group.olena, "Житло")
    async with runtime.sessions() as session:
        proposal = await session.scalar(select(Proposal))
        assert proposal is not None
    # Noor, a member, forges the organisers' Accept button.
    await bot.press(group.noor, f"prp:{proposal.id}:accept:1")
    nl = runtime.catalogs.translator("nl")
    assert bot.last_callback_answer() == nl.gettext(
        "This command is for organisers and coordinators of a community."
    )
    # Sanne declines with a reason; Olena reads it in Ukrainian.
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 1, count="1"))
    accept_id, accept = button_on(bot, SANNE, "Житло", nl.gettext("Accept"))
    await bot.tap(SANNE, nl.gettext("Decline"))
    await bot.tap(SANNE, nl.gettext("Already planned"))
    # The old Accept button is stale now.
    await bot.press(SANNE, accept, message_id=accept_id)
    assert bot.last_callback_answer() == nl.gettext("This button is no longer active.")
    async with runtime.sessions() as session:
        fresh = await session.get(Proposal, proposal.id)
        assert fresh is not None
        assert fresh.status == ProposalStatus.DECLINED
        refused = await session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "staff.refused")
        )
    assert refused == 1
    await deliver(runtime, bot.api)
    uk = runtime.catalogs.translator("uk")
    told = bot.api.texts(group.olena.id)[-1]
    assert uk.gettext("It is already planned for this or another meeting.") in told
    assert "Житло" in told


async def test_the_digest_comes_at_most_once_a_day_with_late_topics(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_500_001)
    await _accepted_topics(bot, group, ["Житло"])
    assert await run_digests(bot) == 4
    # A late topic, accepted an hour later: nobody hears again the same day.
    runtime.clock.advance(hours=1)
    await bot.say(group.olena, "/propose")
    await bot.say(group.olena, "Робота")
    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 1, count="1"))
    await bot.tap(SANNE, nl.gettext("Accept"))
    assert await run_digests(bot) == 0
    # A day later the late topic joins the same list, in one message.
    runtime.clock.advance(hours=24)
    assert await run_digests(bot) == 4
    digest = bot.api.texts(group.dawit.id)[-1]
    assert "Житло" in digest
    assert "Робота" in digest
    assert await run_digests(bot) == 0


async def test_an_outcome_for_a_cancelled_meeting_is_refused(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_600_001)
    nl = runtime.catalogs.translator("nl")
    async with runtime.sessions() as session:
        meeting = await meetings.get(session, group.meeting.id)
        assert meeting is not None
        await changes.cancel(session, meeting, now=runtime.clock(), actor_user_id=SANNE.id)
        await session.commit()
    runtime.clock.now = group.meeting.starts_at + timedelta(hours=2)
    await bot.say(SANNE, "/meeting")
    # The overview offers no "Share the outcome"; a forged choice is refused and audited.
    _message_id, data = button_on(
        bot, SANNE, "", f"✖ Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}"
    )
    flow, version, _choice = data.split(":")
    calls = await bot.press(SANNE, f"{flow}:{version}:o{group.meeting.id}")
    assert [c.text for c in calls if c.method == "sendMessage"] == [
        nl.gettext("This meeting was cancelled, so there is no outcome to share.")
    ]
    async with runtime.sessions() as session:
        refused = list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "proposal.refused")
            )
        )
        outcomes_made = await session.scalar(select(func.count(Outcome.id)))
    assert [e.details["reason"] for e in refused] == ["cancelled"]
    assert outcomes_made == 0


async def test_the_organiser_changes_the_supports_per_member(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_700_001)
    await _accepted_topics(bot, group, ["Житло"])
    nl = runtime.catalogs.translator("nl")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 0, count="0"))
    calls = await bot.tap(SANNE, nl.gettext("Fewer supports"))
    assert calls[-1].text == nl.ngettext(
        "Each member can now support {count} topic of this meeting.",
        "Each member can now support {count} topics of this meeting.",
        2,
        count="2",
    )
    async with runtime.sessions() as session:
        meeting = await meetings.get(session, group.meeting.id)
        assert meeting is not None
        assert meeting.supports_per_member == 2


async def test_the_proposer_adds_a_translation_of_their_accepted_topic(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_800_001)
    await _accepted_topics(bot, group, ["Мовне кафе"])
    await deliver(runtime, bot.api)
    uk = runtime.catalogs.translator("uk")
    await bot.tap(group.olena, uk.gettext("Add a translation"))
    (asked,) = await bot.act(group.olena, Tap("Nederlands"))
    assert asked.text == uk.gettext("Type the topic in {language}.", language="Nederlands")
    assert await bot.say(group.olena, "Taalcafé") == [
        uk.gettext("Saved. Members who read that language will see it.")
    ]
    async with runtime.sessions() as session:
        proposal = await session.scalar(select(Proposal))
        assert proposal is not None
        assert {t.locale: t.text for t in proposal.texts} == {"uk": "Мовне кафе", "nl": "Taalcafé"}
        pid = proposal.id
    # Someone else's topic cannot be translated by Noor: refused, audited.
    await bot.press(group.noor, f"sup:{pid}:translate")
    nl = runtime.catalogs.translator("nl")
    assert bot.last_callback_answer() == nl.gettext("This is no longer available.")


async def _version(bot: BotHarness, proposal_id: int) -> int:
    async with bot.runtime.sessions() as session:
        proposal = await session.get(Proposal, proposal_id)
        assert proposal is not None
        return proposal.version


async def test_an_ambassador_accepts_and_translates_but_declining_stays_with_organisers(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 981_900_001)
    # Dawit, a Tigrinya-speaking member, is an ambassador of the community.
    await make_organiser(runtime, group.community_id, group.dawit.id, Role.AMBASSADOR)
    for text in ("Мовне кафе", "Житло"):
        await bot.say(group.olena, "/propose")
        await bot.say(group.olena, text)
    async with runtime.sessions() as session:
        cafe, housing = list(await session.scalars(select(Proposal.id).order_by(Proposal.id)))
    ti = runtime.catalogs.translator("ti")

    # Dawit sees the new topics with /proposals and accepts the first with the organiser:
    # only the buttons an ambassador may use.
    await bot.say(group.dawit, "/proposals")
    for _message_id, text, keyboard in bot.screen(group.dawit)[-2:]:
        assert [b["text"] for row in keyboard for b in row] == [ti.gettext("Accept")], text
    assert await tap_on(bot, group.dawit, "Мовне кафе", ti.gettext("Accept"))
    assert bot.api.texts(group.dawit.id)[-1] == ti.gettext(
        "Accepted. Invited members can now support this topic."
    )
    # He adds its Tigrinya translation, from the accepted topic's card.
    await bot.say(group.dawit, "/proposals")
    await tap_on(bot, group.dawit, "Мовне кафе", ti.gettext("Add a translation"))
    (asked,) = await bot.act(group.dawit, Tap("ትግርኛ"))
    assert asked.text == ti.gettext("Type the topic in {language}.", language=ti.isolate("ትግርኛ"))
    assert await bot.say(group.dawit, "ቤት ቋንቋ") == [
        ti.gettext("Saved. Members who read that language will see it.")
    ]

    # Declining stays with organisers (a forged button): refused, translated, audited; nothing
    # changes.
    version = await _version(bot, housing)
    for data in (f"prp:{housing}:decline:{version}", f"prp:{housing}:reason:{version}:planned"):
        await bot.press(group.dawit, data)
        assert bot.last_callback_answer() == ti.gettext(
            "Only organisers can do this. Ambassadors can accept topics and add translations."
        )
    async with runtime.sessions() as session:
        statuses = list(await session.scalars(select(Proposal.status).order_by(Proposal.id)))
        refused = list(
            await session.scalars(
                select(AuditEvent.details).where(
                    AuditEvent.action == "proposal.refused",
                    AuditEvent.actor_user_id == group.dawit.id,
                )
            )
        )
        accepted_by = await session.scalar(
            select(AuditEvent.actor_user_id).where(
                AuditEvent.action == "proposal.accept", AuditEvent.target == f"proposal:{cafe}"
            )
        )
    assert statuses == [ProposalStatus.ACCEPTED, ProposalStatus.NEW]
    assert refused == [{"reason": "organisers_only"}] * 2
    assert accepted_by == group.dawit.id

    # A Tigrinya member sees the topic in Tigrinya, not marked as untranslated.
    await bot.say(group.dawit, "/topics")
    listed = bot.api.texts(group.dawit.id)[-1]
    assert "ቤት ቋንቋ" in listed
    assert "Мовне кафе" not in listed
    assert (
        ti.gettext("(in {language}, not translated yet)", language=ti.isolate("Українська"))
        not in listed
    )
