"""Conversations as people see them: the member's acknowledgement, the organisers' inbox and
thread with their buttons, and the two outbox messages (an answer to a member, a notice to
an organiser). Organisers see the member's pseudonymous code and language, never a name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.outbox.outgoing import Button, Media, Outgoing, RenderContext
from bot.channels.telegram.views import tasks as task_views
from bot.db.models import Author, ConversationStatus, MessageKind, OutboxState
from bot.i18n import N_, Translator, find_language
from bot.services import fallback
from bot.services.conversations import (
    Figures,
    InboxEntry,
    Thread,
    ThreadMessage,
    first_words,
    replies,
)
from bot.services.outbox.dispatcher import RenderError

if TYPE_CHECKING:
    from bot.db.models import Community
    from bot.services.members.data_rights import StoredConversation

MARKER_LABELS = {
    MessageKind.STICKER: N_("(sticker)"),
    MessageKind.LOCATION: N_("(location)"),
    MessageKind.CONTACT: N_("(contact)"),
    MessageKind.VOICE: N_("(voice message)"),
    MessageKind.PHOTO: N_("(photo)"),
    MessageKind.DOCUMENT: N_("(document)"),
    MessageKind.OTHER: N_("(message)"),
}
DELIVERY_LABELS = {
    OutboxState.QUEUED: N_("on its way"),
    OutboxState.SENDING: N_("on its way"),
    OutboxState.SENT: N_("delivered"),
    OutboxState.FAILED: N_("not delivered"),
    OutboxState.UNKNOWN: N_("not delivered"),
    OutboxState.BLOCKED: N_("not delivered: the member blocked Samen"),
    OutboxState.SKIPPED: N_("not delivered: the member stopped messages or left"),
}
# One thread message shows this much of a long text; the whole text is in /mydata and exports.
THREAD_TEXT = 900


def language_name(tag: str | None) -> str:
    language = find_language(tag) if tag else None
    return language.native_name if language is not None else (tag or "?")


def what(t: Translator, kind: MessageKind, text: str | None) -> str:
    if text:
        return text
    return t.gettext(MARKER_LABELS.get(kind, MARKER_LABELS[MessageKind.OTHER]))


# --- the member's side ---------------------------------------------------------------------------


def acknowledgement(t: Translator, community: Community, *, new: bool) -> str:
    if not new:
        return t.gettext(
            "Added to your conversation with {community}.", community=t.isolate(community.name)
        )
    return t.ngettext(
        "Thank you, your message has reached {community}. A person from {community} will "
        "answer you here, usually within {days} working day.",
        "Thank you, your message has reached {community}. A person from {community} will "
        "answer you here, usually within {days} working days.",
        community.answer_days,
        community=t.isolate(community.name),
        days=t.fmt_number(community.answer_days),
    )


def make_proposal(
    t: Translator, message_id: int | None, kind: MessageKind
) -> InlineKeyboardMarkup | None:
    """«Co-ownership»: a text or voice message to the community can become a proposed topic."""
    if message_id is None or kind not in (MessageKind.TEXT, MessageKind.VOICE):
        return None
    label = t.gettext("Make this a topic for a meeting")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=callbacks.message_to_proposal(message_id))]]
    )


def choose_community(
    t: Translator, conversation_id: int, options: Sequence[Community]
) -> tuple[str, InlineKeyboardMarkup]:
    text = t.gettext("I have kept your message. Which community is it for?")
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    c.name, callback_data=callbacks.conversation_choice(conversation_id, c.id)
                )
            ]
            for c in options
        ]
    )
    return text, markup


def mydata_lines(t: Translator, threads: Sequence[StoredConversation]) -> list[str]:
    lines = [
        t.ngettext(
            "{count} conversation with your community:",
            "{count} conversations with your community:",
            len(threads),
        )
    ]
    for thread in threads[-3:]:
        for message in thread.messages[-5:]:
            when = t.fmt_datetime(message.created_at, format="short")
            text = first_words(
                message.text or t.gettext(MARKER_LABELS.get(MessageKind(message.kind), "")), 80
            )
            lines.append(f"• {when} {thread.community}: {text}")
    return lines


# --- the organisers' side ------------------------------------------------------------------------


def _ago(t: Translator, since: datetime, now: datetime) -> str:
    return t.fmt_duration(now - since)


def figures_lines(t: Translator, figures: Figures) -> list[str]:
    """Conversations for coordinators (/stats): opened, answered, time to a first answer."""
    lines = [
        t.gettext(
            "Conversations — opened: {opened} · answered: {answered}",
            opened=t.fmt_number(figures.opened),
            answered=t.fmt_number(figures.answered),
        )
    ]
    if not figures.opened:
        return lines
    if figures.median_first_answer is None:
        lines.append(t.gettext("No conversation has had an answer yet."))
    else:
        lines.append(
            t.gettext(
                "Median time to a first answer: {duration}.",
                duration=t.fmt_duration(figures.median_first_answer),
            )
        )
    lines.append(
        t.ngettext(
            "{count} open conversation waits longer than the community's answer time.",
            "{count} open conversations wait longer than the community's answer time.",
            figures.overdue,
        )
    )
    return lines


def taken_label(
    t: Translator, taken_by: int | None, viewer: int, names: Mapping[int, str | None]
) -> str | None:
    if taken_by is None:
        return None
    if taken_by == viewer:
        return t.gettext("taken by you")
    name = names.get(taken_by)
    if name:
        return t.gettext("taken by {name}", name=t.isolate(name))
    return t.gettext("taken by another organiser")


def inbox(
    t: Translator,
    entries: Sequence[InboxEntry],
    codes: Mapping[int, str],
    *,
    now: datetime,
    viewer: int,
    names: Mapping[int, str | None],
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not entries:
        return t.gettext("No open conversations. Everyone has been answered."), None
    lines = [t.gettext("Open conversations, newest first:")]
    buttons = []
    for number, entry in enumerate(entries, 1):
        parts = [f"{number}. {codes[entry.member_id]}", language_name(entry.locale)]
        if entry.waiting_since is not None:
            parts.append(t.gettext("waiting {time}", time=_ago(t, entry.waiting_since, now)))
        if entry.unread:
            parts.append(
                t.ngettext("{count} unread", "{count} unread", entry.unread, count=entry.unread)
            )
        taken = taken_label(t, entry.taken_by_user_id, viewer, names)
        if taken:
            parts.append(taken)
        lines.append(" · ".join(parts))
        lines.append(f"   {t.isolate(what(t, entry.last_kind, entry.last_words))}")
        buttons.append(
            InlineKeyboardButton(
                str(number), callback_data=callbacks.inbox(entry.conversation_id, "open", 1)
            )
        )
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _message_line(t: Translator, message: ThreadMessage, code: str) -> str:
    when = t.fmt_datetime(message.created_at, format="short")
    text = what(t, message.kind, message.text)
    if len(text) > THREAD_TEXT:
        text = text[:THREAD_TEXT] + "…"
    if message.author is Author.MEMBER:
        who = code
        if message.origin.value == "story":
            who = t.gettext("{code} (story)", code=code)
        return f"{when} {who}: {t.isolate(text)}"
    if message.author is Author.NOTE:
        return f"{when} " + t.gettext("Internal note: {text}", text=t.isolate(text))
    state = t.gettext(DELIVERY_LABELS[message.delivery]) if message.delivery else ""
    return f"{when} " + t.gettext("Answer ({state}): {text}", state=state, text=t.isolate(text))


def thread(
    t: Translator, found: Thread, code: str, *, viewer: int, names: Mapping[int, str | None]
) -> str:
    head = [
        t.gettext(
            "Conversation with {code} ({language}) in {community}",
            code=code,
            language=language_name(found.locale),
            community=t.isolate(found.community.name),
        )
    ]
    if found.status is ConversationStatus.CLOSED:
        head.append(t.gettext("This conversation is closed."))
    taken = taken_label(t, found.taken_by_user_id, viewer, names)
    if taken:
        head.append(taken)
    return "\n".join([*head, "", *(_message_line(t, m, code) for m in found.messages)])


def thread_buttons(t: Translator, found: Thread, *, handed: bool = False) -> InlineKeyboardMarkup:
    """The organiser's buttons; an ambassador it was handed to (`handed`) may only answer."""
    cid, version = found.conversation_id, found.version

    def button(label: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=callbacks.inbox(cid, action, version))

    if handed:
        if found.status is ConversationStatus.CLOSED:
            return InlineKeyboardMarkup([])
        return InlineKeyboardMarkup(
            [[button(t.gettext("Reply"), "reply"), button(t.gettext("Saved replies"), "saved")]]
        )
    if found.status is ConversationStatus.CLOSED:
        return InlineKeyboardMarkup([[button(t.gettext("Reopen"), "reopen")]])
    return InlineKeyboardMarkup(
        [
            [button(t.gettext("Reply"), "reply"), button(t.gettext("Saved replies"), "saved")],
            [button(t.gettext("Take it"), "take"), button(t.gettext("Close"), "close")],
            [button(t.gettext("Internal note"), "note")],
            [button(t.gettext("Hand to an ambassador"), "hand")],
        ]
    )


