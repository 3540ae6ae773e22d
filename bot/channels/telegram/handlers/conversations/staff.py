"""The organisers' inbox: /inbox, a thread with its buttons, answering a member (a message or
a saved reply), internal notes, and /signature (the name answers are signed with).

Every command and button passes the staff guard; every button is re-checked against the
organiser's communities and the conversation's version, so a stale one changes nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.conversations.members import incoming_of
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff, staff_member
from bot.channels.telegram.views import conversations as views
from bot.db.models import MessageKind, Role
from bot.services import conversations, dialogs, exports
from bot.services.conversations import Action, Outcome, replies
from bot.services.conversations.replies import ReplyResult, ReplyStatus
from bot.services.dialogs import Dialog

NOTE = "note"


async def _codes(context: SamenContext) -> exports.MemberCodes:
    runtime = context.runtime
    return await exports.member_codes(
        runtime.sessions, runtime.settings.export_secret, now=runtime.clock()
    )


async def show_inbox(update: Update, context: SamenContext) -> None:
    """List the open conversations of the organiser's communities, newest activity first."""
    message = update.effective_message
    access = await require_staff(update, context, role=Role.ORGANISER, action="inbox")
    if access is None or message is None:
        return
    runtime = context.runtime
    async with runtime.sessions() as session:
        entries = await conversations.inbox(session, access.community_ids)
        names = await conversations.display_names(
            session, {e.taken_by_user_id for e in entries if e.taken_by_user_id}
        )
    codes = await _codes(context)
    text, markup = views.inbox(
        access.t,
        entries,
        {e.member_id: codes.code(e.member_id) for e in entries},
        now=runtime.clock(),
        viewer=access.user_id,
        names=names,
    )
    await message.reply_text(text, reply_markup=markup)


async def set_signature(update: Update, context: SamenContext) -> None:
    """/signature NAME: sign answers "— NAME, community"; /signature alone: community only."""
    message = update.effective_message
    access = await require_staff(update, context, role=Role.ORGANISER, action="signature")
    if access is None or message is None:
        return
    t = access.t
    name = " ".join(context.args or [])
    try:
        async with context.runtime.sessions() as session:
            chosen = await conversations.set_display_name(session, access.user_id, name)
            await session.commit()
    except ValueError:
        await message.reply_text(t.gettext("A name can be at most 64 characters."))
        return
    if chosen is None:
        await message.reply_text(t.gettext("Your answers are signed with the community's name."))
    else:
        await message.reply_text(
            t.gettext(
                "Your answers are signed: {signature}", signature=views.signature(t, "…", chosen)
            )
        )


async def _send_thread(
    context: SamenContext, access: StaffAccess, conversation_id: int, *, with_media: bool
) -> bool:
    runtime = context.runtime
    async with runtime.sessions() as session:
        found = await conversations.thread(
            session, conversation_id, access.community_ids, now=runtime.clock()
        )
        names = await conversations.display_names(
            session, {found.taken_by_user_id} if found and found.taken_by_user_id else set()
        )
        await session.commit()
    if found is None:
        return False
    code = (await _codes(context)).code(found.member_id)
    t, chat = access.t, access.user_id
    await context.bot.send_message(
        chat,
        views.thread(t, found, code, viewer=access.user_id, names=names),
        reply_markup=views.thread_buttons(t, found),
    )
    if with_media:
        # Heard and seen in the chat: sent again by Telegram's file id, never downloaded.
        for item in views.media_of(found):
            caption = f"{code}: {item.text}" if item.text else code
            assert item.file_id is not None
            if item.kind is MessageKind.VOICE:
                await context.bot.send_voice(chat, item.file_id, caption=caption)
            elif item.kind is MessageKind.PHOTO:
                await context.bot.send_photo(chat, item.file_id, caption=caption)
            else:
                await context.bot.send_document(chat, item.file_id, caption=caption)
    return True


def _stale_text(access: StaffAccess) -> str:
    return access.t.gettext(
        "This conversation has changed (closed, taken by someone else or deleted). Nothing "
        "was sent. Send /inbox to see it as it is now."
    )


def _unreachable_text(access: StaffAccess) -> str:
    return access.t.gettext(
        "This member cannot get messages now: they blocked Samen, stopped messages or "
        "deleted their data. Nothing was sent, and nothing will be retried."
    )


