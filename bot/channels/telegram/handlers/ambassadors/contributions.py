"""/contribute (an ambassador reports an activity, step by step) and /contributions (anyone's
own log). Every /contribute button and message goes through the staff guard with the
ambassador role: someone who is not (or no longer) an ambassador is refused and audited."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import (
    PRIVATE_MESSAGES,
    neutral,
    require_consent,
    retire_buttons,
    step_choice,
)
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import contributions as views
from bot.db.models import Role
from bot.services import communities, contributions, dialogs, exports, members
from bot.services.contributions import activities
from bot.services.dialogs import Dialog
from bot.services.members import privacy

if TYPE_CHECKING:
    # Types only: handlers hand the unit of work's session to services, never query it.
    from sqlalchemy.ext.asyncio import AsyncSession

FLOW = activities.FLOW
ACTION = "contribute"


async def _code(context: SamenContext) -> str:
    """The pseudonymous code organisers see on the report, as in the inbox.

    Read (or made once) in its own short transaction *before* the journey's unit of work
    (making the key inside it would wait for our own write lock on SQLite), and only for
    someone already at the last steps of a report, whom the guard let in before."""
    member, dialog = context.member, context.dialog
    if member is None or dialog is None or dialog.flow != FLOW:
        return ""
    if dialog.step not in (activities.LENGTH, activities.CHECK):
        return ""
    runtime = context.runtime
    codes = await exports.member_codes(
        runtime.sessions, runtime.settings.export_secret, now=runtime.clock()
    )
    return codes.code(member.id)


async def _ask(context: SamenContext, access: StaffAccess, dialog: Dialog, lead: str = "") -> None:
    """The prompt of the step the dialogue is at."""
    t, chat = access.t, access.user_id
    markup = None
    if dialog.step == activities.WHAT:
        text = views.what_prompt(t)
    elif dialog.step == activities.DAY:
        text, markup = views.day_prompt(t, dialog)
    elif dialog.step == activities.START:
        text = views.start_prompt(t)
    elif dialog.step == activities.LENGTH:
        text, markup = views.length_prompt(t, dialog)
    else:
        text = t.gettext("Please answer with the buttons.")
    await context.bot.send_message(
        chat, f"{lead}\n\n{text}" if lead else text, reply_markup=markup
    )


async def contribute(update: Update, context: SamenContext) -> None:
    """Start a report (ambassadors only; after consent, as it is about the person)."""
    if not members.consent_is_current(context.member, privacy.current_notice_version()):
        await require_consent(update, context, context.member)
        return
    now = context.runtime.clock()
    async with context.work() as session:
        access = await require_staff(update, context, session, role=Role.AMBASSADOR, action=ACTION)
        if access is None:
            return
        dialog, found = await activities.begin(
            session, access.member, access.community_ids, now=now
        )
    if dialog.step == activities.COMMUNITY:
        await context.bot.send_message(
            access.user_id,
            access.t.gettext("For which community?"),
            reply_markup=views.communities_keyboard(dialog, found),
        )
        return
    await _ask(context, access, dialog)


async def on_pick(update: Update, context: SamenContext) -> None:
    """A button of /contribute: community, day, length, or the answer to the check."""
    query = update.callback_query
    if query is None:
        return
    now = context.runtime.clock()
    code = await _code(context)
    reply = None
    async with context.work() as session:
        access = await require_staff(update, context, session, role=Role.AMBASSADOR, action=ACTION)
        if access is None:
            return
        found = step_choice(context, query.data, FLOW)
        dialog = None
        if found is not None:
            _member, dialog, choice = found
            dialog, reply = await _choose(session, access, dialog, choice, code, now)
    if found is None or (dialog is None and reply is None):
        await neutral(query, access.t)
        return
    await query.answer()
    await retire_buttons(query)
    if reply is not None:
        await context.bot.send_message(access.user_id, reply[0], reply_markup=reply[1])
    elif dialog is not None:
        await _ask(context, access, dialog)


async def _choose(
    session: AsyncSession,
    access: StaffAccess,
    dialog: Dialog,
    choice: str,
    code: str,
    now: datetime,
) -> tuple[Dialog | None, tuple[str, Any] | None]:
    """The next dialogue step, or a reply that ends (or questions) the report."""
    t = access.t
    member = access.member
    if dialog.step == activities.COMMUNITY and choice[1:].isdigit():
        chosen = await activities.choose_community(
            session, dialog, int(choice[1:]), access.community_ids, now=now
        )
        return chosen, None
    if dialog.step == activities.DAY and choice in ("d0", "d1"):
        zone = await activities.zone_of(session, dialog, member)
        today = now.astimezone(zone).date()
        day = activities.earlier(today, int(choice[1]))
        moved = await dialogs.update(
            session, dialog, now=now, step=activities.START, day=day.isoformat()
        )
        return moved, None
    if dialog.step == activities.LENGTH and choice[1:].isdigit():
        minutes = int(choice[1:])
        if minutes not in activities.LENGTHS:
            return None, None
        return None, await _finish(session, access, dialog, minutes, code, now)
    if dialog.step == activities.CHECK and choice == "keep":
        row = await activities.keep(session, dialog, member, code=code, now=now)
        community = await communities.get(session, row.community_id)
        return None, (views.kept_text(t, community.name if community else ""), None)
    if dialog.step == activities.CHECK and choice == "again":
        moved = await dialogs.update(session, dialog, now=now, step=activities.DAY)
        return moved, None
    if dialog.step == activities.CHECK and choice == "stop":
        await dialogs.clear(session, member.id, now=now)
        return None, (views.cancelled_text(t), None)
    return None, None


async def _finish(
    session: AsyncSession,
    access: StaffAccess,
    dialog: Dialog,
    minutes: int,
    code: str,
    now: datetime,
) -> tuple[str, Any]:
    ready = await activities.with_length(
        session, dialog, access.member, minutes, code=code, now=now
    )
    if ready.problems:
        assert ready.dialog is not None
        return views.check_prompt(access.t, ready.dialog, ready.problems)
    assert ready.kept is not None
    community = await communities.get(session, ready.kept.community_id)
    return views.kept_text(access.t, community.name if community else ""), None


async def on_message(update: Update, context: SamenContext) -> None:
    """A typed answer to the current /contribute step; anything unclear is asked again."""
    message = update.effective_message
    assert message is not None
    now = context.runtime.clock()
    text = message.text or ""
    reply: tuple[str, Any] | None = None
    code = await _code(context)
    async with context.work() as session:
        access = await require_staff(update, context, session, role=Role.AMBASSADOR, action=ACTION)
        if access is None:
            return
        t, member = access.t, access.member
        dialog = context.dialog
        assert dialog is not None
        lead = ""
        if dialog.step == activities.WHAT:
            what = activities.clean_what(text)
            if what is None:
                lead = t.ngettext(
                    "Please describe it in words, in at most {count} character.",
                    "Please describe it in words, in at most {count} characters.",
                    activities.MAX_WHAT,
                )
            else:
                dialog = await dialogs.update(
                    session, dialog, now=now, step=activities.DAY, what=what
                )
        elif dialog.step == activities.DAY:
            zone = await activities.zone_of(session, dialog, member)
            day = activities.parse_day(text, now.astimezone(zone).date())
            if day is None:
                lead = t.gettext("I did not understand that date.")
            else:
                dialog = await dialogs.update(
                    session, dialog, now=now, step=activities.START, day=day.isoformat()
                )
        elif dialog.step == activities.START:
            start = activities.parse_time(text)
            if start is None:
                lead = t.gettext("I did not understand that time.")
            else:
                dialog = await dialogs.update(
                    session, dialog, now=now, step=activities.LENGTH, start=f"{start:%H:%M}"
                )
        elif dialog.step == activities.LENGTH:
            minutes = activities.parse_minutes(text)
            if minutes is None:
                lead = t.gettext("I did not understand how long it took.")
            else:
                reply = await _finish(session, access, dialog, minutes, code, now)
        else:
            lead = t.gettext("Please answer with the buttons.")
            reply = (lead, None)
    if reply is not None:
        await context.bot.send_message(access.user_id, reply[0], reply_markup=reply[1])
        return
    await _ask(context, access, dialog, lead)


async def show_log(update: Update, context: SamenContext) -> None:
    """The person's own contributions, newest first (nothing is stored by reading)."""
    message, member = update.effective_message, context.member
    if message is None:
        return
    t = context.t
    rows: list[Any] = []
    if member is not None:
        async with context.work() as session:
            rows = list(await contributions.of_member(session, member.id))
    await message.reply_text(views.log_text(t, rows))


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("contribute", contribute, filters=PRIVATE_MESSAGES))
    app.add_handler(CommandHandler("contributions", show_log, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_pick, pattern=rf"^{FLOW}:"))
    router.register(FLOW, on_message, needs_consent=True)
