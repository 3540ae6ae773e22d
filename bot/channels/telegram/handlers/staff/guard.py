"""The one guard in front of every organiser and coordinator command.

Refused in a group chat (organiser work is one-to-one) and for anyone without the role; both
refusals are translated, logged with ids only and written to the audit trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, filters

from bot.channels.telegram.context import SamenContext
from bot.db.models import Role
from bot.i18n import Translator
from bot.services import audit, members
from bot.services.communities import roles

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffAccess:
    user_id: int
    t: Translator
    community_ids: tuple[int, ...]  # where the user holds the role (coordinators organise too)


async def require_staff(
    update: Update, context: SamenContext, *, role: Role, action: str
) -> StaffAccess | None:
    """The user's access, or None after a translated refusal."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    t = await context.member_translator(update)
    runtime = context.runtime
    reason = None
    community_ids: tuple[int, ...] = ()
    if chat.type != ChatType.PRIVATE:
        reason = "group_chat"
    else:
        async with runtime.sessions() as session:
            found = await roles.communities_for(
                session,
                user.id,
                role,
                installation_coordinators=runtime.settings.coordinator_ids,
            )
            community_ids = tuple(c.id for c in found)
        if not community_ids:
            reason = "no_role"
    if reason is None:
        return StaffAccess(user.id, t, community_ids)
    async with runtime.sessions() as session:
        await audit.record(
            session,
            "staff.refused",
            now=runtime.clock(),
            actor_user_id=user.id,
            details={"command": action, "reason": reason},
        )
        await session.commit()
    log.info("staff command refused", extra={"kind": action, "state": reason})
    text = (
        t.gettext("Organiser commands work only in a private chat with me.")
        if reason == "group_chat"
        else t.gettext("This command is for organisers and coordinators of a community.")
    )
    message = update.effective_message
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif message is not None:
        await message.reply_text(text)
    return None


# Every organiser and coordinator command. In a group chat each is refused (and audited) here,
# before the newcomers' "private chats only" answer, so a staff member learns why.
STAFF_COMMANDS = (
    "newmeeting",
    "meeting",
    "invite",
    "translate",
    "broadcasts",
    "addorganiser",
    "removeorganiser",
    "checkins",
    "export",
    "stats",
    "inbox",
    "signature",
)


async def refuse_in_group(update: Update, context: SamenContext) -> None:
    message = update.effective_message
    text = message.text if message is not None and message.text else "/"
    command = text.split()[0][1:].split("@")[0]
    await require_staff(update, context, role=Role.ORGANISER, action=command)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(
        CommandHandler(STAFF_COMMANDS, refuse_in_group, filters=filters.ChatType.GROUPS)
    )


async def staff_member(context: SamenContext, update: Update, access: StaffAccess) -> Any:
    """Organisers need a member row to keep their dialogue in; nothing else is stored."""
    user = update.effective_user
    assert user is not None
    runtime = context.runtime
    async with runtime.sessions() as session:
        return await members.register_contact(
            session,
            access.user_id,
            user.language_code,
            runtime.settings.default_locale,
            runtime.clock(),
        )
