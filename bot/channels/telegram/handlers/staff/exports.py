"""/export: a coordinator picks a community, a meeting (or all) and a format, and gets the file.

Every tap is re-checked by the staff guard (coordinators only, private chats only, refusals
audited), then the community and the meeting's belonging to it. Exports in chat are always
pseudonymous; identifiable ones exist only on the command line (`samen export
--identifiable`), where the operator of the installation runs them.
"""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.channels.telegram import callbacks
from bot.channels.telegram.callbacks import ExportChoice
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons
from bot.channels.telegram.handlers.staff.guard import require_staff
from bot.channels.telegram.views import keyboards
from bot.db.models import Role
from bot.i18n import Translator
from bot.services import communities, exports
from bot.services.exports import ExportSpec

log = logging.getLogger(__name__)

MEETINGS_SHOWN = 8
# Up to this size the file is built in memory, beyond it in a temporary file.
IN_MEMORY = 4 * 1024 * 1024
FORMAT_LABELS = (("xlsx", "Excel (XLSX)"), ("csv", "CSV"), ("jsonl", "JSONL"))
# Names the background task that builds and sends one export (tests wait for it).
EXPORT_TASK = "samen.export"


async def start(update: Update, context: SamenContext) -> None:
    """Offer the communities the user coordinates (or go straight to the meetings of one)."""
    message = update.effective_message
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.COORDINATOR, action="export"
        )
    if access is None or message is None:
        return
    t = access.t
    if len(access.community_ids) == 1:
        text, markup = await _meetings_step(context, t, access.community_ids[0])
        await message.reply_text(text, reply_markup=markup)
        return
    async with context.work() as session:
        names = await exports.community_names(session, access.community_ids)
    buttons = [
        InlineKeyboardButton(name, callback_data=callbacks.export(community_id))
        for community_id, name in names
    ]
    await message.reply_text(
        t.gettext("Which community do you want to export?"),
        reply_markup=InlineKeyboardMarkup(keyboards.rows(buttons, 1)),
    )


async def choose(update: Update, context: SamenContext) -> None:
    """The next step of /export, or the export itself once the format is chosen."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    # The role is checked again on every tap: it may have been taken away since /export.
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.COORDINATOR, action="export"
        )
    if access is None:
        return
    t = access.t
    choice = callbacks.decode(query.data)
    if not isinstance(choice, ExportChoice) or choice.community_id not in access.community_ids:
        # Another community, a forged id: nothing is exported.
        await neutral(query, t)
        return
    if choice.meeting_id is not None:
        async with context.work() as session:
            meeting_ok = await exports.meeting_in_community(
                session, choice.meeting_id, choice.community_id
            )
        if not meeting_ok:
            await neutral(query, t)
            return
    await query.answer()
    if not choice.chosen_meetings:
        text, markup = await _meetings_step(context, t, choice.community_id)
    elif choice.format is None:
        text, markup = _formats_step(t, choice)
    else:
        await retire_buttons(query)
        # A task of its own: updates are handled one after another, and a large export takes
        # seconds; meanwhile the bot keeps answering everyone else (the export yields to them
        # between batches of rows).
        context.application.create_task(
            _send_export(context, t, access.user_id, chat.id, choice, choice.format),
            update=update,
            name=f"{EXPORT_TASK}:{access.user_id}",
        )
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except TelegramError:
        log.info("export step not shown as an edit", extra={"update_id": update.update_id})


async def _meetings_step(
    context: SamenContext, t: Translator, community_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    async with context.work() as session:
        community = await communities.get(session, community_id)
        meetings = await exports.recent_meetings(
            session, community_id, t.tag, limit=MEETINGS_SHOWN
        )
    name = community.name if community is not None else ""
    buttons = [
        InlineKeyboardButton(
            t.gettext("All meetings"), callback_data=callbacks.export(community_id, meetings=True)
        )
    ]
    buttons += [
        InlineKeyboardButton(
            f"{t.fmt_date(meeting.starts_at, 'short')} {meeting.title or ''}".strip(),
            callback_data=callbacks.export(community_id, meetings=True, meeting_id=meeting.id),
        )
        for meeting in meetings
    ]
    text = t.gettext("What do you want to export from {community}?", community=name)
    return text, InlineKeyboardMarkup(keyboards.rows(buttons, 1))


def _formats_step(t: Translator, choice: ExportChoice) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [
        InlineKeyboardButton(
            label,
            callback_data=callbacks.export(
                choice.community_id, meetings=True, meeting_id=choice.meeting_id, fmt=fmt
            ),
        )
        for fmt, label in FORMAT_LABELS
    ]
    text = t.gettext(
        "Which format? Excel has a sheet per meeting and a summary; CSV is one table that "
        "every spreadsheet opens; JSONL is for programs."
    )
    return text, InlineKeyboardMarkup(keyboards.rows(buttons, 3))


async def _send_export(
    context: SamenContext,
    t: Translator,
    user_id: int,
    chat_id: int,
    choice: ExportChoice,
    fmt: str,
) -> None:
    """Say it is coming, build the file (audited as this user's export), send it."""
    runtime = context.runtime
    await context.bot.send_message(chat_id, t.gettext("Preparing your export…"))
    now = runtime.clock()
    async with context.work() as session:
        community = await exports.community_info(session, choice.community_id)
    spec = ExportSpec(community_id=community.id, language=t.tag, meeting_id=choice.meeting_id)
    codes = await exports.member_codes(runtime.sessions, runtime.settings.export_secret, now=now)
    with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY) as buffer:
        result = await exports.export(
            runtime.sessions,
            spec,
            fmt,
            buffer,
            translator=runtime.catalogs.translator(t.tag, community.time_zone),
            codes=codes,
            now=now,
            actor_user_id=user_id,
            channel="chat",
        )
        buffer.seek(0)
        name = exports.file_name(community.code, choice.meeting_id, fmt, now)
        await context.bot.send_document(
            chat_id,
            # PTB reads the whole file for the upload anyway (bots may send up to 50 MB).
            InputFile(buffer.read(), filename=name),
            caption=_caption(t, result, community.name),
        )
    log.info("export sent: community %s, %s rows, %s", community.id, result.rows, fmt)


def _caption(t: Translator, result: exports.ExportResult, community: str) -> str:
    """The figures of the file, as the report counts them: answers, then stories apart."""
    told = result.told
    lines = [
        t.ngettext(
            "{count} answer from {community}.",
            "{count} answers from {community}.",
            told.answers,
            community=community,
        )
    ]
    if told.stories:
        lines.append(t.ngettext("{count} story.", "{count} stories.", told.stories))
    return "\n".join(lines)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("export", start, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(choose, pattern=r"^exp:"))
