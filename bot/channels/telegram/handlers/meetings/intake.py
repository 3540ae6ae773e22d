"""/input and the walk through a meeting's (or a check-in's) questions.

Each answer is saved as it is given; Skip, Back and Continue later are buttons under every
question; a wrong kind of answer gets a translated re-prompt that says what is expected.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import (
    PRIVATE_MESSAGES,
    neutral,
    require_consent,
    retire_buttons,
    step_choice,
    voice_seconds,
)
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import QuestionStage
from bot.i18n import Translator
from bot.services import checkins, intake, meetings, members
from bot.services.dialogs import Dialog
from bot.services.intake import Closed, Finished, Outcome, Paused, Refused, Step
from bot.services.intake.questions import Given
from bot.services.members import privacy

if TYPE_CHECKING:
    from bot.db.models import Member


async def command(update: Update, context: SamenContext) -> None:
    """Give input for an upcoming meeting: straight in when there is one, else choose."""
    message, member, t = update.effective_message, context.member, context.t
    if message is None:
        return
    if member is None or not members.consent_is_current(member, privacy.current_notice_version()):
        await require_consent(update, context, member)
        return
    now = context.runtime.clock()
    asking: Outcome | None = None
    async with context.work() as session:
        member = context.member
        assert member is not None
        open_meetings = await intake.open_runs(session, member, now=now)
        titles = [
            await meetings.text_in(session, m, member.locale, reads=member.reads_locales)
            for m in open_meetings
        ]
        if len(open_meetings) == 1:
            asking = await intake.begin(session, member, meeting_id=open_meetings[0].id, now=now)
    if asking is not None:
        await show(context, message.chat_id, t, asking)
        return
    if not open_meetings:
        await message.reply_text(
            t.gettext("There are no meetings waiting for your input right now.")
        )
        return
    buttons = [
        [
            InlineKeyboardButton(
                f"{text.title} · {t.fmt_date(meeting.starts_at, 'medium')}",
                callback_data=callbacks.meeting(meeting.id, "input"),
            )
        ]
        for meeting, text in zip(open_meetings, titles, strict=True)
    ]
    await message.reply_text(
        t.gettext("Which meeting do you want to give input for?"),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def begin(
    context: SamenContext,
    chat_id: int,
    *,
    meeting_id: int | None = None,
    checkin_id: int | None = None,
    lead: str | None = None,
) -> None:
    """Start or continue an input run and ask its current question (check-ins use this too)."""
    async with context.work() as session:
        assert context.member is not None
        outcome = await intake.begin(
            session,
            context.member,
            meeting_id=meeting_id,
            checkin_id=checkin_id,
            now=context.runtime.clock(),
        )
    await show(context, chat_id, context.t, outcome, lead=lead)


async def show(
    context: SamenContext, chat_id: int, t: Translator, outcome: Outcome, lead: str | None = None
) -> None:
    """Tell the member where the walk stands: the next question, a re-prompt, or the end."""
    match outcome:
        case Step():
            await context.bot.send_message(
                chat_id,
                meeting_views.question_text(t, outcome, lead=lead),
                reply_markup=meeting_views.question_keyboard(t, outcome),
            )
        case Refused(step=step, problem=problem, required=required):
            await context.bot.send_message(
                chat_id,
                meeting_views.question_text(
                    t,
                    step,
                    lead=meeting_views.problem_text(
                        t, problem, required=required, scale=step.question.scale
                    ),
                ),
                reply_markup=meeting_views.question_keyboard(t, step),
            )
        case Finished():
            await context.bot.send_message(
                chat_id,
                t.gettext(
                    "Thank you! Your answers are saved. You can change them with /input "
                    "until input closes."
                )
                if outcome.stage == QuestionStage.BEFORE
                else t.gettext("Thank you for your answers!"),
            )
        case Paused(answered=answered, total=total):
            await context.bot.send_message(
                chat_id,
                # The noun belongs to the total ("1 of 5 questions"): it chooses the form.
                t.ngettext(
                    "Saved: {answered} of {count} question answered. "
                    "Send /input to continue later.",
                    "Saved: {answered} of {count} questions answered. "
                    "Send /input to continue later.",
                    total,
                    answered=t.fmt_number(answered),
                ),
            )
        case Closed(reason=reason):
            await context.bot.send_message(chat_id, meeting_views.closed_text(t, reason))


async def on_button(update: Update, context: SamenContext) -> None:
    """A button under a question: an option, a scale value, Done, Skip, Back or Later."""
    query, t = update.callback_query, context.t
    if query is None:
        return
    outcome: Outcome | None = None
    found = step_choice(context, query.data, intake.FLOW)
    if found is not None:
        _member, dialog, choice = found
        async with context.work() as session:
            assert context.member is not None
            outcome = await _choose(
                session, context.member, dialog, choice, context.runtime.clock()
            )
    if outcome is None:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    await show(context, query.from_user.id, t, outcome)


async def _choose(
    session: AsyncSession, member: Member, dialog: Dialog, choice: str, now: datetime
) -> Outcome | None:
    """The button's choice id, turned into a step of the walk; None for anything forged."""
    number = choice[1:] if choice[1:].isdigit() and len(choice) < 6 else None
    match choice[:1], number:
        case "o", str(n):
            return await intake.answer(session, member, dialog, Given(choice=int(n)), now=now)
        case "s", str(n):
            return await intake.answer(session, member, dialog, Given(choice=int(n)), now=now)
        case "t", str(n):
            return await intake.toggle(session, member, dialog, int(n), now=now)
    match choice:
        case "y" | "n":
            return await intake.answer(session, member, dialog, Given(yes=choice == "y"), now=now)
        case "done":
            picked = tuple(dialog.data.get("picked") or ())
            return await intake.answer(session, member, dialog, Given(choices=picked), now=now)
        case "skip":
            return await intake.skip(session, member, dialog, now=now)
        case "back":
            return await intake.back(session, member, dialog, now=now)
        case "later":
            return await intake.later(session, member, dialog, now=now)
    return None


