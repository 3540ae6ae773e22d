"""The outbox's Telegram side: render a claimed row and send it, reporting what happened.

The outbox has its own `Bot` without PTB's rate limiter: the dispatcher paces its calls in
the process's shared pacer (at bulk priority, after the replies) and must see every
`RetryAfter` itself, to pause the pacer and record the row as throttled.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageEntity,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.channels.telegram.budget import retry_after_seconds
from bot.channels.telegram.outbox.outgoing import Outgoing, RenderContext, Renderers
from bot.channels.telegram.outbox.splitting import MAX_CAPTION, TextEntity, split_text, utf16_len
from bot.config import Settings
from bot.i18n import Catalogs
from bot.services.outbox import Claimed, Outcome, Reason, Verdict
from bot.services.outbox.dispatcher import Pace, RenderError
from bot.services.outbox.pacer import SendingPaused

log = logging.getLogger(__name__)

_SERVER_ERROR = re.compile(
    r"\(5\d\d\)|bad gateway|internal server error|service unavailable|gateway time-?out",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Part:
    """One API call: a text message or a document, with the keyboard on the last part."""

    text: str | None
    entities: tuple[TextEntity, ...] = ()
    markup: InlineKeyboardMarkup | None = None
    document: tuple[str, bytes] | None = None
    media: tuple[str, str] | None = None  # (voice|photo, Telegram file id)


def plan(outgoing: Outgoing) -> list[Part]:
    """The calls that deliver `outgoing`: the text split on safe boundaries, then the file."""
    if outgoing.media is not None:
        caption = outgoing.media.caption or outgoing.text or None
        if caption is not None and utf16_len(caption) > MAX_CAPTION:
            raise RenderError("a caption is at most 1024 characters")
        return [Part(caption, (), media=(outgoing.media.kind, outgoing.media.file_id))]
    parts: list[Part] = [
        Part(text, tuple(entities))
        for text, entities in split_text(outgoing.text, outgoing.entities)
    ]
    if outgoing.document is not None:
        caption = outgoing.document.caption
        if caption is not None and utf16_len(caption) > MAX_CAPTION:
            parts.extend(Part(text, tuple(e)) for text, e in split_text(caption))
            caption = None
        parts.append(
            Part(caption, (), document=(outgoing.document.filename, outgoing.document.content))
        )
    if not parts:
        raise RenderError("nothing to send: no text and no document")
    if outgoing.buttons:
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
                for row in outgoing.buttons
            ]
        )
        last = parts[-1]
        parts[-1] = Part(last.text, last.entities, markup, last.document)
    return parts


class TelegramChannel:
    """Implements `bot.services.delivery.Channel` with python-telegram-bot."""

    def __init__(self, bot: Bot, catalogs: Catalogs, renderers: Renderers, default_locale: str):
        self.bot = bot
        self.catalogs = catalogs
        self.renderers = renderers
        self.default_locale = default_locale

    @classmethod
    def create(
        cls,
        settings: Settings,
        catalogs: Catalogs,
        renderers: Renderers,
        request: BaseRequest | None = None,
    ) -> TelegramChannel:
        api = settings.telegram_api_url
        request = request or HTTPXRequest(
            connection_pool_size=settings.outbox_concurrency + 2,
            read_timeout=15.0,
            write_timeout=15.0,
            connect_timeout=5.0,
            pool_timeout=5.0,
        )
        bot = Bot(
            settings.require_token(),
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            request=request,
            get_updates_request=request,
        )
        return cls(bot, catalogs, renderers, settings.default_locale)

    async def start(self) -> None:
        await self.bot.initialize()

    async def stop(self) -> None:
        await self.bot.shutdown()

    async def render(self, session: AsyncSession, row: Claimed, cache: dict[Any, Any]) -> Any:
        kind = row.payload.get("kind")
        if not isinstance(kind, str):
            raise RenderError("payload without kind")
        renderer = self.renderers.get(kind)
        t = self.catalogs.translator(row.locale or self.default_locale, row.time_zone)
        outgoing = await renderer(t, row.payload, RenderContext(session, row, cache))
        return plan(outgoing)

    async def send(self, row: Claimed, rendered: Any, pace: Pace) -> Outcome:
        parts: list[Part] = rendered
        sent = row.parts_sent
        message_id: int | None = None
        for index, part in enumerate(parts):
            if index < sent:
                continue  # delivered by an earlier attempt
            try:
                await pace()
            except SendingPaused:
                return Outcome(row, Verdict.RELEASED, parts_sent=sent)
            try:
                message = await self._call(row.chat_id, part)
            except TelegramError as exc:
                return self._failure(row, exc, sent)
            sent += 1
            message_id = message.message_id
        return Outcome(row, Verdict.SENT, message_id=message_id, parts_sent=sent)

    async def _call(self, chat_id: int, part: Part) -> Message:
        entities = [MessageEntity(e.type, e.offset, e.length, url=e.url) for e in part.entities]
        if part.media is not None:
            kind, file_id = part.media
            send = self.bot.send_voice if kind == "voice" else self.bot.send_photo
            return await send(chat_id, file_id, caption=part.text, reply_markup=part.markup)
        if part.document is not None:
            filename, content = part.document
            return await self.bot.send_document(
                chat_id,
                InputFile(content, filename=filename),
                caption=part.text,
                caption_entities=entities or None,
                reply_markup=part.markup,
            )
        return await self.bot.send_message(
            chat_id, part.text or "", entities=entities or None, reply_markup=part.markup
        )

    def _failure(self, row: Claimed, exc: TelegramError, sent: int) -> Outcome:
        verdict, reason, retry_after = classify(exc)
        if isinstance(exc, InvalidToken):
            log.error("Telegram refused the bot token", extra={"outbox_id": row.id})
        return Outcome(row, verdict, reason, parts_sent=sent, retry_after=retry_after)


def classify(exc: TelegramError) -> tuple[Verdict, Reason, float | None]:
    """What a Bot API error means for the row: (verdict, reason, seconds to wait)."""
    text = str(exc).lower()
    if isinstance(exc, RetryAfter):
        return Verdict.THROTTLED, Reason.RATE_LIMITED, retry_after_seconds(exc)
    if isinstance(exc, Forbidden):
        if "blocked" in text:
            return Verdict.BLOCKED, Reason.BOT_BLOCKED, None
        if "deactivated" in text:
            return Verdict.BLOCKED, Reason.USER_DEACTIVATED, None
        return Verdict.FAILED, Reason.FORBIDDEN, None
    if isinstance(exc, BadRequest):  # before NetworkError: BadRequest is one
        if "chat not found" in text:
            return Verdict.FAILED, Reason.CHAT_NOT_FOUND, None
        if "too long" in text:
            return Verdict.FAILED, Reason.MESSAGE_TOO_LONG, None
        return Verdict.FAILED, Reason.BAD_REQUEST, None
    if isinstance(exc, ChatMigrated):
        return Verdict.FAILED, Reason.BAD_REQUEST, None
    if isinstance(exc, TimedOut):
        return Verdict.RETRY, Reason.TIMEOUT, None
    if isinstance(exc, NetworkError) and _SERVER_ERROR.search(str(exc)):
        return Verdict.RETRY, Reason.SERVER_ERROR, None
    return Verdict.RETRY, Reason.NETWORK_ERROR, None
