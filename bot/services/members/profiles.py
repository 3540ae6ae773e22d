"""The optional profile: what a member would like to learn, what they could contribute, where
they live, and which other languages they read. Every step can be skipped; each is stored as
soon as it is finished. The languages step can also be asked on its own (from /language)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member
from bot.services import dialogs, members
from bot.services.dialogs import Dialog

FLOW = "profile"
LEARN = "learn"
OFFER = "offer"
PLACE = "place"
READS = "reads"  # the other languages they read, in the order they tap them
STEPS = (LEARN, OFFER, PLACE, READS)
# Dialogue data of a languages step asked on its own: finishing it ends the dialogue.
ALONE = "alone"

# Opaque keys; their labels are translated by the channel.
LEARN_TOPICS = ("dutch", "work", "study", "digital", "health", "money")
OFFER_TOPICS = ("translate", "cook", "teach", "children", "repair", "sport")
TOPICS = {LEARN: LEARN_TOPICS, OFFER: OFFER_TOPICS}

MAX_TOPIC_TEXT = 500
MAX_MUNICIPALITY = 120


class TextTooLong(ValueError):
    def __init__(self, limit: int):
        super().__init__(f"longer than {limit} characters")
        self.limit = limit


def text_limit(step: str) -> int:
    return MAX_MUNICIPALITY if step == PLACE else MAX_TOPIC_TEXT


async def start(session: AsyncSession, member_id: int, *, now: datetime) -> Dialog:
    """Begin the profile at its first step."""
    dialog = await dialogs.set(session, member_id, FLOW, LEARN, {"selected": []}, now=now)
    return dialog


async def start_reads(session: AsyncSession, member: Member, *, now: datetime) -> Dialog:
    """Ask only which other languages the member reads, their current list already ticked."""
    return await dialogs.set(
        session,
        member.id,
        FLOW,
        READS,
        {"selected": list(member.reads_locales or []), ALONE: True},
        now=now,
    )


def selected(dialog: Dialog) -> list[str]:
    return [str(topic) for topic in dialog.data.get("selected", [])]


def offered(dialog: Dialog, own_locale: str | None) -> tuple[str, ...]:
    """What can be ticked at this step: topics, or the languages other than the member's."""
    if dialog.step == READS:
        return members.readable_languages(own_locale)
    return TOPICS.get(dialog.step, ())


async def toggle(
    session: AsyncSession,
    dialog: Dialog,
    topic: str,
    *,
    now: datetime,
    own_locale: str | None = None,
) -> Dialog | None:
    """Select or unselect a topic (or a language) at a step with buttons; None when it is not
    offered there."""
    choices = offered(dialog, own_locale)
    if topic not in choices:
        return None
    chosen = selected(dialog)
    chosen = [t for t in chosen if t != topic] if topic in chosen else [*chosen, topic]
    # Topics keep the order of the list, so the profile reads the same way in every language;
    # languages keep the order they were tapped in: it is the order they are tried.
    if dialog.step != READS:
        chosen = [t for t in choices if t in chosen]
    dialog = await dialogs.update(session, dialog, now=now, selected=chosen)
    return dialog


async def finish_step(
    session: AsyncSession,
    member: Member,
    dialog: Dialog,
    *,
    now: datetime,
    text: str | None = None,
    skip: bool = False,
) -> Dialog | None:
    """Store this step (unless skipped) and move on; None when the profile is complete.

    Raises TextTooLong (nothing changes) for free text over the step's limit.
    """
    if text is not None:
        text = text.strip()
        if len(text) > text_limit(dialog.step):
            raise TextTooLong(text_limit(dialog.step))
    if not skip:
        topics = selected(dialog)
        if dialog.step == LEARN:
            await members.save_profile(session, member, learn_topics=topics, learn_text=text)
        elif dialog.step == OFFER:
            await members.save_profile(session, member, offer_topics=topics, offer_text=text)
        elif dialog.step == PLACE and text:
            await members.save_profile(session, member, municipality=text)
        elif dialog.step == READS:
            await members.set_reads(session, member, topics)
    index = STEPS.index(dialog.step)
    if index + 1 == len(STEPS) or dialog.data.get(ALONE):
        await dialogs.clear(session, member.id, now=now)
        return None
    following = STEPS[index + 1]
    chosen = list(member.reads_locales or []) if following == READS else []
    dialog = await dialogs.set(session, member.id, FLOW, following, {"selected": chosen}, now=now)
    return dialog
