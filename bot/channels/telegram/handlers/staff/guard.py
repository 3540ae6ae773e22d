"""The one guard in front of every organiser, coordinator and ambassador command.

Refused in a group chat (organiser work is one-to-one) and for anyone without the role, with
the reason that applies (a stranger, an organiser asking for coordinator work, a role taken
away); every refusal is translated, logged with ids only and written to the audit trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, filters

from bot.channels.telegram.context import SamenContext
from bot.db.models import Role
from bot.i18n import Translator
from bot.services import audit, members
from bot.services.communities import roles

if TYPE_CHECKING:
    # Types only: handlers hand the unit of work's session to services, never query it.
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.db.models import Member

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffAccess:
    user_id: int
    t: Translator
    community_ids: tuple[int, ...]  # where the user holds the role (coordinators organise too)
    member: Member  # the organiser's own row, attached to the unit of work: their dialogue
    # Where the user holds only the guard's `also` role (an ambassador where they do not
    # organise): the journey decides which of its actions that role may do there.
    also_ids: tuple[int, ...] = ()

    @property
    def any_community_ids(self) -> tuple[int, ...]:
        return self.community_ids + self.also_ids


async def require_staff(
    update: Update,
    context: SamenContext,
    session: AsyncSession,
    *,
    role: Role,
    action: str,
    also: Role | None = None,
) -> StaffAccess | None:
    """The user's access and member row, in the journey's unit of work (`session`); or None
    after a refusal, which is audited in the unit and answered once the unit has committed.

    With `also`, holding that role instead lets the user in too (`StaffAccess.also_ids`); the
    refusal for someone with neither is the one for `role`.

    Organisers need a member row to keep their dialogue in: it is added here when the
    admission found none (only the Telegram id and language, as for any contact)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    t = context.t
    runtime = context.runtime
    reason = None
    community_ids: tuple[int, ...] = ()
    also_ids: tuple[int, ...] = ()
    if chat.type != ChatType.PRIVATE:
        reason = "group_chat"
    else:
        found = await roles.communities_for(
            session,
            user.id,
            role,
            installation_coordinators=runtime.settings.coordinator_ids,
        )
        community_ids = tuple(c.id for c in found)
        if also is not None:
            extra = await roles.communities_for(
                session,
                user.id,
                also,
                installation_coordinators=runtime.settings.coordinator_ids,
            )
            also_ids = tuple(c.id for c in extra if c.id not in community_ids)
        if not community_ids and not also_ids:
            reason = await roles.why_not(session, user.id, role)
    if reason is None:
        member = context.member
        if member is None:
            member = await members.add_contact(
                session,
                user.id,
                user.language_code,
                runtime.settings.default_locale,
                runtime.clock(),
            )
            context.member = member
        return StaffAccess(user.id, t, community_ids, member, also_ids)
    await audit.record(
        session,
        "staff.refused",
        now=runtime.clock(),
        actor_user_id=user.id,
        details={"command": action, "reason": reason},
    )
    log.info("staff command refused", extra={"kind": action, "state": reason})
    text = _refusal(t, reason, role)
    context.after_commit(lambda: _refuse(update, text))
    return None


def _refusal(t: Translator, reason: str, role: Role) -> str:
    """The refusal that tells this person what they lack (the audit keeps the reason)."""
    if reason == "group_chat":
        return t.gettext("Organiser commands work only in a private chat with me.")
    if reason == roles.NOT_COORDINATOR:
        return t.gettext(
            "Only coordinators can use this command. You are an organiser, not a coordinator: "
            "ask a coordinator of your community."
        )
    if role is Role.AMBASSADOR:
        if reason == roles.ROLE_REVOKED:
            return t.gettext(
                "Your ambassador role was taken away, so this no longer works for you. "
                "Ask a coordinator if this is a mistake."
            )
        return t.gettext(
            "This is for ambassadors of a community. A coordinator of your community can "
            "name you ambassador."
        )
    if reason == roles.ROLE_REVOKED:
        if role is Role.COORDINATOR:
            return t.gettext(
                "Your coordinator role was taken away, so this command no longer works for you. "
                "Ask a coordinator if this is a mistake."
            )
        return t.gettext(
            "Your organiser role was taken away, so this command no longer works for you. "
            "Ask a coordinator if this is a mistake."
        )
    return t.gettext("This command is for organisers and coordinators of a community.")


async def _refuse(update: Update, text: str) -> None:
    message = update.effective_message
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif message is not None:
        await message.reply_text(text)


# Every organiser and coordinator command. In a group chat each is refused (and audited) here,
# before the newcomers' "private chats only" answer, so a staff member learns why.
STAFF_COMMANDS = (
    "newmeeting",
    "meeting",
    "invite",
    "translate",
    "broadcasts",
    "announce",
    "addorganiser",
    "removeorganiser",
    "addambassador",
    "removeambassador",
    "checkins",
    "export",
    "stats",
    "inbox",
    "signature",
    "contribute",
    "hosting",
    "questions",
    "proposals",
)


async def refuse_in_group(update: Update, context: SamenContext) -> None:
    message = update.effective_message
    text = message.text if message is not None and message.text else "/"
    command = text.split()[0][1:].split("@")[0]
    async with context.work() as session:
        await require_staff(update, context, session, role=Role.ORGANISER, action=command)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(
        CommandHandler(STAFF_COMMANDS, refuse_in_group, filters=filters.ChatType.GROUPS)
    )
