"""/addorganiser, /removeorganiser, /addambassador and /removeambassador: coordinators
appoint and remove organisers and ambassadors in chat, by the person's numeric Telegram user
id (a username can change hands; an id cannot)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks, menus
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons, step_choice
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.db.models import Role
from bot.i18n import Translator
from bot.services import communities, dialogs, members
from bot.services.communities import roles
from bot.services.translations import translators

FLOW = roles.FLOW
# The roles a coordinator gives in chat, and the command names that give and take them.
COMMANDS = {
    Role.ORGANISER: ("addorganiser", "removeorganiser"),
    Role.AMBASSADOR: ("addambassador", "removeambassador"),
}


def _target(text: str | None) -> int | None:
    parts = (text or "").split()
    if len(parts) != 2 or not parts[1].isdigit() or len(parts[1]) > 15:
        return None
    return int(parts[1])


async def _command(update: Update, context: SamenContext, give: bool, role: Role) -> None:
    name = COMMANDS[role][0 if give else 1]
    async with context.work() as session:
        access = await require_staff(update, context, session, role=Role.COORDINATOR, action=name)
    if access is None:
        return
    t = access.t
    message = update.effective_message
    assert message is not None
    target = _target(message.text)
    if target is None:
        await message.reply_text(
            t.gettext(
                "Send /{command} followed by the person's Telegram number id, "
                "for example /{command} 123456789. They find their number with /mydata.",
                command=name,
            )
        )
        return
    if len(access.community_ids) == 1:
        await _apply(context, access, target, give, role, access.community_ids[0])
        return
    member = access.member
    runtime = context.runtime
    async with context.work() as session:
        dialog = await dialogs.set(
            session,
            member.id,
            FLOW,
            "community",
            {"user": target, "give": give, "role": role.value},
            now=runtime.clock(),
        )
        rows = []
        for community_id in access.community_ids:
            community = await communities.get(session, community_id)
            if community is not None:
                data = callbacks.step(FLOW, dialog.version, f"c{community.id}")
                rows.append([InlineKeyboardButton(community.name, callback_data=data)])
    await message.reply_text(
        t.gettext("For which community?"), reply_markup=InlineKeyboardMarkup(rows)
    )


async def add(update: Update, context: SamenContext) -> None:
    await _command(update, context, give=True, role=Role.ORGANISER)


async def remove(update: Update, context: SamenContext) -> None:
    await _command(update, context, give=False, role=Role.ORGANISER)


async def add_ambassador(update: Update, context: SamenContext) -> None:
    await _command(update, context, give=True, role=Role.AMBASSADOR)


async def remove_ambassador(update: Update, context: SamenContext) -> None:
    await _command(update, context, give=False, role=Role.AMBASSADOR)


async def choose(update: Update, context: SamenContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.COORDINATOR, action="organisers"
        )
    if access is None:
        return
    runtime = context.runtime
    async with context.work() as session:
        found = step_choice(context, query.data, FLOW)
        chosen = found[2][1:] if found is not None else ""
        valid = found is not None and chosen.isdigit() and int(chosen) in access.community_ids
        if found is not None and valid:
            await dialogs.clear(session, found[0].id, now=runtime.clock())
    if found is None or not valid:
        await neutral(query, access.t)
        return
    _member, dialog, _choice = found
    await query.answer()
    await retire_buttons(query)
    # Dialogues from before ambassadors existed carry no role: they were about organisers.
    role = Role(dialog.data.get("role", Role.ORGANISER.value))
    if role not in COMMANDS:
        role = Role.ORGANISER
    give = bool(dialog.data["give"])
    await _apply(context, access, int(dialog.data["user"]), give, role, int(chosen))


async def _apply(
    context: SamenContext,
    access: StaffAccess,
    target: int,
    give: bool,
    role: Role,
    community_id: int,
) -> None:
    runtime = context.runtime
    async with context.work() as session:
        community = await communities.get(session, community_id)
        change = roles.grant if give else roles.revoke
        kwargs = {"granted_by": access.user_id} if give else {"revoked_by": access.user_id}
        changed = await change(
            session,
            community_id=community_id,
            telegram_user_id=target,
            role=role,
            now=runtime.clock(),
            **kwargs,
        )
        # The ambassador's own menu gains (or loses) what the role lets them do.
        menu: tuple[Translator, menus.Commands] | None = None
        person = await members.find_by_telegram_id(session, target)
        if role is Role.AMBASSADOR and changed and person is not None and person.has_consented:
            standing = await translators.standing(session, person)
            menu_t = runtime.catalogs.translator(person.locale, person.time_zone)
            menu = (menu_t, menus.for_standing(standing))
    if menu is not None:
        await menus.publish_for_chat(context.bot, target, *menu)
    name = community.name if community else "?"
    text = (
        _ambassador_result(access.t, give, changed, target, name)
        if role is Role.AMBASSADOR
        else _result(access.t, give, changed, target, name)
    )
    await context.bot.send_message(access.user_id, text)


def _ambassador_result(
    t: Translator, give: bool, changed: bool, target: int, community: str
) -> str:
    user, community = t.isolate(str(target)), t.isolate(community)
    if give and changed:
        return t.gettext(
            "{user} is now an ambassador of {community}.", user=user, community=community
        )
    if give:
        return t.gettext(
            "{user} is already an ambassador of {community}.", user=user, community=community
        )
    if changed:
        return t.gettext(
            "{user} is no longer an ambassador of {community}.", user=user, community=community
        )
    return t.gettext(
        "{user} was not an ambassador of {community}.", user=user, community=community
    )


def _result(t: Translator, give: bool, changed: bool, target: int, community: str) -> str:
    user, community = t.isolate(str(target)), t.isolate(community)
    if give and changed:
        return t.gettext("{user} now organises {community}.", user=user, community=community)
    if give:
        return t.gettext("{user} already organises {community}.", user=user, community=community)
    if changed:
        return t.gettext("{user} no longer organises {community}.", user=user, community=community)
    return t.gettext("{user} did not organise {community}.", user=user, community=community)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("addorganiser", add))
    app.add_handler(CommandHandler("removeorganiser", remove))
    app.add_handler(CommandHandler("addambassador", add_ambassador))
    app.add_handler(CommandHandler("removeambassador", remove_ambassador))
    app.add_handler(CallbackQueryHandler(choose, pattern=rf"^{FLOW}:"))
