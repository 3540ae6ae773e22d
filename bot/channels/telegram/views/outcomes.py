"""How a meeting's outcome looks: the organiser's steps while writing it, and the message
members receive in their language, with useful / not useful."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.outbox.outgoing import Button, Outgoing, RenderContext
from bot.db.models import Reaction
from bot.i18n import LANGUAGES, Translator
from bot.services.dialogs import Dialog
from bot.services.meetings import outcomes
from bot.services.meetings.outcomes import FLOW, Read
from bot.services.outbox.dispatcher import RenderError


def _step(dialog: Dialog, label: str, choice: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.step(FLOW, dialog.version, choice))


def mode(t: Translator, dialog: Dialog) -> tuple[str, InlineKeyboardMarkup]:
    return t.gettext("Do you want to write one text, or a text per agenda item?"), (
        InlineKeyboardMarkup(
            [
                [_step(dialog, t.gettext("A text per agenda item"), "items")],
                [_step(dialog, t.gettext("One text for the whole meeting"), "whole")],
            ]
        )
    )


def language(t: Translator, dialog: Dialog) -> tuple[str, InlineKeyboardMarkup]:
    done = set(dialog.data.get("locales", []))
    buttons = [
        _step(dialog, ("✓ " if lang.tag in done else "") + lang.native_name, f"l{lang.tag}")
        for lang in LANGUAGES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return t.gettext("In which language do you write?"), InlineKeyboardMarkup(rows)


def ask_text(t: Translator, dialog: Dialog, topic: str | None) -> str:
    if topic is None:
        return t.gettext(
            "What was discussed, and what happens next? Members will read it in their "
            "language where you write one."
        )
    return t.gettext(
        "What came of this agenda item, and what happens next?\n{topic}", topic=t.isolate(topic)
    )


def more(t: Translator, dialog: Dialog) -> tuple[str, InlineKeyboardMarkup]:
    return t.gettext("Saved. Add another language, or choose who receives it."), (
        InlineKeyboardMarkup(
            [
                [_step(dialog, t.gettext("Add another language"), "again")],
                [_step(dialog, t.gettext("Choose who receives it"), "audience")],
            ]
        )
    )


def audience(t: Translator, dialog: Dialog) -> tuple[str, InlineKeyboardMarkup]:
    return t.gettext("Who should receive the outcome?"), InlineKeyboardMarkup(
        [
            [_step(dialog, t.gettext("Everyone invited, except Not going"), "attending")],
            [_step(dialog, t.gettext("Everyone invited"), "everyone")],
        ]
    )


def problem(t: Translator, code: str) -> str:
    match code:
        case "cancelled":
            return t.gettext("This meeting was cancelled, so there is no outcome to share.")
        case "not_yet":
            return t.gettext("You can share the outcome once the meeting has taken place.")
        case "empty":
            return t.gettext("Please type some text.")
        case "too_long":
            return t.ngettext(
                "That is too long. Please keep it under {count} character.",
                "That is too long. Please keep it under {count} characters.",
                outcomes.MAX_TEXT,
            )
    return t.gettext("This is no longer available.")


# --- what members receive ----------------------------------------------------------------------


def text_of(t: Translator, read: Read) -> str:
    lines = [t.gettext("What came of {title}", title=t.isolate(read.title)), ""]
    for item in read.items:
        if item.topic:
            lines.append(f"• {t.isolate(item.topic)}")
        lines += [item.text, ""]
    lines.append(t.gettext("You can answer by simply writing to me; the organisers read it."))
    return "\n".join(lines)


def buttons(
    t: Translator, outcome_id: int, chosen: Reaction | None = None
) -> tuple[tuple[Button, ...], ...]:
    def mark(reaction: Reaction, label: str) -> str:
        return ("✓ " if chosen == reaction else "") + label

    return (
        (
            Button(
                mark(Reaction.USEFUL, t.gettext("Useful")), callbacks.outcome(outcome_id, "useful")
            ),
            Button(
                mark(Reaction.NOT_USEFUL, t.gettext("Not useful")),
                callbacks.outcome(outcome_id, "not_useful"),
            ),
        ),
    )


def markup(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
            for row in rows
        ]
    )


async def render_outcome(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    outcome_id = payload.get("outcome_id")
    if not isinstance(outcome_id, int):
        raise RenderError("an outcome needs an outcome_id")
    read = await outcomes.read(ctx.session, outcome_id, ctx.row.locale)
    if read is None:
        raise RenderError("the outcome is gone")
    return Outgoing(text=text_of(t, read), buttons=buttons(t, outcome_id))
