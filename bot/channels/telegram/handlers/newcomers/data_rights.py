"""/mydata, /delete and /stop: the member's rights over their data and their inbox."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks, menus
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES, neutral, retire_buttons
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.outbox.splitting import split_text
from bot.channels.telegram.views import contributions as contribution_views
from bot.channels.telegram.views import conversations as conversation_views
from bot.channels.telegram.views import identity, prompts
from bot.channels.telegram.views import proposals as proposal_views
from bot.db.models import QuestionKind
from bot.i18n import N_, Translator, find_language
from bot.services import dialogs, members
from bot.services.members import data_rights
from bot.services.members.data_rights import MeetingRecord, MemberData, StoredAnswer

# Telegram's limit for one message.
MAX_MESSAGE = 4096


async def mydata(update: Update, context: SamenContext) -> None:
    """Send everything stored about the member: readable, and as a JSON document."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with context.work() as session:
        member = await members.find_by_telegram_id(session, user.id)
        data = await data_rights.export(session, member.id) if member is not None else None
        t = context.translator(update, member)
        records = await data_rights.by_meeting(session, data, t.tag) if data else []
    if data is None:
        # The number is not stored; installers look for it here (SAMEN_COORDINATOR_IDS).
        nothing = t.gettext("Samen has nothing stored about you.")
        await message.reply_text(f"{nothing}\n{identity.number_line(t, user.id)}")
        return
    await message.reply_text(render(t, data)[:MAX_MESSAGE])
    # Then what they said, readable: one short message per meeting, their stories in full,
    # each split where Telegram's limit would cut it.
    texts = [meeting_text(t, record) for record in records]
    if data.stories:
        texts.append(stories_text(t, data.stories))
    if data.contributions:
        texts.append(contribution_views.log_text(t, data.contributions))
    for text in texts:
        for part, _entities in split_text(text, limit=MAX_MESSAGE):
            await message.reply_text(part)
    document = json.dumps(data.to_json(), ensure_ascii=False, indent=2).encode()
    await context.bot.send_document(
        message.chat_id,
        InputFile(document, filename="samen-my-data.json"),
        caption=t.gettext("All your data in one file (JSON)."),
    )


def render(t: Translator, data: MemberData) -> str:
    """The readable summary of a member's data, in their language."""
    language = find_language(data.locale)
    lines = [
        t.gettext("This is everything Samen stores about you:"),
        "",
        t.gettext("Telegram number: {id}", id=data.telegram_user_id),
        t.gettext("Language: {language}", language=language.native_name if language else "—"),
    ]
    if data.reads_locales:
        lines.append(prompts.reads_line(t, data.reads_locales))
    if data.consent_given_at is not None and data.consent_version is not None:
        lines.append(
            t.gettext(
                "Privacy notice: version {version}, agreed on {date}",
                version=data.consent_version,
                date=t.fmt_date(data.consent_given_at),
            )
        )
    else:
        lines.append(t.gettext("Privacy notice: not agreed"))
    if data.communities:
        names = ", ".join(m.community for m in data.communities)
        lines.append(t.gettext("Communities: {names}", names=names))
    if data.learn_topics or data.learn_text:
        lines.append(
            t.gettext(
                "Would like to learn: {topics}",
                topics=_topics(t, data.learn_topics, data.learn_text),
            )
        )
    if data.offer_topics or data.offer_text:
        lines.append(
            t.gettext(
                "Could help with: {topics}", topics=_topics(t, data.offer_topics, data.offer_text)
            )
        )
    if data.municipality:
        lines.append(t.gettext("Municipality: {name}", name=data.municipality))
    if data.stopped_at is not None:
        lines.append(t.gettext("Messages stopped since {date}", date=t.fmt_date(data.stopped_at)))
    lines.append(
        t.gettext(
            "Community translator: {answer}",
            answer=t.gettext("Yes") if data.translator else t.gettext("No"),
        )
    )
    lines.append("")
    lines.append(
        t.ngettext("You shared {count} story.", "You shared {count} stories.", len(data.stories))
    )
    lines += conversation_views.mydata_lines(t, data.conversations)
    if data.text_reviews:
        lines.append(
            t.ngettext(
                "{count} review of the bot's texts.",
                "{count} reviews of the bot's texts.",
                len(data.text_reviews),
            )
        )
    lines += contribution_views.mydata_lines(t, len(data.contributions))
    lines += proposal_views.mydata_lines(t, data.proposals, data.supports)
    lines.append(
        t.ngettext(
            "{count} answer to questions.", "{count} answers to questions.", len(data.answers)
        )
    )
    lines.append(
        t.ngettext(
            "{count} reply to an invitation.", "{count} replies to invitations.", len(data.rsvps)
        )
    )
    lines.append(
        t.ngettext(
            "{count} planned message.",
            "{count} planned messages.",
            len(data.pending_checkins),
        )
    )
    return "\n".join(lines)


_RSVP = {"going": N_("Going"), "maybe": N_("Maybe"), "not_going": N_("Not going")}


