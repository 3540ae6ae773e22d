"""The organisers' inbox: /inbox, a thread with its buttons, answering a member (a message or
a saved reply), internal notes, and /signature (the name answers are signed with).

Every command and button passes the staff guard inside the journey's one unit of work; every
button is re-checked against the organiser's communities and the conversation's version, so a
stale one changes nothing. What the organiser sees is sent after the unit has committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.conversations.members import incoming_of
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import conversations as views
from bot.channels.telegram.views import hosts as host_views
from bot.db.models import MessageKind, Role
from bot.services import audit, conversations, dialogs, exports
from bot.services.conversations import Action, Outcome, Thread, replies
from bot.services.conversations.replies import ReplyResult, ReplyStatus
from bot.services.meetings import hosts

if TYPE_CHECKING:
    # Types only: the unit of work's session is handed to services, never queried here.
    from sqlalchemy.ext.asyncio import AsyncSession

NOTE = "note"
# What an ambassador may do in a conversation an organiser handed to them: read and answer.
HANDED_ACTIONS = frozenset({"open", "reply", "saved", "send", "cancel"})
# Buttons that put the organiser in the reply dialogue (their next message is for the thread).
BEGINS = ("reply", "saved", NOTE)


async def _codes(context: SamenContext) -> exports.MemberCodes:
    # The installation's key for pseudonymous codes: read (or made once) in its own short
    # transaction, after the journey's unit, and only for someone the guard let in.
    runtime = context.runtime
    return await exports.member_codes(
        runtime.sessions, runtime.settings.export_secret, now=runtime.clock()
    )


async def show_inbox(update: Update, context: SamenContext) -> None:
    """List the open conversations of the organiser's communities, newest activity first."""
    message = update.effective_message
    entries: list[conversations.InboxEntry] = []
    names: dict[int, str | None] = {}
    async with context.work() as session:
        access = await require_staff(update, context, session, role=Role.ORGANISER, action="inbox")
        if access is not None:
            entries = await conversations.inbox(session, access.community_ids)
            names = await conversations.display_names(
                session, {e.taken_by_user_id for e in entries if e.taken_by_user_id}
            )
    if access is None or message is None:
        return
    codes = await _codes(context)
    text, markup = views.inbox(
        access.t,
        entries,
        {e.member_id: codes.code(e.member_id) for e in entries},
        now=context.runtime.clock(),
        viewer=access.user_id,
        names=names,
    )
    await message.reply_text(text, reply_markup=markup)


async def set_signature(update: Update, context: SamenContext) -> None:
    """/signature NAME: sign answers "— NAME, community"; /signature alone: community only."""
    message = update.effective_message
    name = " ".join(context.args or [])
    too_long = False
    chosen: str | None = None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="signature"
        )
        if access is not None:
            try:
                chosen = await conversations.set_display_name(session, access.user_id, name)
            except ValueError:
                too_long = True  # checked before anything changed
    if access is None or message is None:
        return
    t = access.t
    if too_long:
        await message.reply_text(t.gettext("A name can be at most 64 characters."))
    elif chosen is None:
        await message.reply_text(t.gettext("Your answers are signed with the community's name."))
    else:
        await message.reply_text(
            t.gettext(
                "Your answers are signed: {signature}", signature=views.signature(t, "…", chosen)
            )
        )


async def _thread_and_names(
    session: AsyncSession,
    access: StaffAccess,
    conversation_id: int,
    *,
    now: datetime,
    mark_read: bool,
) -> tuple[Thread | None, dict[int, str | None]]:
    found = await conversations.thread(
        session, conversation_id, access.community_ids, now=now, mark_read=mark_read
    )
    names = await conversations.display_names(
        session, {found.taken_by_user_id} if found and found.taken_by_user_id else set()
    )
    return found, names


