"""The command menu, translated: Telegram shows each user the list for their app's language.

`publish` runs once at start-up (the application's post_init) and registers the list for
every language Samen speaks, for private chats. A member who picks a language other than
their app's gets the list in that language for their own chat too; so does a member who
becomes an ambassador or a translator, whose own list (and /help) adds what those roles do.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels.telegram.context import runtime_of
from bot.i18n import LANGUAGES, N_, Translator
from bot.services.translations.translators import Standing

log = logging.getLogger(__name__)

# (command, description): the order is the order of the menu and of /help.
COMMANDS = (
    ("share", N_("Share your story")),
    ("input", N_("Give input for a meeting")),
    ("propose", N_("Propose a topic for a meeting")),
    ("topics", N_("Support the topics proposed for a meeting")),
    ("question", N_("Propose a question for the check-ins")),
    ("translator", N_("Volunteer as a community translator")),
    ("contributions", N_("See your contributions log")),
    ("language", N_("Change the language")),
    ("mydata", N_("See what Samen stores about you")),
    ("whoami", N_("Your Telegram number and roles")),
    ("stop", N_("Stop all messages")),
    ("start", N_("Start, or get messages again")),
    ("delete", N_("Delete everything about you")),
    ("help", N_("What you can do")),
)
# What ambassadors and community translators do besides; only they see these (the handlers
# refuse everyone else anyway).
AMBASSADOR_COMMANDS = (
    ("contribute", N_("Report an activity you did for the community")),
    ("hosting", N_("See the meetings you co-host")),
)
TRANSLATOR_COMMANDS = (
    ("reviewtexts", N_("Review the bot's texts in your language")),
    ("tasks", N_("See the translation tasks you can do")),
)

Commands = tuple[tuple[str, str], ...]


def for_standing(standing: Standing) -> Commands:
    """The role commands of a member with this standing as ambassador and translator."""
    found: Commands = ()
    if standing.ambassador:
        found += AMBASSADOR_COMMANDS
    if standing.translator:
        found += TRANSLATOR_COMMANDS
    return found


def commands(t: Translator, roles: Commands = ()) -> list[BotCommand]:
    """The member menu, with the role commands before /help (which stays last)."""
    listed = (*COMMANDS[:-1], *roles, COMMANDS[-1])
    return [BotCommand(name, t.gettext(description)) for name, description in listed]


def help_text(t: Translator, roles: Commands = ()) -> str:
    lines = [
        t.gettext(
            "You can simply write to me, or send a voice message or a photo: it goes to a "
            "person from your community, who answers you here."
        ),
        "",
        t.gettext("This is what you can do:"),
    ]
    lines += [f"/{name} — {t.gettext(description)}" for name, description in COMMANDS]
    if roles:
        lines += ["", t.gettext("As an ambassador or community translator:")]
        lines += [f"/{name} — {t.gettext(description)}" for name, description in roles]
    return "\n".join(lines)


def menu_languages() -> list[str]:
    """The two-letter codes Telegram accepts for setMyCommands (Dari has none: fa covers it)."""
    codes: list[str] = []
    for language in LANGUAGES:
        code = language.tag.split("-")[0]
        if len(code) == 2 and code not in codes:
            codes.append(code)
    return codes


async def publish(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the menu for every language, and a default for all others (post_init)."""
    runtime = runtime_of(app)
    scope = BotCommandScopeAllPrivateChats()
    try:
        default = runtime.catalogs.translator(runtime.settings.default_locale)
        await app.bot.set_my_commands(commands(default), scope=scope)
        for code in menu_languages():
            t = runtime.catalogs.translator(code)
            await app.bot.set_my_commands(commands(t), scope=scope, language_code=code)
    except TelegramError as exc:
        # The bot works without a menu; do not keep it from starting.
        log.warning("could not register the command menu: %s", type(exc).__name__)


async def publish_for_chat(bot: Bot, chat_id: int, t: Translator, roles: Commands = ()) -> None:
    """Show one member the menu in their language, with the commands of their roles."""
    try:
        await bot.set_my_commands(commands(t, roles), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the chat's menu: %s", type(exc).__name__)


async def forget_chat(bot: Bot, chat_id: int) -> None:
    """Drop a member's own menu (on erasure): Telegram should not keep their choice either."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not delete the chat's menu: %s", type(exc).__name__)
