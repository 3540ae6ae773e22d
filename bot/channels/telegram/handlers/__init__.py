"""One module per journey, grouped by audience; `register` wires them all, in the order tried.

- `newcomers/`: joining, language, consent, profile, stories, data rights, help;
- `meetings/`: creating and changing meetings, the overview, RSVPs, answering questions;
- `staff/`: the guard in front of every staff command, roles, broadcasts, check-ins, exports,
  figures;
- `conversations/`: what members write outside a dialogue, and the organisers' inbox;
- `ambassadors/`: community translators: the volunteer switch, reviews of the bot's texts,
  translation tasks (/tasks).
- `ambassadors/`: what ambassadors do: report contributions, read their own log.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.channels.telegram.handlers import (
    errors,
    fallback,
    groups,
    incoming,
    router,
    throttle,
)
from bot.channels.telegram.handlers.ambassadors import contributions as ambassador_contributions
from bot.channels.telegram.handlers.ambassadors import reviews as text_reviews
from bot.channels.telegram.handlers.ambassadors import tasks as translation_tasks
from bot.channels.telegram.handlers.ambassadors import translators
from bot.channels.telegram.handlers.conversations import members as conversation_members
from bot.channels.telegram.handlers.conversations import staff as conversation_staff
from bot.channels.telegram.handlers.meetings import (
    drafts,
    edits,
    hosts,
    intake,
    overview,
    rsvps,
)
from bot.channels.telegram.handlers.meetings import outcomes as meeting_outcomes
from bot.channels.telegram.handlers.meetings import proposals as meeting_proposals
from bot.channels.telegram.handlers.newcomers import (
    consent,
    data_rights,
    help,
    language,
    profiles,
    proposals,
    start,
    stories,
    whoami,
)
from bot.channels.telegram.handlers.staff import (
    announcements,
    broadcasts,
    checkins,
    contributions,
    exports,
    guard,
    roles,
    stats,
)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Group -2, before anything reads the database: a member over the inbound limit is told
    # once and the rest of the flood dropped.
    throttle.register(app)
    # Group -1, before every journey: duplicates stop here; a member who writes is seen (and
    # reachable again if Telegram once said they blocked the bot).
    incoming.register(app)
    # The dialogue flows' table, filled by the journeys that own them (router.py).
    table = router.Router()
    # Group chats first: nothing below is meant for them. Staff commands are refused (and
    # audited) with their own reason, the rest gets the newcomers' "private chats only".
    guard.register(app)
    groups.register(app)
    start.register(app)
    language.register(app)
    consent.register(app, table)
    profiles.register(app, table)
    stories.register(app, table)
    proposals.register(app, table)
    data_rights.register(app, table)
    help.register(app)
    whoami.register(app)
    translators.register(app)
    text_reviews.register(app, table)
    translation_tasks.register(app, table)
    broadcasts.register(app)
    announcements.register(app, table)
    rsvps.register(app)
    drafts.register(app, table)
    overview.register(app, table)
    meeting_proposals.register(app, table)
    meeting_outcomes.register(app, table)
    edits.register(app, table)
    hosts.register(app, table)
    roles.register(app)
    checkins.register(app, table)
    intake.register(app, table)
    stats.register(app)
    exports.register(app)
    contributions.register(app)
    ambassador_contributions.register(app, table)
    conversation_members.register(app)
    conversation_staff.register(app, table)
    # After every command and button: plain messages go to the member's current step.
    table.install(app)
    # Last: anything no journey claimed is logged (ids only) and ignored.
    fallback.register(app)
    errors.register(app)
