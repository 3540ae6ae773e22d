"""/checkins: organisers see and change their community's check-in schedule."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons, step_choice
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.db.models import CheckInState, Role
from bot.i18n import N_
from bot.services import communities, dialogs
from bot.services.checkins import firing as checkin_firing
from bot.services.checkins import schedules as checkin_schedules
from bot.services.checkins.schedules import ScheduleError
from bot.services.dialogs import Dialog

FLOW = checkin_schedules.FLOW
SHOW, EDIT = "show", "edit"

LABELS = {
    "reminders": N_("Reminders before a meeting: {value}"),
    "followup": N_("Follow-up after a meeting (days later, time): {value}"),
    "longterm": N_("Long-term check-ins (months after someone last came): {value}"),
    "reengage": N_("A friendly message after this many days without contact: {value}"),
    "quiet": N_("Quiet hours: {value}"),
    "programme_end": N_("End of the programme: {value}"),
}
BUTTONS = {
    "reminders": N_("Change the reminders"),
    "followup": N_("Change the follow-up"),
    "longterm": N_("Change the long-term check-ins"),
    "reengage": N_("Change the days without contact"),
    "quiet": N_("Change the quiet hours"),
    "programme_end": N_("Change the end of the programme"),
}
EXAMPLES = {
    "reminders": "1d, 2h",
    "followup": "1 10:00",
    "longterm": "1, 3, 6",
    "reengage": "60",
    "quiet": "21:00-09:00",
    "programme_end": "2027-06-30",
}


async def command(update: Update, context: SamenContext) -> None:
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="checkins"
        )
    if access is None:
        return
    member = access.member
    runtime = context.runtime
    async with context.work() as session:
        first = access.community_ids[0]
        dialog = await dialogs.set(
            session, member.id, FLOW, SHOW, {"community": first}, now=runtime.clock()
        )
    await show(context, access, dialog)


async def show(
    context: SamenContext, access: StaffAccess, dialog: Dialog, lead: str | None = None
) -> None:
    t = access.t
    community_id = int(dialog.data["community"])
    async with context.work() as session:
        community = await communities.get(session, community_id)
        schedule = await checkin_schedules.get(session, community_id)
        counted = await checkin_firing.counts(session, community_id)
        others = [
            await communities.get(session, cid)
            for cid in access.community_ids
            if cid != community_id
        ]
    described = checkin_schedules.describe(schedule)
    lines = [
        t.gettext("Check-ins for {community}:", community=community.name if community else "")
    ]
    lines += [t.gettext(LABELS[field], value=value) for field, value in described.items()]

    def total(state: CheckInState) -> str:
        return t.fmt_number(sum(n for (_kind, s), n in counted.items() if s == state))

    lines += [
        "",
        t.gettext(
            # QUEUED means handed to the outbox, not delivered: the outbox knows the rest.
            "Waiting: {pending} · handed to the outbox: {queued} · skipped: {skipped} · "
            "cancelled: {cancelled}",
            pending=total(CheckInState.PENDING),
            queued=total(CheckInState.QUEUED),
            skipped=total(CheckInState.SKIPPED),
            cancelled=total(CheckInState.CANCELLED),
        ),
    ]
    if lead:
        lines.insert(0, lead + "\n")

    def button(label: str, choice: str) -> InlineKeyboardButton:
        data = callbacks.step(FLOW, dialog.version, choice)
        return InlineKeyboardButton(label, callback_data=data)

    rows = [[button(t.gettext(BUTTONS[field]), f"f{i}")] for i, field in enumerate(BUTTONS)]
    # Organisers of several communities switch between them here.
    rows += [
        [button(c.name, f"c{c.id}")] for c in others if c is not None and c.id != community_id
    ]
    await context.bot.send_message(
        access.user_id, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows)
    )


async def on_button(update: Update, context: SamenContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="checkins"
        )
    if access is None:
        return
    runtime = context.runtime
    fields = list(BUTTONS)
    dialog = None
    async with context.work() as session:
        found = step_choice(context, query.data, FLOW)
        choice = found[2] if found is not None else ""
        number = choice[1:]
        valid = (
            found is not None
            and number.isdigit()
            and len(number) < 19
            and (
                (choice[0] == "f" and int(number) < len(fields))
                or (choice[0] == "c" and int(number) in access.community_ids)
            )
        )
        if found is not None and valid:
            now = runtime.clock()
            if choice[0] == "f":
                dialog = await dialogs.update(
                    session, found[1], now=now, step=EDIT, field=fields[int(number)]
                )
            else:
                dialog = await dialogs.update(
                    session, found[1], now=now, step=SHOW, community=int(number)
                )
    if not valid or dialog is None:
        await neutral(query, access.t)
        return
    await query.answer()
    await retire_buttons(query)
    if dialog.step == SHOW:
        await show(context, access, dialog)
        return
    await ask_value(context, access, dialog)


async def ask_value(
    context: SamenContext, access: StaffAccess, dialog: Dialog, lead: str | None = None
) -> None:
    t = access.t
    name = str(dialog.data["field"])
    text = t.gettext(
        "Type the new value, for example {example}.", example=t.isolate(EXAMPLES[name])
    )
    if lead:
        text = f"{lead}\n\n{text}"
    await context.bot.send_message(access.user_id, text)


async def on_message(update: Update, context: SamenContext) -> None:
    dialog = context.dialog
    assert dialog is not None
    message = update.effective_message
    assert message is not None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="checkins"
        )
    if access is None:
        return
    community_id = int(dialog.data.get("community", 0))
    if dialog.step != EDIT or community_id not in access.community_ids:
        await message.reply_text(access.t.gettext("Please answer with the buttons."))
        return
    runtime = context.runtime
    name = str(dialog.data["field"])
    async with context.work() as session:
        schedule = await checkin_schedules.get(session, community_id)
        try:
            changed = checkin_schedules.change(schedule, name, message.text or "")
        except ScheduleError:
            lead = access.t.gettext("That does not fit this setting.")
            await ask_value(context, access, dialog, lead=lead)
            return
        await checkin_schedules.save(
            session, community_id, changed, now=runtime.clock(), actor_user_id=access.user_id
        )
        dialog = await dialogs.update(session, dialog, now=runtime.clock(), step=SHOW)
    await show(context, access, dialog, lead=access.t.gettext("Saved."))


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("checkins", command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{FLOW}:"))
    router.register(FLOW, on_message, needs_consent=False)