def meeting_text(t: Translator, record: MeetingRecord) -> str:
    """One meeting as the member reads it: title and time, their reply, their answers."""
    if record.meeting_id is None:
        lines = [t.gettext("Your answers outside a meeting:")]
    else:
        when = (
            t.gettext(
                "{date} at {time}",
                date=t.fmt_date(record.starts_at, "full"),
                time=t.fmt_time(record.starts_at),
            )
            if record.starts_at is not None
            else ""
        )
        lines = [f"{t.isolate(record.title)} — {when}" if record.title else when]
    if record.rsvp in _RSVP:
        lines.append(t.gettext("Your reply: {answer}", answer=t.gettext(_RSVP[record.rsvp])))
    for prompt, answer in record.answers:
        lines += ["", f"• {prompt}" if prompt else "•", answer_text(t, answer)]
    return "\n".join(lines)


def answer_text(t: Translator, answer: StoredAnswer) -> str:
    """An answer in words: yes/no and dates in the reader's language, voice by its length."""
    if answer.voice_file_id:
        return t.ngettext(
            "Voice message of {count} second",
            "Voice message of {count} seconds",
            answer.voice_duration or 0,
        )
    if answer.kind == QuestionKind.YES_NO.value:
        return t.gettext("Yes") if answer.value is True else t.gettext("No")
    if answer.kind == QuestionKind.DATE.value and answer.text:
        try:
            return t.fmt_date(date.fromisoformat(answer.text), "long")
        except ValueError:
            return answer.text
    return answer.text or "—"


def stories_text(t: Translator, stories: list[StoredAnswer]) -> str:
    """Every story the member shared, in full (the JSON file has the same)."""
    lines = [t.ngettext("You shared {count} story.", "You shared {count} stories.", len(stories))]
    lines += [_story_line(t, story) for story in stories]
    return "\n".join(lines)


def _topics(t: Translator, topics: list[str], text: str | None) -> str:
    parts = [prompts.topic_label(t, topic) for topic in topics]
    if text:
        parts.append(text)
    return ", ".join(parts)


def _story_line(t: Translator, story: StoredAnswer) -> str:
    when = t.fmt_datetime(story.created_at, format="short")
    if story.voice_file_id:
        return "• " + t.ngettext(
            "{date}: voice message of {count} second",
            "{date}: voice message of {count} seconds",
            story.voice_duration or 0,
            date=when,
        )
    text = story.text or ""
    return "• " + t.gettext("{date}: {text}", date=when, text=text)


async def delete(update: Update, context: SamenContext) -> None:
    """Ask for confirmation before erasing everything."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    async with context.work() as session:
        member = await members.find_by_telegram_id(session, user.id)
        dialog = None
        if member is not None:
            dialog = await dialogs.set(
                session, member.id, data_rights.FLOW, data_rights.CONFIRM, now=runtime.clock()
            )
    t = context.translator(update, member)
    if dialog is None:
        await message.reply_text(t.gettext("Samen has nothing stored about you."))
        return
    await prompts.erase(context, message.chat_id, t, dialog)


async def confirm(update: Update, context: SamenContext) -> None:
    """Erase on "yes" to the current confirmation; keep everything on "no"."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    runtime = context.runtime
    async with context.work() as session:
        member, dialog = await dialogs.of_user(session, user.id)
        t = context.translator(update, member)
        valid = (
            isinstance(decoded, callbacks.StepChoice)
            and dialog is not None
            and dialog.matches(data_rights.FLOW, decoded.version)
            and decoded.choice in {"yes", "no"}
        )
        if not valid or member is None:
            await neutral(query, t)
            return
        assert isinstance(decoded, callbacks.StepChoice)
        if decoded.choice == "no":
            await dialogs.clear(session, member.id, now=runtime.clock())
        else:
            await data_rights.erase(session, member.id, now=runtime.clock())
    if decoded.choice == "yes":
        # Outside the erasing transaction: a checkpoint cannot run inside one.
        await data_rights.reach_disk(runtime.engine)
    await query.answer()
    await retire_buttons(query)
    if decoded.choice == "no":
        await prompts.send(context, user.id, t.gettext("Okay, nothing was deleted."))
        return
    await menus.forget_chat(context.bot, user.id)
    await prompts.send(
        context,
        user.id,
        t.gettext(
            "Everything about you has been deleted. Thank you for being part of Samen. You "
            "can come back at any time with a new link."
        ),
    )


async def stop(update: Update, context: SamenContext) -> None:
    """Stop every broadcast and check-in at once; nothing is deleted."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    async with context.work() as session:
        member = await members.find_by_telegram_id(session, user.id)
        if member is not None:
            await members.stop(session, member, runtime.clock())
    t = context.translator(update, member)
    await message.reply_text(
        t.gettext(
            "Okay, you will not get any more messages from Samen. Nothing is deleted: send "
            "/start to get messages again, or /delete to remove your data."
        )
    )


async def on_message(update: Update, context: SamenContext) -> None:
    """Erasure is a right with or without consent: it only ever waits for a button."""
    message, dialog, t = update.effective_message, context.dialog, context.t
    assert message is not None
    assert dialog is not None
    lead = t.gettext("Please answer with the buttons.")
    await prompts.erase(context, message.chat_id, t, dialog, lead=lead)


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("mydata", mydata, filters=PRIVATE_MESSAGES))
    app.add_handler(CommandHandler("delete", delete, filters=PRIVATE_MESSAGES))
    app.add_handler(CommandHandler("stop", stop, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(confirm, pattern=rf"^{data_rights.FLOW}:"))
    router.register(data_rights.FLOW, on_message, needs_consent=False)
