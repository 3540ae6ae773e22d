"""A meeting's outcome is translated by a community translator: the organiser shares it in
Dutch, the confirmation offers to ask for the languages invited members read that it has no
text in, a translator who reads Dutch and Tigrinya types it, the organiser approves, and the
outcome messages still waiting in the outbox reach the Tigrinya member in Tigrinya."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.channels.telegram.views import tasks as views
from bot.db.models import (
    Contribution,
    MeetingStatus,
    Member,
    OutboxMessage,
    OutboxState,
    Outcome,
    Role,
    TaskStatus,
    TaskSubject,
    TranslationTask,
)
from bot.runtime import Runtime
from bot.services import meetings
from bot.services.meetings import outcomes
from bot.services.members import set_reads
from tests.coownership_support import invited_community
from tests.factories import SANNE
from tests.harness import BotHarness, Reply, Say, Tap, Turn
from tests.meeting_support import deliver, make_organiser

TIGRINYA = "ትግርኛ"
NL_OUTCOME = "We koken in april samen met de buurtmoestuin."
TI_OUTCOME = "ኣብ ሚያዝያ ምስ ናይ ከባቢ ኣታኽልቲ ቦታ ብሓባር ክንሰርሕ ኢና።"


async def _hold_outcome(runtime: Runtime) -> int:
    """The outbox is busy: the members' outcome messages wait an hour before they are sent."""
    async with runtime.sessions() as session:
        outcome = (await session.scalars(select(Outcome))).one()
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.dedupe_key.like(f"outcome:{outcome.id}:%"),
                OutboxMessage.state == OutboxState.QUEUED,
            )
            .values(next_attempt_at=runtime.clock() + timedelta(hours=1))
        )
        await session.commit()
        return outcome.id


async def test_an_outcome_is_translated_by_a_community_translator(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 982_200_001)
    nl, ti = (runtime.catalogs.translator(tag) for tag in ("nl", "ti"))
    # Dawit, a Tigrinya-speaking ambassador, reads Dutch too.
    await make_organiser(runtime, group.community_id, group.dawit.id, Role.AMBASSADOR)
    async with runtime.sessions() as session:
        dawit = await session.scalar(
            select(Member).where(Member.telegram_user_id == group.dawit.id)
        )
        assert dawit is not None
        await set_reads(session, dawit, ["nl"])
        await session.commit()

    # After the meeting Sanne shares the outcome as one text, in Dutch.
    runtime.clock.now = group.meeting.starts_at + timedelta(hours=3)
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, nl.gettext("Share the outcome"))
    await bot.tap(SANNE, "Nederlands")
    await bot.say(SANNE, NL_OUTCOME)
    await bot.tap(SANNE, nl.gettext("Choose who receives it"))
    (sent,) = [
        c
        for c in await bot.tap(SANNE, nl.gettext("Everyone invited, except Not going"))
        if c.method == "sendMessage"
    ]
    assert sent.text == nl.ngettext(
        "The outcome is on its way to {count} person.",
        "The outcome is on its way to {count} people.",
        4,
        count="4",
    )
    # The confirmation offers to ask for each language invited members read that the
    # outcome has no text in: Arabic, Tigrinya and Ukrainian.
    _, _, keyboard = bot.screen(SANNE)[-1]
    assert [b["text"] for row in keyboard for b in row] == [
        nl.gettext("Ask community translators: {language}", language=name)
        for name in ("العربية", TIGRINYA, "Українська")
    ]
    outcome_id = await _hold_outcome(runtime)
    await bot.transcript(
        SANNE,
        [
            Turn(
                Tap(nl.gettext("Ask community translators: {language}", language=TIGRINYA)),
                [
                    Reply(
                        contains=[TIGRINYA],
                        buttons=[nl.gettext("Publish at once: I trust these translators")],
                    )
                ],
            )
        ],
    )

    # Dawit's notice names the meeting; he types the outcome in Tigrinya.
    await deliver(runtime, bot.api)
    _, notice, _ = bot.screen(group.dawit)[-1]
    assert notice.startswith(
        ti.gettext(
            views.OFFER_TEXTS[TaskSubject.OUTCOME],
            community="Buurthuis",
            title="Samen koken",
            source="Nederlands",
            target=TIGRINYA,
        )
    )
    label = f"{ti.gettext('Text')} (Nederlands):"
    await bot.transcript(
        group.dawit,
        [
            Turn(Tap(ti.gettext("Translate")), [Reply(contains=[label, NL_OUTCOME])]),
            Turn(
                Say(TI_OUTCOME),
                [
                    ti.gettext(
                        "Thank you! The organiser looks at your translation before it is "
                        "published."
                    )
                ],
            ),
        ],
    )
    # Sanne sees both texts and approves.
    await deliver(runtime, bot.api)
    _, asked, _ = bot.screen(SANNE)[-1]
    assert NL_OUTCOME in asked
    assert TI_OUTCOME in asked
    await bot.tap(SANNE, nl.gettext("Approve"))
    assert bot.screen(SANNE)[-1][1] == views.decision_text(nl, True, True)

    # The outbox sends the waiting outcome messages: Dawit's is in Tigrinya, Noor's in Dutch.
    runtime.clock.now += timedelta(hours=2)
    await deliver(runtime, bot.api)
    dawit_outcome = [text for text in bot.api.texts(group.dawit.id) if TI_OUTCOME in text]
    assert len(dawit_outcome) == 1
    assert NL_OUTCOME not in dawit_outcome[0]
    assert any(NL_OUTCOME in text for text in bot.api.texts(group.noor.id))
    async with runtime.sessions() as session:
        task = (await session.scalars(select(TranslationTask))).one()
        logged = (await session.scalars(select(Contribution))).one()
    assert (task.subject, task.subject_id, task.status) == (
        TaskSubject.OUTCOME,
        outcome_id,
        TaskStatus.DONE,
    )
    assert logged.meeting_id == group.meeting.id

    # A cancelled meeting's outcome takes no more translations.
    async with runtime.sessions() as session:
        meeting = await meetings.get(session, group.meeting.id)
        assert meeting is not None
        meeting.status = MeetingStatus.CANCELLED
        await session.flush()
        with pytest.raises(outcomes.OutcomeError, match="cancelled"):
            await outcomes.add_translation(session, outcome_id, "uk", {0: "Текст"})
