"""The proposer adds translations of their own accepted topic (organisers can too, from
/meeting): choose a language, type the topic in it. Stored like every other text of the
proposal, one row per language, and shown along the fallback chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member, Proposal, ProposalStatus, ProposalText
from bot.i18n import find_language
from bot.services import dialogs, proposals
from bot.services.dialogs import Dialog
from bot.services.proposals import FLOW, ProposalError, Topic

LANGUAGE, TEXT = "translate", "translation"


async def _own(session: AsyncSession, member: Member, proposal_id: int) -> Proposal:
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.member_id != member.id:
        raise ProposalError("gone")
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ProposalError("gone")
    return proposal


async def begin(
    session: AsyncSession, member: Member, proposal_id: int, *, now: datetime
) -> tuple[Dialog, Proposal]:
    """Ask the proposer which language to add (their own accepted topic only)."""
    proposal = await _own(session, member, proposal_id)
    dialog = await dialogs.set(
        session, member.id, FLOW, LANGUAGE, {"proposal": proposal.id}, now=now
    )
    return dialog, proposal


async def choose_language(
    session: AsyncSession, member: Member, dialog: Dialog, tag: str, *, now: datetime
) -> Dialog:
    language = find_language(tag)
    if language is None:
        raise ProposalError("gone")
    await _own(session, member, int(dialog.data["proposal"]))
    return await dialogs.update(session, dialog, now=now, step=TEXT, locale=language.tag)


async def save(
    session: AsyncSession, member: Member, dialog: Dialog, topic: Topic, *, now: datetime
) -> ProposalText:
    """The typed translation; the dialogue ends. A ProposalError keeps the step."""
    if topic.voice_file_id or topic.other:
        raise ProposalError("question_text")
    proposal = await _own(session, member, int(dialog.data["proposal"]))
    row = await proposals.add_text(
        session,
        proposal,
        str(dialog.data["locale"]),
        topic.text or "",
        actor_user_id=member.telegram_user_id,
        now=now,
    )
    await dialogs.clear(session, member.id, now=now)
    return row