async def _send_thread(
    context: SamenContext,
    access: StaffAccess,
    found: Thread,
    names: dict[int, str | None],
    *,
    with_media: bool,
) -> None:
    code = (await _codes(context)).code(found.member_id)
    t, chat = access.t, access.user_id
    handed = found.community.id in access.also_ids
    await context.bot.send_message(
        chat,
        views.thread(t, found, code, viewer=access.user_id, names=names),
        reply_markup=views.thread_buttons(t, found, handed=handed),
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


@dataclass
class _Tapped:
    """What a button did in the unit of work, to be shown once it has committed."""

    done: bool = True
    found: Thread | None = None
    names: dict[int, str | None] = field(default_factory=dict)
    result: ReplyResult | None = None
    saved: list[replies.Saved] = field(default_factory=list)
    ambassadors: list[int] = field(default_factory=list)  # member ids, for Hand


async def with_handed(
    session: AsyncSession,
    context: SamenContext,
    access: StaffAccess,
    conversation_id: int,
    action: str,
) -> StaffAccess | None:
    """Organisers as before; an ambassador only in a conversation handed to them (taken by
    them, the role still held) and only to read and answer. Anything else is refused and
    audited; None then."""
    if action in HANDED_ACTIONS and access.also_ids:
        handed = await conversations.handed_scope(
            session, conversation_id, access.user_id, access.also_ids
        )
        if handed:
            return replace(access, community_ids=access.community_ids + handed)
    if access.community_ids:
        return access
    await audit.record(
        session,
        "staff.refused",
        now=context.runtime.clock(),
        actor_user_id=access.user_id,
        target=f"conversation:{conversation_id}",
        details={"command": "inbox", "reason": "not_handed"},
    )
    return None


async def _tap(
    session: AsyncSession,
    context: SamenContext,
    access: StaffAccess,
    decoded: callbacks.InboxAction,
) -> _Tapped:
    cid, action, now = decoded.conversation_id, decoded.action, context.runtime.clock()
    organiser = access.member
    if action == "open":
        found, names = await _thread_and_names(session, access, cid, now=now, mark_read=True)
        return _Tapped(found=found, names=names)
    if action == "hand":
        found = await conversations.thread(
            session, cid, access.community_ids, now=now, mark_read=False
        )
        if found is None or found.version != decoded.version:
            return _Tapped(done=False)
        people = await hosts.ambassadors_of(session, found.community.id)
        return _Tapped(found=found, ambassadors=[m.id for m in people])
    if action == "handto":
        outcome = await conversations.hand(
            session,
            cid,
            decoded.saved_reply_id or 0,
            actor_user_id=access.user_id,
            community_ids=access.community_ids,
            version=decoded.version,
            now=now,
        )
        if outcome is not Outcome.DONE:
            return _Tapped(done=False)
        found, names = await _thread_and_names(session, access, cid, now=now, mark_read=False)
        return _Tapped(found=found, names=names)
    if action in ("take", "close", "reopen"):
        outcome = await conversations.act(
            session,
            cid,
            Action(action),
            actor_user_id=access.user_id,
            community_ids=access.community_ids,
            version=decoded.version,
            now=now,
        )
        if outcome is not Outcome.DONE:
            return _Tapped(done=False)
        found, names = await _thread_and_names(session, access, cid, now=now, mark_read=True)
        return _Tapped(found=found, names=names)
    if action == "cancel":
        await replies.cancel(session, organiser, now=now)
        return _Tapped()
    if action == "send":
        dialog = context.dialog
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
        return _Tapped(result=result)
    # reply, saved, note: the organiser's next message (or a saved reply) is for this thread.
    result = await replies.begin(
        session,
        organiser,
        cid,
        version=decoded.version,
        community_ids=access.community_ids,
        now=now,
    )
    if result.status is ReplyStatus.UNREACHABLE and action == NOTE:
        # A note is for the other organisers: it needs no reachable member.
        note = await dialogs.set(
            session, organiser.id, replies.FLOW, NOTE, {"conversation_id": cid}, now=now
        )
        result = ReplyResult(ReplyStatus.READY, cid, dialog=note)
    elif result.status is ReplyStatus.READY and action == NOTE:
        assert result.dialog is not None
        note = await dialogs.update(session, result.dialog, now=now, step=NOTE)
        result = replace(result, dialog=note)
    tapped = _Tapped(result=result)
    if result.status is ReplyStatus.READY:
        tapped.found = await conversations.thread(
            session, cid, access.community_ids, now=now, mark_read=False
        )
        if action == "saved" and tapped.found is not None:
            tapped.saved = await replies.saved_replies(session, tapped.found.community.id)
    return tapped


async def on_button(update: Update, context: SamenContext) -> None:
    """Every inbox button: re-checked, acted on in one unit of work, then answered."""
    query = update.callback_query
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    tapped = _Tapped(done=False)
    refused = False
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="inbox", also=Role.AMBASSADOR
        )
        if access is not None and isinstance(decoded, callbacks.InboxAction):
            scoped = await with_handed(
                session, context, access, decoded.conversation_id, decoded.action
            )
            refused = scoped is None
            if scoped is not None:
                access = scoped
                tapped = await _tap(session, context, access, decoded)
    if access is None:
        return
    if refused:
        await query.answer(views.not_handed_text(access.t), show_alert=True)
        return
    if not isinstance(decoded, callbacks.InboxAction) or not tapped.done:
        await query.answer(_stale_text(access), show_alert=True)
        return
    t, action = access.t, decoded.action
    if action == "hand":
        await query.answer()
        assert tapped.found is not None
        if not tapped.ambassadors:
            await context.bot.send_message(access.user_id, host_views.no_ambassadors_text(t))
            return
        codes = await _codes(context)
        await context.bot.send_message(
            access.user_id,
            views.hand_prompt(t),
            reply_markup=views.hand_choices(
                t, tapped.found, [(m, codes.code(m)) for m in tapped.ambassadors]
            ),
        )
        return
    if action == "open":
        await query.answer()
        if tapped.found is None:
            await context.bot.send_message(access.user_id, _stale_text(access))
        else:
            await _send_thread(context, access, tapped.found, tapped.names, with_media=True)
        return
    if action in ("take", "close", "reopen", "handto"):
        await query.answer(t.gettext("Done."))
        if tapped.found is not None:
            await _send_thread(context, access, tapped.found, tapped.names, with_media=False)
        return
    if action == "cancel":
        await query.answer(t.gettext("Nothing was sent."))
        return
    result = tapped.result
    assert result is not None
    if action == "send":
        await query.answer()
        await _report(context, access, result)
        return
    if result.status is ReplyStatus.STALE:
        await query.answer(_stale_text(access), show_alert=True)
        return
    if result.status is ReplyStatus.UNREACHABLE:
        await query.answer()
        await context.bot.send_message(access.user_id, _unreachable_text(access))
        return
    await query.answer()
    cid = decoded.conversation_id
    version = result.dialog.version if result.dialog is not None else 1
    if action == NOTE:
        await context.bot.send_message(
            access.user_id,
            t.gettext("Write the internal note now. It is never sent to the member."),
            reply_markup=views.cancel_button(t, cid, version),
        )
        return
    if action == "saved":
        text, markup = views.saved_buttons(t, cid, version, tapped.saved, result.locale)
        await context.bot.send_message(access.user_id, text, reply_markup=markup)
        return
    code = ""
    if tapped.found is not None:
        code = (await _codes(context)).code(tapped.found.member_id)
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