async def on_button(update: Update, context: SamenContext) -> None:
    """Every inbox button: re-checked, then acted on."""
    query = update.callback_query
    if query is None:
        return
    access = await require_staff(update, context, role=Role.ORGANISER, action="inbox")
    if access is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.InboxAction):
        await query.answer(_stale_text(access), show_alert=True)
        return
    t, runtime = access.t, context.runtime
    cid, action = decoded.conversation_id, decoded.action
    now = runtime.clock()
    if action == "open":
        await query.answer()
        if not await _send_thread(context, access, cid, with_media=True):
            await context.bot.send_message(access.user_id, _stale_text(access))
        return
    if action in ("take", "close", "reopen"):
        async with runtime.sessions() as session:
            outcome = await conversations.act(
                session,
                cid,
                Action(action),
                actor_user_id=access.user_id,
                community_ids=access.community_ids,
                version=decoded.version,
                now=now,
            )
            await session.commit()
        if outcome is not Outcome.DONE:
            await query.answer(_stale_text(access), show_alert=True)
            return
        await query.answer(t.gettext("Done."))
        await _send_thread(context, access, cid, with_media=False)
        return
    organiser = await staff_member(context, update, access)
    if action == "cancel":
        async with runtime.sessions() as session:
            await replies.cancel(session, organiser, now=now)
            await session.commit()
        await query.answer(t.gettext("Nothing was sent."))
        return
    if action == "send":
        async with runtime.sessions() as session:
            dialog = await dialogs.get(session, organiser.id)
            result = ReplyResult(ReplyStatus.STALE, cid)
            if (
                dialog is not None
                and decoded.saved_reply_id is not None
                and int(dialog.data.get("conversation_id") or 0) == cid
            ):
                result = await replies.send_saved(
                    session,
                    organiser,
                    dialog,
                    decoded.saved_reply_id,
                    community_ids=access.community_ids,
                    now=now,
                )
            await session.commit()
        await query.answer()
        await _report(context, access, result)
        return
    # reply, saved, note: the organiser's next message (or a saved reply) is for this thread.
    async with runtime.sessions() as session:
        result = await replies.begin(
            session,
            organiser,
            cid,
            version=decoded.version,
            community_ids=access.community_ids,
            now=now,
        )
        saved: list[replies.Saved] = []
        if result.status is ReplyStatus.READY and action == NOTE:
            assert result.dialog is not None
            await dialogs.update(session, result.dialog, now=now, step=NOTE)
        elif action == "saved" and result.status is ReplyStatus.READY:
            found = await conversations.thread(
                session, cid, access.community_ids, now=now, mark_read=False
            )
            saved = await replies.saved_replies(session, found.community.id) if found else []
        await session.commit()
    if result.status is ReplyStatus.UNREACHABLE and action == NOTE:
        result = ReplyResult(ReplyStatus.READY, cid)  # a note needs no reachable member
        async with runtime.sessions() as session:
            await dialogs.set(
                session, organiser.id, replies.FLOW, NOTE, {"conversation_id": cid}, now=now
            )
            await session.commit()
    if result.status is ReplyStatus.STALE:
        await query.answer(_stale_text(access), show_alert=True)
        return
    if result.status is ReplyStatus.UNREACHABLE:
        await query.answer()
        await context.bot.send_message(access.user_id, _unreachable_text(access))
        return
    await query.answer()
    code = ""
    async with runtime.sessions() as session:
        found = await conversations.thread(
            session, cid, access.community_ids, now=now, mark_read=False
        )
    if found is not None:
        code = (await _codes(context)).code(found.member_id)
    version = result.dialog.version if result.dialog is not None else 1
    if action == NOTE:
        await context.bot.send_message(
            access.user_id,
            t.gettext("Write the internal note now. It is never sent to the member."),
            reply_markup=views.cancel_button(t, cid, version),
        )
        return
    if action == "saved":
        text, markup = views.saved_buttons(t, cid, version, saved, result.locale)
        await context.bot.send_message(access.user_id, text, reply_markup=markup)
        return
    await context.bot.send_message(
        access.user_id,
        views.reply_prompt(t, code, result.locale),
        reply_markup=views.cancel_button(t, cid, version),
    )


async def _report(context: SamenContext, access: StaffAccess, result: ReplyResult) -> None:
    t = access.t
    if result.status is ReplyStatus.QUEUED:
        text = t.gettext(
            "Your answer is on its way in {language}. Open the conversation to see whether it "
            "was delivered.",
            language=views.language_name(result.locale),
        )
        if result.text:
            text += "\n\n" + result.text
    elif result.status is ReplyStatus.DUPLICATE:
        text = t.gettext("This answer was already sent.")
    elif result.status is ReplyStatus.UNREACHABLE:
        text = _unreachable_text(access)
    elif result.status is ReplyStatus.UNSUPPORTED:
        text = t.gettext(
            "I can send a text, a voice message or a photo. Please send one of those."
        )
    else:
        text = _stale_text(access)
    await context.bot.send_message(access.user_id, text)


async def on_message(update: Update, context: SamenContext, dialog: Dialog) -> None:
    """The organiser's message after Reply (to the member) or Internal note (kept here)."""
    message = update.effective_message
    if message is None:
        return
    access = await require_staff(update, context, role=Role.ORGANISER, action="inbox")
    if access is None:
        return
    runtime, t = context.runtime, access.t
    now = runtime.clock()
    organiser = await staff_member(context, update, access)
    incoming = incoming_of(message)
    cid = int(dialog.data.get("conversation_id") or 0)
    if dialog.step == NOTE:
        if incoming.kind is not MessageKind.TEXT or not incoming.text:
            await message.reply_text(t.gettext("An internal note is a text. Please write it."))
            return
        async with runtime.sessions() as session:
            outcome = await conversations.add_note(
                session,
                cid,
                incoming.text,
                actor_user_id=access.user_id,
                community_ids=access.community_ids,
                now=now,
            )
            await dialogs.clear(session, organiser.id, now=now)
            await session.commit()
        if outcome is Outcome.DONE:
            await message.reply_text(
                t.gettext("The note is kept. It is never sent to the member.")
            )
        else:
            await message.reply_text(_stale_text(access))
        return
    async with runtime.sessions() as session:
        result = await replies.send(
            session,
            organiser,
            dialog,
            incoming,
            source_id=f"msg-{message.message_id}",
            community_ids=access.community_ids,
            now=now,
        )
        await session.commit()
    await _report(
        context,
        access,
        ReplyResult(
            result.status, result.conversation_id, result.reason, result.dialog, result.locale
        ),
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("inbox", show_inbox, filters=filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("signature", set_signature, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^inb:"))