def hand_choices(
    t: Translator, found: Thread, ambassadors: Sequence[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """The community's ambassadors by pseudonymous code: (member id, code)."""
    cid, version = found.conversation_id, found.version
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    code, callback_data=callbacks.inbox(cid, "handto", version, member_id)
                )
            ]
            for member_id, code in ambassadors
        ]
    )


def hand_prompt(t: Translator) -> str:
    return t.gettext(
        "Hand this conversation to which ambassador? They will see and answer only this "
        "conversation."
    )


def not_handed_text(t: Translator) -> str:
    return t.gettext("This conversation was not handed to you, so you cannot open it.")


def media_of(found: Thread) -> list[ThreadMessage]:
    """The voice notes, photos and documents to send again, by file id, after the thread."""
    return [
        m
        for m in found.messages
        if m.file_id and m.kind in (MessageKind.VOICE, MessageKind.PHOTO, MessageKind.DOCUMENT)
    ]


def reply_prompt(t: Translator, code: str, locale: str | None) -> str:
    return t.gettext(
        "Write your answer to {code} now: a text, a voice message or a photo. It goes to "
        "them signed with your community's name. They read {language}.",
        code=code,
        language=language_name(locale),
    )


def cancel_button(t: Translator, conversation_id: int, version: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Cancel"),
                    callback_data=callbacks.inbox(conversation_id, "cancel", version),
                )
            ]
        ]
    )


