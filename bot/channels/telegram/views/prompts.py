"""What the bot says at each dialogue step, with its buttons.

Every journey sends its prompts from here, so that a re-prompt after bad input, a restart or
a language change shows exactly the same step again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.views import keyboards, languages
from bot.i18n import N_, Translator
from bot.services.communities import retention
from bot.services.dialogs import Dialog
from bot.services.members import data_rights, onboarding, profiles, stories

if TYPE_CHECKING:
    # Types only: handlers read model objects that services return, never query them.
    from bot.db.models import Community


TOPIC_LABELS = {
    "dutch": N_("Dutch language"),
    "work": N_("Work"),
    "study": N_("Study"),
    "digital": N_("Computers and phones"),
    "health": N_("Health"),
    "money": N_("Money and letters"),
    "translate": N_("Translating"),
    "cook": N_("Cooking"),
    "teach": N_("Teaching something I know"),
    "children": N_("Looking after children"),
    "repair": N_("Repairing things"),
    "sport": N_("Sport and games"),
}


def topic_label(t: Translator, topic: str) -> str:
    label = TOPIC_LABELS.get(topic)
    return t.gettext(label) if label else topic


def _join(lead: str | None, text: str) -> str:
    return f"{lead}\n\n{text}" if lead else text


async def send(
    context: SamenContext,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    await context.bot.send_message(chat_id, text, reply_markup=markup)


# --- onboarding ---------------------------------------------------------------------------------


async def language(
    context: SamenContext, chat_id: int, t: Translator, *, lead: str | None = None
) -> None:
    text = t.gettext("Which language would you like me to use? Tap it below.")
    await send(context, chat_id, _join(lead, text), keyboards.languages(t.tag))


def notice_points(t: Translator) -> list[str]:
    """The privacy notice's points, one message each: a reviewer reads (and a change
    touches) one point at a time. Adding or changing a point means a new NOTICE_VERSION."""
    return [
        t.gettext(
            "What we keep: your Telegram user id, your language, the community you joined, and "
            "what you choose to tell us (your profile, stories, answers to questions and "
            "replies to invitations). Of a voice message we keep only a reference; the "
            "recording stays on Telegram."
        ),
        t.gettext(
            "Who sees it: the organisers and coordinators of your community. Not other "
            "members, and nobody else."
        ),
        t.gettext(
            "Messages you write to Samen: the organisers of your community read them and "
            "answer you here. They are kept like your stories and deleted with them."
        ),
        t.ngettext(
            "How long: while you take part; answers and stories are deleted automatically "
            "after {count} month at the latest. You can delete it all at any time.",
            "How long: while you take part; answers and stories are deleted automatically "
            "after {count} months at the latest. You can delete it all at any time.",
            retention.MAX_MONTHS,
        ),
        t.gettext(
            "Topics you propose for a meeting, and which topics you support: kept like your "
            "answers and deleted with them. A topic that reached an agenda keeps its text "
            "without your name when you delete your data."
        ),
        t.gettext(
            "Contributions: if you are an ambassador, what you do for your community is logged, "
            "so that it can thank or pay you. /delete removes your log too; a monthly statement "
            "already made for the finance administrator keeps its totals, without your name or "
            "number."
        ),
        t.gettext(
            "Your rights: /mydata shows everything we keep, /delete removes all of it, /stop "
            "stops all messages."
        ),
    ]


def notice_text(t: Translator) -> str:
    """The whole notice: an opening line, the points as bullets, the question."""
    return "\n\n".join(
        [
            t.gettext("Before we go on, this is how Samen handles your information."),
            "\n".join(f"• {point}" for point in notice_points(t)),
            t.gettext("Do you agree that Samen keeps this information?"),
        ]
    )


async def consent(
    context: SamenContext,
    chat_id: int,
    t: Translator,
    notice_version: int,
    *,
    lead: str | None = None,
) -> None:
    await send(context, chat_id, _join(lead, notice_text(t)), keyboards.consent(t, notice_version))


# --- profile ------------------------------------------------------------------------------------


def profile_keyboard(t: Translator, dialog: Dialog) -> InlineKeyboardMarkup:
    chosen = profiles.selected(dialog)

    def label(choice: str) -> str:
        if dialog.step == profiles.READS:
            # The number is the order they are tried in: the order they were tapped.
            mark = f"{keyboards.CHECK}{chosen.index(choice) + 1}. " if choice in chosen else ""
            return mark + languages.name(choice)
        return (keyboards.CHECK if choice in chosen else "") + topic_label(t, choice)

    topic_buttons = [
        InlineKeyboardButton(
            label(choice), callback_data=callbacks.step(profiles.FLOW, dialog.version, choice)
        )
        for choice in profiles.offered(dialog, t.tag)
    ]
    final = [
        InlineKeyboardButton(
            t.gettext("Skip"), callback_data=callbacks.step(profiles.FLOW, dialog.version, "skip")
        )
    ]
    if dialog.step != profiles.PLACE:
        final.insert(
            0,
            InlineKeyboardButton(
                t.gettext("Done"),
                callback_data=callbacks.step(profiles.FLOW, dialog.version, "done"),
            ),
        )
    return InlineKeyboardMarkup([*keyboards.rows(topic_buttons, 2), final])


def profile_text(t: Translator, step: str) -> str:
    if step == profiles.LEARN:
        return t.gettext(
            "What would you like to learn or get help with? Tap one or more, or write it in "
            "your own words. Then tap Done."
        )
    if step == profiles.OFFER:
        return t.gettext(
            "What could you help others with? Tap one or more, or write it in your own words. "
            "Then tap Done."
        )
    if step == profiles.READS:
        return t.gettext(
            "Which other languages can you read? When something is not written in your "
            "language, I will show it in these. Tap them in the order you prefer, then tap Done."
        )
    return t.gettext("In which municipality do you live? Write its name, or tap Skip.")


async def profile(
    context: SamenContext, chat_id: int, t: Translator, dialog: Dialog, *, lead: str | None = None
) -> None:
    await send(
        context, chat_id, _join(lead, profile_text(t, dialog.step)), profile_keyboard(t, dialog)
    )


# --- the languages a member reads -----------------------------------------------------------


def reads_line(t: Translator, reads: Sequence[str]) -> str:
    """The other languages the member reads, as /language and /mydata say it."""
    if not reads:
        return t.gettext("Other languages you read: none")
    return t.gettext("Other languages you read: {languages}", languages=languages.names(t, reads))


async def language_settings(
    context: SamenContext,
    chat_id: int,
    t: Translator,
    *,
    reads: Sequence[str] | None,
    can_read_more: bool,
) -> None:
    """/language: the language Samen writes in and the other languages the member reads, with
    buttons to change either (the second only after consent: it is part of the profile)."""
    text = "\n".join(
        [
            t.gettext("I write to you in {language}.", language=languages.name(t.tag)),
            reads_line(t, reads or ()),
            "",
            t.gettext("Which language would you like me to use? Tap it below."),
        ]
    )
    markup = keyboards.languages(t.tag)
    if can_read_more:
        more = InlineKeyboardButton(
            t.gettext("Other languages I read"), callback_data=callbacks.reads()
        )
        markup = InlineKeyboardMarkup([*markup.inline_keyboard, [more]])
    await send(context, chat_id, text, markup)


# --- sharing a story ----------------------------------------------------------------------------


async def share(
    context: SamenContext,
    chat_id: int,
    t: Translator,
    dialog: Dialog,
    options: Sequence[Community] = (),
    *,
    community: Community | None = None,
    lead: str | None = None,
) -> None:
    if dialog.step == stories.CHOOSE_COMMUNITY:
        markup = keyboards.choices(
            stories.FLOW, dialog.version, [(str(c.id), c.name) for c in options]
        )
        text = t.gettext("Which community is your story for?")
        await send(context, chat_id, _join(lead, text), markup)
        return
    if community is not None:
        text = t.gettext(
            "Tell us your story: write a message or send a voice message. It goes to {community}.",
            community=community.name,
        )
    else:
        text = t.gettext("Tell us your story: write a message or send a voice message.")
    await send(context, chat_id, _join(lead, text))


# --- erasure ------------------------------------------------------------------------------------


async def erase(
    context: SamenContext, chat_id: int, t: Translator, dialog: Dialog, *, lead: str | None = None
) -> None:
    text = t.gettext(
        "Do you really want to delete everything Samen stores about you? Your profile, "
        "stories and answers will be gone for ever, and you will leave your communities. "
        "This cannot be undone."
    )
    markup = keyboards.choices(
        data_rights.FLOW,
        dialog.version,
        [("yes", t.gettext("Yes, delete everything")), ("no", t.gettext("No, keep it"))],
        width=2,
    )
    await send(context, chat_id, _join(lead, text), markup)


# --- any step -----------------------------------------------------------------------------------


async def current_step(
    context: SamenContext,
    chat_id: int,
    t: Translator,
    dialog: Dialog,
    *,
    notice_version: int,
    community: Community | None = None,
    options: Sequence[Community] = (),
    lead: str | None = None,
) -> None:
    """Show the member the step they are at again (after bad input, a restart, /start)."""
    if dialog.at(onboarding.FLOW, onboarding.LANGUAGE):
        await language(context, chat_id, t, lead=lead)
    elif dialog.at(onboarding.FLOW, onboarding.CONSENT):
        await consent(context, chat_id, t, notice_version, lead=lead)
    elif dialog.flow == profiles.FLOW:
        await profile(context, chat_id, t, dialog, lead=lead)
    elif dialog.flow == stories.FLOW:
        await share(context, chat_id, t, dialog, options, community=community, lead=lead)
    elif dialog.flow == data_rights.FLOW:
        await erase(context, chat_id, t, dialog, lead=lead)
    elif lead:
        await send(context, chat_id, lead)
