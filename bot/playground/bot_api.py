"""An in-process Bot API: what Telegram's servers would do for the calls Samen makes.

`PlaygroundBotAPI` keeps every private chat as Telegram would show it (messages with their
entities and inline keyboards, edits applied, files kept for download), the command menus
registered with `setMyCommands` per scope and language, and tells listeners (the web page)
about every change. `PlaygroundRequest` plugs it into python-telegram-bot at the request
layer, so the real PTB code builds and parses every call; no socket is ever opened.

Updates go the other way through the application's `update_queue` (see `session`); the
messages people send are recorded here too, so a chat shows both sides in order.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

BOT_ID = 7_000_000_001
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Samen (playground)",
    "username": "samen_playground_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# Calls that need no state: Telegram answers `true` (or a fixed object).
_TRUE = {
    "sendChatAction",
    "setMessageReaction",
    "deleteWebhook",
    "setWebhook",
    "close",
    "logOut",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setChatMenuButton",
}


@dataclass
class StoredFile:
    file_id: str
    name: str
    mime_type: str
    content: bytes


@dataclass
class ChatMessage:
    """One message in a private chat, as the person's phone shows it."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: datetime
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    keyboard: list[list[dict[str, Any]]] = field(default_factory=list)
    # document | photo | voice | location | None (text)
    attachment: str | None = None
    file: StoredFile | None = None
    duration: int | None = None
    location: tuple[float, float] | None = None
    edited: bool = False


@dataclass(frozen=True)
class Event:
    """What changed: `message` (new or edited), `toast` (a button's answer), `menu`."""

    kind: str
    chat_id: int
    message_id: int | None = None
    text: str | None = None
    alert: bool = False


class ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _as_json(value: Any) -> Any:
    """PTB hands over nested values as Python objects or, for some, JSON strings."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _scope_key(scope: Any) -> tuple[str, int | None]:
    scope = _as_json(scope) or {"type": "default"}
    chat = scope.get("chat_id")
    return scope.get("type", "default"), int(chat) if chat is not None else None


class PlaygroundBotAPI:
    """The state of the playground's Telegram. Used from one event loop only."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.chats: dict[int, dict[int, ChatMessage]] = {}
        self.files: dict[str, StoredFile] = {}
        # (scope type, chat id or None, language code or "") -> [(command, description)]
        self.menus: dict[tuple[str, int | None, str], list[tuple[str, str]]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._listeners: list[Callable[[Event], None]] = []
        self.calls: list[str] = []  # method names, in order (for the page's diagnostics)
        self._changed = asyncio.Event()

    # --- listeners -----------------------------------------------------------------------------

    def listen(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)
        self._changed.set()

    async def wait_for(self, predicate: Callable[[], bool], seconds: float = 10.0) -> bool:
        """Wait until `predicate()` holds (checked after every change); False after `seconds`."""
        try:
            async with asyncio.timeout(seconds):
                while not predicate():
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            return False
        return True

    # --- the people's side ---------------------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        # In a private chat both sides' messages share one numbering, as in Telegram.
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def record(self, message: ChatMessage) -> ChatMessage:
        """Show a message in its chat (a person's own message, or one the bot sent)."""
        self.chats.setdefault(message.chat_id, {})[message.message_id] = message
        self._emit(Event("message", message.chat_id, message.message_id))
        return message

    def store_file(self, name: str, mime_type: str, content: bytes) -> StoredFile:
        stored = StoredFile(secrets.token_urlsafe(12), name, mime_type, content)
        self.files[stored.file_id] = stored
        return stored

    def messages(self, chat_id: int) -> list[ChatMessage]:
        return list(self.chats.get(chat_id, {}).values())

    def message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        return self.chats.get(chat_id, {}).get(message_id)

    def menu_for(self, chat_id: int, language_code: str | None) -> list[tuple[str, str]]:
        """The command list a Telegram app with this language shows in this private chat.

        Telegram's order: the chat's own scope (with, then without the language), then all
        private chats, then the default scope.
        """
        code = (language_code or "").split("-")[0]
        for scope, chat in (("chat", chat_id), ("all_private_chats", None), ("default", None)):
            for language in (code, ""):
                commands = self.menus.get((scope, chat, language))
                if commands is not None:
                    return commands
        return []

    # --- the bot's side ------------------------------------------------------------------------

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, str, bytes]]
    ) -> Any:
        """Answer one Bot API call with its result, or raise ApiError as Telegram would."""
        self.calls.append(method)
        if method == "getMe":
            return BOT_USER
        if method in _TRUE:
            return True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getUpdates":
            # The playground feeds updates straight into the application's queue.
            return []
        if method == "setMyCommands":
            return self._set_commands(params)
        if method == "deleteMyCommands":
            return self._delete_commands(params)
        if method == "getMyCommands":
            key = (*_scope_key(params.get("scope")), params.get("language_code") or "")
            return [{"command": c, "description": d} for c, d in self.menus.get(key, [])]
        if method == "answerCallbackQuery":
            return self._answer_callback(params)
        if method in {"sendMessage", "sendDocument", "sendPhoto", "sendVoice", "sendLocation"}:
            return self._send(method, params, files)
        if method == "editMessageText":
            return self._edit(params, text=True)
        if method == "editMessageReplyMarkup":
            return self._edit(params, text=False)
        if method == "deleteMessage":
            return self._delete(params)
        log.warning("the playground has no Bot API method %s", method)
        raise ApiError(404, "Not Found")

    def _chat_id(self, params: dict[str, Any]) -> int:
        try:
            chat_id = int(params["chat_id"])
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat_id is empty") from None
        if chat_id <= 0:
            # Only private chats exist in the playground (Samen works in private chats).
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _send(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, str, bytes]]
    ) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message = ChatMessage(
            message_id=self.next_message_id(chat_id),
            chat_id=chat_id,
            from_bot=True,
            date=self._clock(),
            keyboard=_keyboard(params.get("reply_markup")),
        )
        if method == "sendMessage":
            message.text = str(params.get("text") or "")
            if not message.text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            message.entities = list(_as_json(params.get("entities")) or [])
        else:
            message.text = str(params.get("caption") or "")
            message.entities = list(_as_json(params.get("caption_entities")) or [])
            kind = method.removeprefix("send").lower()
            message.attachment = kind
            if kind == "location":
                message.location = (float(params["latitude"]), float(params["longitude"]))
            else:
                message.file = self._file_of(kind, params, files)
                if kind == "voice":
                    message.duration = int(params.get("duration") or 0)
        self.record(message)
        return self._as_telegram(message)

    def _file_of(
        self, kind: str, params: dict[str, Any], files: dict[str, tuple[str, str, bytes]]
    ) -> StoredFile:
        if kind in files:
            name, mime_type, content = files[kind]
            return self.store_file(name, mime_type, content)
        known = self.files.get(str(params.get(kind) or ""))
        if known is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return known

    def _edit(self, params: dict[str, Any], *, text: bool) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message = self.message(chat_id, int(params.get("message_id") or 0))
        if message is None or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        keyboard = _keyboard(params.get("reply_markup"))
        if text:
            new_text = str(params.get("text") or "")
            if not new_text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            entities = list(_as_json(params.get("entities")) or [])
            before = (message.text, message.entities, message.keyboard)
            if (new_text, entities, keyboard) == before:
                raise ApiError(400, "Bad Request: message is not modified")
            message.text, message.entities = new_text, entities
        elif keyboard == message.keyboard:
            raise ApiError(400, "Bad Request: message is not modified")
        # As in Telegram, an edit without reply_markup removes the inline keyboard.
        message.keyboard = keyboard
        message.edited = True
        self._emit(Event("message", chat_id, message.message_id))
        return self._as_telegram(message)

    def _delete(self, params: dict[str, Any]) -> bool:
        chat_id = self._chat_id(params)
        removed = self.chats.get(chat_id, {}).pop(int(params.get("message_id") or 0), None)
        if removed is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self._emit(Event("deleted", chat_id, removed.message_id))
        return True

    def _answer_callback(self, params: dict[str, Any]) -> bool:
        text = params.get("text")
        chat_id = int(str(params.get("callback_query_id", "0:")).split(":", 1)[0] or 0)
        if text:
            alert = bool(params.get("show_alert"))
            self._emit(Event("toast", chat_id, text=str(text), alert=alert))
        return True

    def _set_commands(self, params: dict[str, Any]) -> bool:
        commands = _as_json(params.get("commands")) or []
        scope, chat = _scope_key(params.get("scope"))
        language = params.get("language_code") or ""
        self.menus[(scope, chat, language)] = [(c["command"], c["description"]) for c in commands]
        self._emit(Event("menu", chat or 0))
        return True

    def _delete_commands(self, params: dict[str, Any]) -> bool:
        scope, chat = _scope_key(params.get("scope"))
        self.menus.pop((scope, chat, params.get("language_code") or ""), None)
        self._emit(Event("menu", chat or 0))
        return True

    def _as_telegram(self, message: ChatMessage) -> dict[str, Any]:
        """The Message object Telegram answers a send or an edit with."""
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(message.date.timestamp()),
            "chat": {"id": message.chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if message.edited:
            result["edit_date"] = int(self._clock().timestamp())
        caption = message.attachment is not None
        if message.text:
            result["caption" if caption else "text"] = message.text
        if message.entities:
            result["caption_entities" if caption else "entities"] = message.entities
        if message.keyboard:
            result["reply_markup"] = {"inline_keyboard": message.keyboard}
        stored = message.file
        if stored is not None:
            described = {
                "file_id": stored.file_id,
                "file_unique_id": f"u{stored.file_id}",
                "file_size": len(stored.content),
            }
            if message.attachment == "photo":
                result["photo"] = [{**described, "width": 800, "height": 600}]
            elif message.attachment == "voice":
                result["voice"] = {
                    **described,
                    "duration": message.duration or 0,
                    "mime_type": stored.mime_type,
                }
            else:
                result["document"] = {
                    **described,
                    "file_name": stored.name,
                    "mime_type": stored.mime_type,
                }
        if message.location is not None:
            latitude, longitude = message.location
            result["location"] = {"latitude": latitude, "longitude": longitude}
        return result


def _keyboard(markup: Any) -> list[list[dict[str, Any]]]:
    markup = _as_json(markup) or {}
    return [list(row) for row in markup.get("inline_keyboard") or []]


class PlaygroundRequest(BaseRequest):
    """python-telegram-bot's request layer, answered by the playground instead of a network."""

    def __init__(self, api: PlaygroundBotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, str, bytes]] = {}
        if request_data is not None:
            # Round-trip through JSON: the values Telegram would receive, not Python objects.
            params = json.loads(json.dumps(request_data.parameters))
            if request_data.contains_files:
                for name, part in request_data.multipart_data.items():
                    content = part[1] if isinstance(part[1], bytes) else part[1].read()
                    mime_type = (part[2] if len(part) > 2 else None) or "application/octet-stream"
                    files[name] = (part[0] or name, mime_type, content)
        try:
            result = self.api.handle(api_method, params, files)
        except ApiError as error:
            body = {"ok": False, "error_code": error.status, "description": error.description}
            return error.status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()
