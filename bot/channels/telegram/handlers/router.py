"""Messages that are not commands, in a private chat: they belong to the member's current
dialogue step, or get a translated re-prompt; outside any dialogue they go to a person (the
member's conversation with their community). Nothing is stored without consent.

The dialogue flows are a table: each journey's `register(app, router)` adds
`router.register(flow, on_message, needs_consent=...)` for the flows it owns, with the one
handler signature `async def on_message(update, context) -> None` (who wrote and where they
are come from `context.member`, `context.dialog` and `context.t`). Flow names are defined once,
in the services.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES, neutral, require_consent
from bot.channels.telegram.handlers.conversations import members as member_conversations
from bot.channels.telegram.views import prompts
from bot.services import members
from bot.services.members import privacy
from bot.services.members import stories as story_service

OnMessage = Callable[[Update, SamenContext], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    on_message: OnMessage
    # Newcomers' steps store what they are sent, so consent comes first; organisers' and the
    # button-only steps (language, consent, erasure) answer without it.
    needs_consent: bool


class Router:
    """The flow → handler table, filled by the journeys' `register` functions."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}

    def register(self, flow: str, on_message: OnMessage, *, needs_consent: bool) -> None:
        if flow in self._routes:
            raise ValueError(f"flow {flow!r} is routed twice")
        self._routes[flow] = Route(on_message, needs_consent)

    def route(self, flow: str) -> Route | None:
        return self._routes.get(flow)

    async def on_message(self, update: Update, context: SamenContext) -> None:
        """Route a message to the step the member is at; re-prompt when it does not fit."""
        if update.effective_message is None:
            return
        member, dialog = context.member, context.dialog
        route = self.route(dialog.flow) if dialog is not None else None
        if route is not None and not route.needs_consent:
            await route.on_message(update, context)
            return
        if not members.consent_is_current(member, privacy.current_notice_version()):
            # Nothing of the message is kept: first the member has to agree.
            await require_consent(update, context, member)
            return
        if dialog is None:
            await no_dialogue(update, context)
        elif route is None:
            await unrouted_step(update, context)
        else:
            await route.on_message(update, context)

    def install(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.add_handler(MessageHandler(PRIVATE_MESSAGES & ~filters.COMMAND, self.on_message))
        app.add_handler(
            MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE, on_edit)
        )
        app.add_handler(CallbackQueryHandler(unknown_button))


async def no_dialogue(update: Update, context: SamenContext) -> None:
    """A consented member's plain message outside any dialogue: it goes to a person, in a
    conversation with their community."""
    await member_conversations.on_message(update, context)


async def unrouted_step(update: Update, context: SamenContext) -> None:
    """A step that only takes buttons (or a flow no journey routes): show it again."""
    message = update.effective_message
    assert message is not None
    assert context.dialog is not None
    t = context.t
    await prompts.current_step(
        context,
        message.chat_id,
        t,
        context.dialog,
        notice_version=privacy.current_notice_version(),
        lead=t.gettext("Please answer with the buttons."),
    )


async def on_edit(update: Update, context: SamenContext) -> None:
    """Edits are not read (a story or answer was kept as first sent); say so kindly."""
    message = update.effective_message
    if message is None:
        return
    dialog, t = context.dialog, context.t
    lead = t.gettext("I do not read changed messages. Please send it again as a new message.")
    if dialog is None:
        await context.bot.send_message(message.chat_id, lead)
        return
    community, options = None, ()
    if dialog.flow == story_service.FLOW:
        async with context.work() as session:
            community, options = await story_service.prompt_data(session, dialog)
    await prompts.current_step(
        context,
        message.chat_id,
        t,
        dialog,
        notice_version=privacy.current_notice_version(),
        community=community,
        options=options,
        lead=lead,
    )


async def unknown_button(update: Update, context: SamenContext) -> None:
    """Callback data no journey recognises (random bytes, an old format): change nothing."""
    if update.callback_query is not None:
        await neutral(update.callback_query, context.t)