async def on_message(update: Update, context: SamenContext) -> None:
    """The organiser's message after Reply (to the member) or Internal note (kept here)."""
    message, dialog = update.effective_message, context.dialog
    assert message is not None
    assert dialog is not None
    now = context.runtime.clock()
    incoming = incoming_of(message)
    cid = int(dialog.data.get("conversation_id") or 0)
    writes_note = dialog.step == NOTE
    note_is_text = incoming.kind is MessageKind.TEXT and bool(incoming.text)
    noted: Outcome | None = None
    result: ReplyResult | None = None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="inbox", also=Role.AMBASSADOR
        )
        if access is not None:
            access = await with_handed(session, context, access, cid, "reply")
        if access is None:
            if context.member is not None:
                # No longer an organiser: the answer they were writing cannot go anywhere.
                await dialogs.clear(session, context.member.id, now=now)
        elif writes_note and note_is_text:
            assert incoming.text is not None
            noted = await conversations.add_note(
                session,
                cid,
                incoming.text,
                actor_user_id=access.user_id,
                community_ids=access.community_ids,
                now=now,
            )
            await dialogs.clear(session, access.member.id, now=now)
        elif not writes_note:
            result = await replies.send(
                session,
                access.member,
                dialog,
                incoming,
                source_id=f"msg-{message.message_id}",
                community_ids=access.community_ids,
                now=now,
            )
    if access is None:
        return
    t = access.t
    if writes_note:
        if not note_is_text:
            await message.reply_text(t.gettext("An internal note is a text. Please write it."))
        elif noted is Outcome.DONE:
            await message.reply_text(
                t.gettext("The note is kept. It is never sent to the member.")
            )
        else:
            await message.reply_text(_stale_text(access))
        return
    assert result is not None
    # The organiser's own words are not echoed back (a saved reply's text is: it is shown in
    # the member's language).
    await _report(context, access, replace(result, text=None))


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("inbox", show_inbox, filters=filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("signature", set_signature, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^inb:"))
    # The staff guard checks the organiser's role on every message, so no consent is asked.
    router.register(replies.FLOW, on_message, needs_consent=False)
