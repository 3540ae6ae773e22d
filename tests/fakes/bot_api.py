"""A fake Telegram Bot API that records every call and can answer with Telegram's errors.

`FakeBotAPI` holds the state and the answers; `FakeRequest` plugs it into python-telegram-bot
at the request layer (so the real PTB code runs in tests), and `tests.fakes.http_server`
serves the same fake over HTTP for tests that run the bot as a real process.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 700000001,
    "is_bot": True,
    "first_name": "Samen",
    "username": "samen_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

SENDING_METHODS = {
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendVoice",
    "sendAudio",
    "sendLocation",
    "copyMessage",
}


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    file_names: dict[str, str] = field(default_factory=dict)
    # What the fake answered (e.g. the sent message, with its message_id); None on an error.
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str | None:
        return self.params.get("text") or self.params.get("caption")

    @property
    def keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return markup.get("inline_keyboard") or markup.get("keyboard") or []

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for row in self.keyboard for button in row]

    def button(self, text: str) -> dict[str, Any]:
        for row in self.keyboard:
            for button in row:
                if button["text"] == text:
                    return button
        raise AssertionError(f"no button {text!r} in {self.button_texts}")


@dataclass(frozen=True)
class ApiError:
    """An error as Telegram answers it: HTTP status, description and optional parameters."""

    status: int
    description: str
    parameters: dict[str, Any] | None = None
    timeout: bool = False

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class Errors:
    """The errors Telegram answers with, as the Bot API words them."""

    BLOCKED = ApiError(403, "Forbidden: bot was blocked by the user")
    DEACTIVATED = ApiError(403, "Forbidden: user is deactivated")
    CHAT_NOT_FOUND = ApiError(400, "Bad Request: chat not found")
    TOO_LONG = ApiError(400, "Bad Request: message is too long")
    SERVER = ApiError(502, "Bad Gateway")
    UNAUTHORIZED = ApiError(401, "Unauthorized")
    TIMEOUT = ApiError(0, "timed out", timeout=True)
    CONFLICT = ApiError(
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running",
    )

    @staticmethod
    def retry_after(seconds: int) -> ApiError:
        return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


@dataclass
class _Rule:
    error: ApiError
    method: str | None
    chat_id: int | None
    remaining: int | None  # None: for ever
    skip: int = 0  # let this many matching calls through first


@dataclass
class TelegramLimits:
    """Telegram's flood limits as a fake enforces them: token buckets, overall and per chat.

    A sending call that finds a bucket empty is answered 429 with `retry_after` (whole
    seconds, as Telegram does) and does not count as sent.
    """

    overall: float = 30.0
    per_chat: float = 1.0
    burst: float = 1.0  # seconds of tokens a bucket holds

    def __post_init__(self) -> None:
        self._overall = (self.overall * self.burst, time.monotonic())
        self._chats: dict[int, tuple[float, float]] = {}

    def take(self, chat_id: int) -> int | None:
        """None when the call may go through; else the seconds to wait."""
        now = time.monotonic()
        overall = self._refill(self._overall, self.overall, now)
        chat = self._refill(self._chats.get(chat_id), self.per_chat, now)
        if overall < 1 or chat < 1:
            missing = max((1 - overall) / self.overall, (1 - chat) / self.per_chat)
            self._overall = (overall, now)
            self._chats[chat_id] = (chat, now)
            return max(1, int(missing + 0.999))
        self._overall = (overall - 1, now)
        self._chats[chat_id] = (chat - 1, now)
        return None

    def _refill(self, state: tuple[float, float] | None, rate: float, now: float) -> float:
        capacity = max(1.0, rate * self.burst)
        if state is None:
            return capacity
        tokens, since = state
        return min(capacity, tokens + (now - since) * rate)


class FakeBotAPI:
    """The state of a fake Bot API. Thread-safe, so the HTTP server can share it."""

    def __init__(self, limits: TelegramLimits | None = None) -> None:
        self._lock = threading.Lock()
        self.calls: list[ApiCall] = []
        self._rules: list[_Rule] = []
        self.limits = limits
        self.throttled = 0  # 429s answered because of `limits`
        # Over HTTP only: calls after the first `_hold_after` sending calls wait for release.
        self._hold_after: int | None = None
        self._sending_calls = 0
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self.changed = threading.Condition(self._lock)

    # --- arranging ---------------------------------------------------------------------------

    def fail(
        self,
        error: ApiError,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int | None = 1,
        after: int = 0,
    ) -> None:
        """Answer matching calls with `error`, `times` times (None: every time), after letting
        `after` matching calls through."""
        with self._lock:
            self._rules.append(_Rule(error, method, chat_id, times, after))

    def hold_after(self, count: int) -> None:
        """Over HTTP: record sending calls after the first `count`, but answer them only after
        `release()` — the process under test is stuck mid-call, as on a slow network."""
        with self._lock:
            self._hold_after = count

    def release(self) -> None:
        with self._lock:
            self._hold_after = None
            self.changed.notify_all()

    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (the HTTP fake's long polling)."""
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self.changed.notify_all()
            return update

    # --- answering ---------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, bytes] | None = None,
        file_names: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Record the call and return (HTTP status, JSON body) as Telegram would."""
        with self._lock:
            if method in SENDING_METHODS and self.limits is not None:
                wait = self.limits.take(int(params.get("chat_id", 0)))
                if wait is not None:
                    self.throttled += 1
                    return 429, Errors.retry_after(wait).body()
            error = self._matching_error(method, params)
            result = self._result(method, params) if error is None else None
            if method != "getUpdates":
                # Recorded before a hold: a test sees the call while the caller still waits.
                self.calls.append(ApiCall(method, params, files or {}, file_names or {}, result))
                self.changed.notify_all()
            if method in SENDING_METHODS:
                self._sending_calls += 1
                number = self._sending_calls
                while self._hold_after is not None and number > self._hold_after:
                    self.changed.wait(1.0)
            if error is not None:
                if error.timeout:
                    raise TimeoutError("fake timeout")
                return error.status, error.body()
            return 200, {"ok": True, "result": result}

    def error_for(self, method: str, params: dict[str, Any]) -> ApiError | None:
        """The arranged error for a call that is answered elsewhere (long polling)."""
        with self._lock:
            return self._matching_error(method, params)

    def take_updates(self, offset: int | None, limit: int = 100) -> list[dict[str, Any]]:
        with self._lock:
            if offset is not None:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
            return list(itertools.islice(self._updates, limit))

    def _matching_error(self, method: str, params: dict[str, Any]) -> ApiError | None:
        chat = params.get("chat_id")
        for rule in self._rules:
            if rule.method is not None and rule.method != method:
                continue
            if rule.chat_id is not None and (chat is None or int(chat) != rule.chat_id):
                continue
            if rule.skip > 0:
                rule.skip -= 1
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._rules.remove(rule)
            return rule.error
        return None

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in SENDING_METHODS or method in {"editMessageText", "editMessageReplyMarkup"}:
            return self._message(params)
        if method == "getUpdates":
            return self.take_updates(params.get("offset"), int(params.get("limit") or 100))
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
        }
        if "text" in params:
            message["text"] = params["text"]
        return message

    # --- asserting ---------------------------------------------------------------------------

    def calls_to(self, method: str, chat_id: int | None = None) -> list[ApiCall]:
        with self._lock:
            return [
                call
                for call in self.calls
                if call.method == method and (chat_id is None or call.chat_id == chat_id)
            ]

    def sent(self, chat_id: int | None = None) -> list[ApiCall]:
        """Every message sent (any sending method), optionally to one chat."""
        with self._lock:
            return [
                call
                for call in self.calls
                if call.method in SENDING_METHODS and (chat_id is None or call.chat_id == chat_id)
            ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [call.text or "" for call in self.sent(chat_id)]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> bool:
        """Block (in a thread) until `predicate(self.calls)` holds; for process tests."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(list(self.calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(remaining)
            return True


