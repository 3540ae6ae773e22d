"""One module per journey; `register` wires them all, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.channels.telegram import staff
from bot.channels.telegram.handlers import (
    broadcasts,
    checkins,
    consent,
    data_rights,
    dialogue,
    errors,
    exports,
    fallback,
    groups,
    help,
    incoming,
    input,
    language,
    meeting_changes,
    new_meeting,
    organiser,
    organisers,
    profile,
    rsvp,
    start,
    stats,
    stories,
)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Group -1, before every journey: duplicates stop here; a member who writes is seen (and
    # reachable again if Telegram once said they blocked the bot).
    incoming.register(app)
    # Group chats first: nothing below is meant for them. Staff commands are refused (and
    # audited) with their own reason, the rest gets the newcomers' "private chats only".
    staff.register(app)
    groups.register(app)
    start.register(app)
    language.register(app)
    consent.register(app)
    profile.register(app)
    stories.register(app)
    data_rights.register(app)
    help.register(app)
    broadcasts.register(app)
    rsvp.register(app)
    new_meeting.register(app)
    organiser.register(app)
    meeting_changes.register(app)
    organisers.register(app)
    checkins.register(app)
    input.register(app)
    stats.register(app)
    exports.register(app)
    # After every command and button: plain messages go to the member's current step.
    dialogue.register(app)
    # Last: anything no journey claimed is logged (ids only) and ignored.
    fallback.register(app)
    errors.register(app)
