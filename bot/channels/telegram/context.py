"""The callback context our handlers receive: PTB's, plus who wrote and one unit of work.

PTB makes one context per update and hands it to every handler group, so what the admission
(group -1) loaded serves the journey (group 0) without another transaction:
`context.member`, `context.dialog` and `context.t`. A journey does its database work in
`async with context.work() as session:`, which commits once at the end (see
`bot/services/__init__.py` for the rule).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackContext, ExtBot

from bot.i18n import Translator, negotiate
from bot.runtime import Runtime
from bot.services import updates

if TYPE_CHECKING:
    # Types only: handlers read model objects that services return, never query them.
    from bot.db.models import DialogState, Member
    from bot.services.dialogs import Dialog

log = logging.getLogger(__name__)

RUNTIME_KEY = "samen.runtime"


@dataclass(frozen=True)
class PendingAdmission:
    """What the admission has still to write: done by the update's first unit of work, or by
    the settling handler after the journeys when none wrote."""

    update_id: int
    telegram_user_id: int | None  # the writer of a private chat
    was_blocked: bool
    last_seen_at: datetime | None
    chat_status: str | None


class SamenContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    member: Member | None = None
    dialog: Dialog | None = None
    dialog_row: DialogState | None = None  # the row behind `dialog`, re-attached by `work()`
    admitted: bool = False  # the admission ran for this update (private or not)
    pending: PendingAdmission | None = None
    _t: Translator | None = None
    _after_commit: list[Callable[[], Awaitable[Any]]] | None = None

    @property
    def runtime(self) -> Runtime:
        return runtime_of(self.application)

    @property
    def t(self) -> Translator:
        """The writer's translator, resolved once by the admission."""
        assert self._t is not None, "the admission sets the translator for every update"
        return self._t

    @t.setter
    def t(self, value: Translator) -> None:
        self._t = value

    def translator_for_user(self, update: Update) -> Translator:
        """A translator from Telegram's language_code, for when no member is known (yet)."""
        runtime = self.runtime
        user = update.effective_user
        code = user.language_code if user else None
        return runtime.catalogs.translator(negotiate(code, runtime.settings.default_locale))

    def translator(self, update: Update, member: Member | None) -> Translator:
        """The member's own language (and time zone) once known, else Telegram's guess.

        For a member whose language changed in this update; otherwise use `context.t`."""
        if member is not None and member.locale:
            return self.runtime.catalogs.translator(member.locale, member.time_zone)
        return self.translator_for_user(update)

    def after_commit(self, send: Callable[[], Awaitable[Any]]) -> None:
        """Run `send` once the current unit of work has committed (never while it holds the
        write lock); dropped if the unit rolls back."""
        if self._after_commit is None:
            self._after_commit = []
        self._after_commit.append(send)

    @asynccontextmanager
    async def work(self) -> AsyncIterator[AsyncSession]:
        """The journey's one unit of work: a write transaction that commits once, at the end.

        It first writes what the admission still has pending (the update as handled, the
        member as seen), so an update costs one write transaction. The loaded member and
        dialogue rows are attached again without a query; `context.member` is that attached
        row. On an error
        everything rolls back; a duplicate that raced us on another instance stops the update.
        """
        runtime = self.runtime
        self._after_commit = None
        async with runtime.sessions() as session:
            try:
                pending = self.pending
                if pending is not None:
                    admission = await updates.admit(
                        session,
                        update_id=pending.update_id,
                        now=runtime.clock(),
                        telegram_user_id=pending.telegram_user_id,
                        was_blocked=pending.was_blocked,
                        last_seen_at=pending.last_seen_at,
                        chat_status=pending.chat_status,
                    )
                    if admission.duplicate:
                        await session.rollback()
                        log.info(
                            "duplicate update dropped", extra={"update_id": pending.update_id}
                        )
                        raise ApplicationHandlerStop
                    if admission.reactivated:
                        log.info("member reachable again", extra={"update_id": pending.update_id})
                    if admission.blocked:
                        log.info("member blocked the bot", extra={"update_id": pending.update_id})
                if self.member is not None:
                    self.member = await session.merge(self.member, load=False)
                if self.dialog_row is not None:
                    self.dialog_row = await session.merge(self.dialog_row, load=False)
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
        # Committed: the admission is written, and what waited for the commit may go out.
        self.pending = None
        sends, self._after_commit = self._after_commit or [], None
        for send in sends:
            await send()


def runtime_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    return application.bot_data[RUNTIME_KEY]
