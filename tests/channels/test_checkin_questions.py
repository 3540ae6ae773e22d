"""Members shape the community's questions: a member proposes a question for the long-term
check-in, an organiser chooses it, and the check-in asks it after the default three; choosing
another retires the first."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import CheckIn, CheckInKind, Member, Proposal, ProposalStatus, Question
from bot.services import checkins, intake
from bot.services.intake import Step
from tests.coownership_support import invited_community
from tests.factories import SANNE
from tests.harness import BotHarness, Say, Turn, Voice
from tests.meeting_support import deliver


async def _longterm_prompts(bot: BotHarness, member_id: int, community_id: int) -> list[str]:
    """The prompts a long-term check-in asks this member (in Dutch where there is Dutch)."""
    runtime = bot.runtime
    async with runtime.sessions() as session:
        await checkins.ensure_longterm_questions(session, community_id, runtime.catalogs)
        row = CheckIn(
            member_id=member_id,
            community_id=community_id,
            kind=CheckInKind.LONGTERM,
            due_at=runtime.clock(),
        )
        session.add(row)
        await session.flush()
        member = await session.get(Member, member_id)
        assert member is not None
        step = await intake.begin(session, member, now=runtime.clock(), checkin_id=row.id)
        assert isinstance(step, Step)
        found = list(
            await session.scalars(
                select(Question)
                .where(Question.community_id == community_id, Question.retired_at.is_(None))
                .order_by(Question.position, Question.id)
            )
        )
        prompts = [next(t.prompt for t in q.texts if t.locale in ("nl", "uk")) for q in found]
        await session.rollback()  # the check-in row was only for asking
    assert step.total == len(found)
    return prompts


async def test_a_member_question_is_chosen_for_the_check_in(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 985_000_001)
    uk, nl = runtime.catalogs.translator("uk"), runtime.catalogs.translator("nl")
    await bot.transcript(
        group.olena,
        [
            Turn(
                Say("/question"),
                [
                    uk.gettext(
                        "Which question should {community} ask its members in the check-in, "
                        "besides where they stand, what they learned and how we could help "
                        "each other? Type it.",
                        community=uk.isolate("Buurthuis"),
                    )
                ],
            ),
            Turn(Voice(), [uk.gettext("Please type the question, so everyone can read it.")]),
            Turn(
                Say("Що ви хочете вивчити наступного року?"),
                [
                    uk.gettext(
                        "Thank you! The organisers will read your question and may choose it "
                        "for the check-in."
                    )
                ],
            ),
        ],
    )
    # Noor proposes one too.
    await bot.say(group.noor, "/question")
    await bot.say(group.noor, "Wie wil een keer koken voor de groep?")

    await bot.say(SANNE, "/questions")
    assert bot.api.texts(SANNE.id)[-3] == nl.ngettext(
        "{count} question proposed by members waits for you.",
        "{count} questions proposed by members wait for you.",
        2,
        count="2",
    )
    await bot.tap(SANNE, nl.gettext("Ask this in the check-in"))  # the newest card: Noor's
    assert bot.api.texts(SANNE.id)[-1] == nl.gettext(
        "Chosen. The long-term check-in asks it from now on."
    )
    prompts = await _longterm_prompts(bot, group.member_ids[1], group.community_id)
    assert prompts[-1] == "Wie wil een keer koken voor de groep?"
    assert len(prompts) == 4  # the three defaults, then the member's

    # Olena's question replaces it; she is told in Ukrainian.
    await bot.tap(SANNE, nl.gettext("Ask this in the check-in"))
    prompts = await _longterm_prompts(bot, group.member_ids[1], group.community_id)
    assert prompts[-1] == "Що ви хочете вивчити наступного року?"
    assert len(prompts) == 4
    await deliver(runtime, bot.api)
    assert "Що ви хочете вивчити наступного року?" in bot.api.texts(group.olena.id)[-1]
    async with runtime.sessions() as session:
        statuses = list(await session.scalars(select(Proposal.status).order_by(Proposal.id)))
        retired = list(
            await session.scalars(select(Question).where(Question.retired_at.is_not(None)))
        )
    assert statuses == [ProposalStatus.ACCEPTED, ProposalStatus.ACCEPTED]
    assert len(retired) == 1  # Noor's, kept for the answers it had
