"""The callback context our handlers receive: PTB's, plus typed access to the runtime."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator, negotiate
from bot.runtime import Runtime
from bot.services import members

if TYPE_CHECKING:
    # Types only: handlers read model objects that services return, never query them.
    from bot.db.models import Member
    from bot.services.dialogs import Dialog


RUNTIME_KEY = "samen.runtime"


class SamenContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    # PTB makes one context per update and hands it to every handler group, so what the
    # admission (group -1) loaded can serve the journey (group 0) without another transaction.
    loaded: tuple[Member | None, Dialog | None] | None = None

    @property
    def runtime(self) -> Runtime:
        return runtime_of(self.application)

    def translator_for_user(self, update: Update) -> Translator:
        """A translator from Telegram's language_code, for when no member is known (yet)."""
        runtime = self.runtime
        user = update.effective_user
        code = user.language_code if user else None
        return runtime.catalogs.translator(negotiate(code, runtime.settings.default_locale))

    def translator(self, update: Update, member: Member | None) -> Translator:
        """The member's own language (and time zone) once known, else Telegram's guess."""
        if member is not None and member.locale:
            return self.runtime.catalogs.translator(member.locale, member.time_zone)
        return self.translator_for_user(update)

    async def member_translator(self, update: Update) -> Translator:
        """The translator in the member's chosen language (stored), else from Telegram's."""
        runtime = self.runtime
        user = update.effective_user
        if user is not None:
            async with runtime.sessions() as session:
                member = await members.find_by_telegram_id(session, user.id)
            if member is not None and member.locale:
                return runtime.catalogs.translator(member.locale, member.time_zone)
        return self.translator_for_user(update)


def runtime_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    return application.bot_data[RUNTIME_KEY]
