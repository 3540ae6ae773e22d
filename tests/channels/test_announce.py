"""/announce in chat: an organiser writes an announcement in Dutch, sees who gets it in which
language and that the Arabic and Tigrinya members would read Dutch, adds Arabic, and sends it;
another time they cancel; a community nobody can be reached in queues nothing; someone
without the role is refused. Sending and refusing are in the audit trail."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import AuditEvent, Broadcast, OutboxMessage
from tests.factories import DAWIT, SANNE, Person
from tests.harness import BotHarness, Reply, Say, Tap, Turn, Voice
from tests.meeting_support import deliver, make_organiser
from tests.outbox_support import make_community

NO_TEXT = "There is no text in {language}: those members will get the {fallback} text."


def _goes_to(tr_n, count: int, languages: str) -> str:  # type: ignore[no-untyped-def]
    return tr_n(
        "This announcement goes to {count} member of {community}: {languages}.",
        "This announcement goes to {count} members of {community}: {languages}.",
        count,
        count=str(count),
        community="Buurthuis",
        languages=languages,
    )


async def _count(bot: BotHarness, model: type) -> int:
    async with bot.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_an_organiser_previews_adds_a_language_and_sends(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(
        runtime, locales=["nl", "ar", "ti"], first_user_id=972_000_001, name="Buurthuis"
    )
    await make_organiser(runtime, people.community_id, SANNE.id)
    nl = runtime.catalogs.translator("nl")
    tr = nl.gettext
    everyone = "العربية 1, Nederlands 1, ትግርኛ 1"  # by language tag, as the CLI

    answered = await bot.transcript(
        SANNE,
        [
            Turn(Say("/announce"), [tr("Which language do you write the announcement in?")]),
            Turn(
                Say("Nederlands"),
                [
                    Reply(
                        contains=[
                            tr("Please answer with the buttons."),
                            tr("Which language do you write the announcement in?"),
                        ]
                    )
                ],
            ),
            Turn(
                Tap("Nederlands"),
                [tr("Type the announcement in {language}.", language="Nederlands")],
            ),
            Turn(Voice(), [Reply(contains=[tr("Please type some text.")])]),
            Turn(
                Say("Vrijdag is het buurthuis dicht."),
                [
                    Reply(
                        contains=[
                            _goes_to(nl.ngettext, 3, everyone),
                            "⚠️ " + tr(NO_TEXT, language="العربية", fallback="Nederlands"),
                            "⚠️ " + tr(NO_TEXT, language="ትግርኛ", fallback="Nederlands"),
                        ]
                    ),
                    Reply(
                        contains=[
                            tr("Preview in {language}:", language="Nederlands"),
                            tr("Message from {community}", community="Buurthuis"),
                            "Vrijdag is het buurthuis dicht.",
                        ]
                    ),
                    Reply(
                        tr("Send the announcement now?"),
                        buttons=[
                            tr("Send the announcement"),
                            tr("Add a text in another language"),
                            tr("Cancel"),
                        ],
                    ),
                ],
            ),
            Turn(
                Tap(tr("Add a text in another language")),
                [Reply(tr("In which language is the next text?"))],
            ),
            Turn(
                Tap("العربية"),
                [tr("Type the announcement in {language}.", language="العربية")],
            ),
            Turn(
                Say("البيت المجتمعي مغلق يوم الجمعة."),
                [
                    Reply(contains=[_goes_to(nl.ngettext, 3, everyone), "ትግርኛ"]),
                    Reply(contains=["Vrijdag is het buurthuis dicht."]),
                    Reply(
                        contains=[
                            tr("Preview in {language}:", language="العربية"),
                            "البيت المجتمعي مغلق يوم الجمعة.",
                        ]
                    ),
                    Reply(tr("Send the announcement now?")),
                ],
            ),
            # A typed message where the buttons are asked for: the review again, nothing lost.
            Turn(
                Say("Versturen graag"),
                [
                    Reply(contains=[tr("Please answer with the buttons."), "ትግርኛ"]),
                    Reply(contains=["Vrijdag is het buurthuis dicht."]),
                    Reply(contains=["البيت المجتمعي مغلق يوم الجمعة."]),
                    Reply(tr("Send the announcement now?")),
                ],
            ),
            Turn(
                Tap(tr("Send the announcement")),
                [
                    nl.ngettext(
                        "The announcement is being sent to {count} member. /broadcasts shows "
                        "how it goes (#{number}).",
                        "The announcement is being sent to {count} members. /broadcasts shows "
                        "how it goes (#{number}).",
                        3,
                        count="3",
                        number=1,
                    )
                ],
            ),
        ],
    )
    # Once Arabic was added only the Tigrinya members are warned about.
    goes_to, *warnings = (answered[7][0].text or "").split("\n")
    assert goes_to == _goes_to(nl.ngettext, 3, everyone)
    assert warnings == ["⚠️ " + tr(NO_TEXT, language="ትግርኛ", fallback="Nederlands")]
    await deliver(runtime, bot.api)
    nl_member, ar_member, ti_member = (
        bot.screen(Person(uid, "Lid", None))[-1][1] for uid in people.user_ids
    )
    assert nl_member.endswith("Vrijdag is het buurthuis dicht.")
    assert ar_member.endswith("البيت المجتمعي مغلق يوم الجمعة.")
    assert ti_member.endswith("Vrijdag is het buurthuis dicht.")  # the fallback, as warned
    async with runtime.sessions() as session:
        (sent,) = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.announce"))
        ).all()
        assert sent.actor_user_id == SANNE.id
        assert sent.row_count == 3
        assert sent.details == {"locales": ["ar", "nl"]}

    # Another time: cancelled, nothing more queued.
    await bot.say(SANNE, "/announce")
    await bot.tap(SANNE, "Nederlands")
    await bot.say(SANNE, "Toch niet.")
    (stopped,) = await bot.act(SANNE, Tap(tr("Cancel")))
    assert stopped.text == tr("Cancelled. Nothing was sent.")
    assert await _count(bot, Broadcast) == 1
    assert await _count(bot, OutboxMessage) == 3


async def test_an_announcement_nobody_can_receive_queues_nothing(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(
        runtime, locales=["nl", "ar"], consented=False, first_user_id=972_100_001, name="Leeg"
    )
    await make_organiser(runtime, people.community_id, SANNE.id)
    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/announce")
    await bot.tap(SANNE, "Nederlands")
    (nobody,) = await bot.say(SANNE, "Hallo allemaal")
    assert nobody == nl.gettext(
        "Nobody in {community} can receive an announcement: no member has agreed to the "
        "privacy notice and can be reached. Nothing was sent.",
        community="Leeg",
    )
    assert await _count(bot, Broadcast) == 0
    assert await _count(bot, OutboxMessage) == 0
    async with runtime.sessions() as session:
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert "outbox.announce" not in actions


async def test_someone_without_the_role_is_refused_and_it_is_audited(bot: BotHarness) -> None:
    runtime = bot.runtime
    await make_community(runtime, locales=["nl"], first_user_id=972_200_001)
    (refused,) = await bot.say(DAWIT, "/announce")
    ti = runtime.catalogs.translator("ti")
    assert refused == ti.gettext("This command is for organisers and coordinators of a community.")
    async with runtime.sessions() as session:
        (event,) = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.refused"))
        ).all()
    assert event.actor_user_id == DAWIT.id
    assert event.details["command"] == "announce"
    assert await _count(bot, Broadcast) == 0