class FakeRequest(BaseRequest):
    """python-telegram-bot's request layer, answered by a FakeBotAPI instead of the network."""

    def __init__(self, api: FakeBotAPI):
        self.api = api
        self._hung: dict[int, asyncio.Event] = {}

    def hang(self, chat_id: int) -> asyncio.Event:
        """Calls to `chat_id` hang (in this process) until the returned event is set, then
        time out, as a call stuck on the network until its read timeout would."""
        released = self._hung[chat_id] = asyncio.Event()
        return released

    @property
    def read_timeout(self) -> float | None:
        return 1.0

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
        files: dict[str, bytes] = {}
        names: dict[str, str] = {}
        if request_data is not None:
            # Python values as PTB would serialise them: dicts for keyboards, ints for ids.
            params = json.loads(json.dumps(request_data.parameters))
            if request_data.contains_files:
                for name, part in request_data.multipart_data.items():
                    content = part[1]
                    files[name] = content if isinstance(content, bytes) else content.read()
                    names[name] = part[0]
        hung = self._hung.get(int(params.get("chat_id") or 0))
        if hung is not None:
            await hung.wait()
            raise TimedOut("fake Bot API: the call hung until its timeout")
        try:
            status, body = self.api.handle(api_method, params, files, names)
        except TimeoutError as exc:
            raise TimedOut("fake Bot API timed out") from exc
        return status, json.dumps(body).encode()