async def on_message(update: Update, context: SamenContext) -> None:
    """A typed answer or a voice note for the current question."""
    message, dialog, t = update.effective_message, context.dialog, context.t
    assert message is not None
    assert dialog is not None
    given = Given(
        text=message.text,
        voice_file_id=message.voice.file_id if message.voice else None,
        voice_duration=voice_seconds(message.voice) if message.voice else None,
    )
    async with context.work() as session:
        member = context.member
        assert member is not None
        if given.text is None and given.voice_file_id is None:
            # A sticker, photo or location: not an answer to anything.
            resumed = await intake.resume(session, member, dialog)
            outcome: Outcome = (
                Refused(resumed, problem=None) if isinstance(resumed, Step) else resumed
            )
        else:
            outcome = await intake.answer(
                session, member, dialog, given, now=context.runtime.clock()
            )
    if isinstance(outcome, Refused) and outcome.problem is None:
        await show(
            context,
            message.chat_id,
            t,
            outcome.step,
            lead=t.gettext("Please answer with a message, a voice message or the buttons."),
        )
        return
    await show(context, message.chat_id, t, outcome)


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("input", command, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{intake.FLOW}:"))
    app.add_handler(CallbackQueryHandler(on_checkin, pattern=r"^chk:"))
    router.register(intake.FLOW, on_message, needs_consent=True)


async def on_checkin(update: Update, context: SamenContext) -> None:
    """ "Answer the questions" under a follow-up or long-term check-in."""
    query, member, t = update.callback_query, context.member, context.t
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    if member is None or not isinstance(decoded, callbacks.CheckInAnswer):
        await neutral(query, t)
        return
    consented = members.consent_is_current(member, privacy.current_notice_version())
    asking = None
    async with context.work() as session:
        member = context.member
        assert member is not None
        row = await checkins.questions_for(
            session, decoded.checkin_id, member, context.runtime.catalogs
        )
        if row is not None and consented:
            asking = await intake.begin(
                session, member, checkin_id=row.id, now=context.runtime.clock()
            )
    if row is None:
        await neutral(query, t)
        return
    await query.answer()
    if asking is None:
        await require_consent(update, context, member)
        return
    await show(context, query.from_user.id, t, asking)
