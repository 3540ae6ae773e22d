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
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import QuestionStage
from bot.i18n import Translator
from bot.services import checkins, communities, intake, meetings, members
from bot.services.dialogs import Dialog
from bot.services.intake import Closed, Finished, Outcome, Paused, Refused, Step
from bot.services.intake.questions import Given
from bot.services.members import privacy

if TYPE_CHECKING:
    from bot.db.models import Member


async def command(update: Update, context: SamenContext) -> None:
    """Give input for an upcoming meeting: straight in when there is one, else choose."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    async with runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, user.id)
        consented = members.consent_is_current(member, privacy.current_notice_version())
        open_meetings = (
            await intake.open_runs(session, member, now=runtime.clock())
            if member is not None and consented
            else []
        )
        titles = []
        for meeting in open_meetings:
            community = await communities.get(session, meeting.community_id)
            locale = community.default_locale if community else meeting.source_locale
            titles.append(meetings.text_for(meeting, member.locale if member else None, locale))
    if member is None or not consented:
        await require_consent(update, context, member)
        return
    t = context.translator(update, member)
    if not open_meetings:
        await message.reply_text(
            t.gettext("There are no meetings waiting for your input right now.")
        )
        return
    if len(open_meetings) == 1:
        await begin(context, user.id, member, t, meeting_id=open_meetings[0].id)
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
    member: Member,
    t: Translator,
    *,
    meeting_id: int | None = None,
    stage: QuestionStage = QuestionStage.BEFORE,
    checkin_id: int | None = None,
    lead: str | None = None,
) -> None:
    """Start or continue an input run and ask its current question (check-ins use this too)."""
    runtime = context.runtime
    async with runtime.sessions() as session:
        fresh = await members.get(session, member.id)
        if fresh is None:
            return
        outcome = await intake.begin(
            session,
            fresh,
            meeting_id=meeting_id,
            stage=stage,
            checkin_id=checkin_id,
            now=runtime.clock(),
        )
        await session.commit()
    await show(context, chat_id, t, outcome, lead=lead)


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
                    t, step, lead=meeting_views.problem_text(t, problem, required=required)
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
                t.ngettext(
                    "Saved: {count} of {total} question answered. Send /input to continue later.",
                    "Saved: {count} of {total} questions answered. Send /input to continue later.",
                    answered,
                    count=t.fmt_number(answered),
                    total=t.fmt_number(total),
                ),
            )
        case Closed(reason=reason):
            await context.bot.send_message(chat_id, meeting_views.closed_text(t, reason))


async def on_button(update: Update, context: SamenContext) -> None:
    """A button under a question: an option, a scale value, Done, Skip, Back or Later."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    runtime = context.runtime
    outcome: Outcome | None = None
    member = None
    async with runtime.sessions() as session:
        found = await step_choice(session, user.id, query.data, intake.FLOW)
        if found is not None:
            member, dialog, choice = found
            outcome = await _choose(session, member, dialog, choice, runtime.clock())
            await session.commit()
    t = (
        await context.member_translator(update)
        if member is None
        else context.translator(update, member)
    )
    if outcome is None:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    await show(context, user.id, t, outcome)


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


async def on_message(
    update: Update, context: SamenContext, member: Member, dialog: Dialog, t: Translator
) -> None:
    """A typed answer or a voice note for the current question."""
    message = update.effective_message
    assert message is not None
    given = Given(
        text=message.text,
        voice_file_id=message.voice.file_id if message.voice else None,
        voice_duration=voice_seconds(message.voice) if message.voice else None,
    )
    runtime = context.runtime
    async with runtime.sessions() as session:
        fresh = await members.get(session, member.id)
        if fresh is None:
            return
        if given.text is None and given.voice_file_id is None:
            # A sticker, photo or location: not an answer to anything.
            resumed = await intake.resume(session, fresh, dialog)
            outcome: Outcome = (
                Refused(resumed, problem=None) if isinstance(resumed, Step) else resumed
            )
        else:
            outcome = await intake.answer(session, fresh, dialog, given, now=runtime.clock())
        await session.commit()
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


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("input", command, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{intake.FLOW}:"))
    app.add_handler(CallbackQueryHandler(on_checkin, pattern=r"^chk:"))


async def on_checkin(update: Update, context: SamenContext) -> None:
    """ "Answer the questions" under a follow-up or long-term check-in."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    runtime = context.runtime
    row = None
    async with runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, user.id)
        if member is not None and isinstance(decoded, callbacks.CheckInAnswer):
            row = await checkins.questions_for(
                session, decoded.checkin_id, member, runtime.catalogs
            )
            await session.commit()
    t = context.translator(update, member)
    if member is None or row is None:
        await neutral(query, t)
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await query.answer()
        await require_consent(update, context, member)
        return
    await query.answer()
    await begin(context, user.id, member, t, checkin_id=row.id)
