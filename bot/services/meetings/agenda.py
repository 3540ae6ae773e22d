"""What the agenda of a meeting is: the one place that decides it.

The agenda comes from what people said — the free-text answers (and the voice notes) to the
meeting's agenda questions — never from a choice or scale question, whose answers are
tallies. An agenda question is a free-text or voice question asked before the meeting that is

- marked by the organiser ("Use the answers for the agenda" in /newmeeting, `agenda: true` in
  the meeting file), or
- the default set's "What would you like to put on the agenda?" (its English text is the
  catalog's msgid, a stable key in every meeting that took the default set).

A meeting with neither keeps the older rule — the first free-text or voice question, where
organisers used to put what they want on the agenda — and says so (`Rule.FIRST_FREE`), so the
overview can tell the organiser the topics were guessed from it.

With proposals («Co-ownership»): when the organiser put members' proposals on a meeting's
agenda, those proposals are the agenda, in the order they were put there (`items`); a meeting
without any keeps the answers-based topics above.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meeting, Proposal, ProposalStatus, Question, QuestionStage
from bot.services import proposals
from bot.services.intake.questions import DEFAULT_BEFORE, FREE_KINDS
from bot.services.proposals import Shown

# The default agenda question's msgid, stored as its English text (`default_drafts`).
AGENDA_PROMPT = DEFAULT_BEFORE[0]
TOP_TOPICS = 5


class Rule(StrEnum):
    """Why these questions make the agenda."""

    MARKED = "marked"  # marked by the organiser, or the default agenda question
    FIRST_FREE = "first_free"  # nothing marked: the first free-text or voice question
    NONE = "none"  # no free-text or voice question: no agenda from answers


@dataclass(frozen=True)
class AgendaSource:
    questions: list[Question]
    rule: Rule


def is_default_agenda(question: Question) -> bool:
    return question.kind in FREE_KINDS and any(
        text.locale == "en" and text.prompt == AGENDA_PROMPT for text in question.texts
    )


def decide(asked_before: Sequence[Question]) -> AgendaSource:
    """Which of a meeting's questions make its agenda (in their order), and by which rule."""
    free = [q for q in asked_before if q.stage == QuestionStage.BEFORE and q.kind in FREE_KINDS]
    # A mark on a choice question cannot happen through the dialogue or the file; a row
    # written otherwise is still never an agenda question.
    marked = [q for q in free if q.agenda or is_default_agenda(q)]
    if marked:
        return AgendaSource(marked, Rule.MARKED)
    if free:
        return AgendaSource(free[:1], Rule.FIRST_FREE)
    return AgendaSource([], Rule.NONE)


def questions(asked_before: Sequence[Question]) -> list[Question]:
    """The agenda questions among a meeting's questions (`decide` without the rule)."""
    return decide(asked_before).questions


_WORD = re.compile(r"\w+", re.UNICODE)


def topics(texts: Sequence[str], limit: int = TOP_TOPICS) -> list[tuple[str, int]]:
    """The agenda topics people mention most: answers are split on commas, semicolons and
    line breaks into topics, compared without case or punctuation, counted once per answer."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text in texts:
        seen = set()
        for part in re.split(r"[,;،؛\n]+", text):
            key = " ".join(_WORD.findall(part.casefold()))
            if not key or key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            shown.setdefault(key, part.strip())
    return [(shown[key], n) for key, n in counts.most_common(limit)]


# --- the proposals path («Co-ownership») --------------------------------------------------------


def on_agenda(candidates: Sequence[Proposal]) -> list[Proposal]:
    """The accepted proposals the organiser put on the agenda, in their agenda order."""
    chosen = [p for p in candidates if p.on_agenda and p.status == ProposalStatus.ACCEPTED]
    return sorted(chosen, key=lambda p: (p.agenda_position or 0, p.id))


async def items(session: AsyncSession, meeting: Meeting) -> list[Proposal]:
    """The meeting's agenda when it is made of proposals; empty otherwise."""
    return on_agenda(await proposals.of_meeting(session, meeting.id, [ProposalStatus.ACCEPTED]))


async def shown_items(
    session: AsyncSession, meeting: Meeting, reader_locale: str | None
) -> list[Shown]:
    """The agenda of proposals as one reader sees it (their language along the chain)."""
    chosen = await items(session, meeting)
    if not chosen:
        return []
    default = await proposals.community_locale(session, meeting)
    return [proposals.shown(p, reader_locale, default) for p in chosen]