def saved_buttons(
    t: Translator,
    conversation_id: int,
    version: int,
    saved: Sequence[replies.Saved],
    locale: str | None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not saved:
        return t.gettext("This community has no saved replies yet."), None
    lines = [t.gettext("Choose a saved reply. It is sent in the member's language if it has one.")]
    rows = []
    asks = []
    for reply in saved:
        own = locale is not None and fallback.has_own_text(reply.texts, locale)
        mark = "✓ " if own else ""
        rows.append(
            [
                InlineKeyboardButton(
                    f"{mark}{reply.name}"[:60],
                    callback_data=callbacks.inbox(conversation_id, "send", version, reply.id),
                )
            ]
        )
        if locale is not None and not own and find_language(locale) is not None:
            # The member's language is one the community uses and this reply lacks: its
            # translators can be asked (the task's answer comes to this chat).
            ask = t.gettext(
                "Ask community translators: {language}", language=task_views.language_name(locale)
            )
            asks.append(
                [
                    InlineKeyboardButton(
                        f"{reply.name[:24]} · {ask}"[:64],
                        callback_data=callbacks.task(reply.id, "asks", locale),
                    )
                ]
            )
    return "\n".join(lines), InlineKeyboardMarkup(rows + asks)


# --- outbox renderers ----------------------------------------------------------------------------


def signature(t: Translator, community_name: str, name: str | None) -> str:
    if name:
        return t.gettext(
            "— {name}, {community}", name=t.isolate(name), community=t.isolate(community_name)
        )
    return t.gettext("— {community}", community=t.isolate(community_name))


async def render_reply(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    """An organiser's answer, in the member's chat, signed with the community's name."""
    message_id = payload.get("message_id")
    if not isinstance(message_id, int):
        raise RenderError("an answer's payload needs a message_id")
    found = await replies.reply_data(ctx.session, message_id)
    if found is None:
        raise RenderError("the answer or its conversation is gone")
    message, community_name, name = found
    signed = signature(t, community_name, name)
    text = f"{message.text}\n\n{signed}" if message.text else signed
    if message.kind in (MessageKind.VOICE, MessageKind.PHOTO) and message.file_id:
        return Outgoing(text="", media=Media(message.kind.value, message.file_id, text))
    return Outgoing(text=text)


async def render_notice(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    """An organiser's batched notice: how many new messages, in how many conversations."""
    count = payload.get("messages")
    threads = payload.get("conversations")
    if not isinstance(count, int) or not isinstance(threads, int):
        raise RenderError("a notice needs counts")
    text = t.ngettext(
        "{count} new message from members in the inbox.",
        "{count} new messages from members in the inbox.",
        count,
        count=t.fmt_number(count),
    )
    return Outgoing(text=f"{text} " + t.gettext("Send /inbox to read and answer them."))


async def render_handed(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    """An ambassador is told an organiser handed them a conversation, with its Open button."""
    cid, version = payload.get("conversation_id"), payload.get("version")
    if not isinstance(cid, int) or not isinstance(version, int):
        raise RenderError("a hand-off needs a conversation and its version")
    return Outgoing(
        text=t.gettext(
            "An organiser handed you a conversation with a member. Open it to read and answer."
        ),
        buttons=((Button(t.gettext("Open"), callbacks.inbox(cid, "open", version)),),),
    )
