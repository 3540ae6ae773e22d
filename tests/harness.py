"""Drive the real python-telegram-bot application against the fake Bot API, turn by turn.

`BotHarness` sends updates as a person would (say, tap a button, send a voice note) and
returns what the bot answered. `transcript` checks a whole conversation: a list of turns,
each what the person does and what the bot must answer, and on a mismatch shows the
conversation so far, the way a person would read it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update

from bot.channels.telegram.app import SamenApplication
from bot.runtime import Runtime
from tests.factories import Person, UpdateFactory
from tests.fakes.bot_api import ApiCall, FakeBotAPI

# What a person sees as the bot's answer; other calls (menus, edits, answers to button
# taps) are checked separately where they matter.
VISIBLE = {"sendMessage", "sendDocument", "sendVoice", "sendPhoto"}


class FakeClock:
    """A clock tests move by hand; services read the time only through the runtime's clock."""

    def __init__(self, now: datetime | None = None):
        self.now = now or datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


# --- what a person does -------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Tap:
    """Tap the button with this label on the newest message that has it."""

    label: str

    def __str__(self) -> str:
        return f"[{self.label}]"


@dataclass(frozen=True)
class Voice:
    duration: int = 12
    file_id: str = "voice-file-1"

    def __str__(self) -> str:
        return f"(voice message, {self.duration} s)"


@dataclass(frozen=True)
class Send:
    """Any other update, built by the UpdateFactory (sticker, photo, location, edit…)."""

    build: Callable[[UpdateFactory, Person], dict[str, Any]]
    description: str

    def __str__(self) -> str:
        return f"({self.description})"


Action = Say | Tap | Voice | Send


# --- what the bot must answer -------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One message from the bot: its text (exactly, or containing each of `contains`), and
    optionally its buttons, or for a document its file name."""

    text: str | None = None
    contains: Sequence[str] = ()
    buttons: Sequence[str] | None = None
    document: str | None = None

    def mismatch(self, call: ApiCall) -> str | None:
        actual = call.text or ""
        if self.text is not None and actual != self.text:
            return f"text differs:\n  expected: {self.text!r}\n  actual:   {actual!r}"
        for part in self.contains:
            if part not in actual:
                return f"{part!r} not in {actual!r}"
        if self.buttons is not None and list(self.buttons) != call.button_texts:
            return f"buttons differ: expected {list(self.buttons)}, got {call.button_texts}"
        if self.document is not None:
            if call.method != "sendDocument":
                return f"expected a document, got {call.method}"
            name = document_name(call)
            if name != self.document:
                return f"document name {name!r}, expected {self.document!r}"
        return None


Expected = str | Reply


def document_name(call: ApiCall) -> str | None:
    names = list(call.file_names.values())
    return names[0] if names else None


def json_document(call: ApiCall) -> Any:
    """The JSON inside a sent document."""
    return json.loads(next(iter(call.files.values())).decode())


@dataclass
class Turn:
    does: Action
    answers: Sequence[Expected] = field(default_factory=list)


@dataclass
class BotHarness:
    app: SamenApplication
    api: FakeBotAPI
    runtime: Runtime
    updates: UpdateFactory

    async def feed(self, update: dict[str, Any]) -> list[ApiCall]:
        """Process one raw update; return what the bot sent in answer."""
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return [
            call
            for call in self.api.calls[before:]
            if call.method not in {"answerCallbackQuery", "getMe"}
        ]

    async def say(self, person: Person, text: str) -> list[str]:
        """The user sends a text; the texts the bot answered with."""
        return [call.text or "" for call in await self.feed(self.updates.text(person, text))]

    # --- the screen as the person sees it ---------------------------------------------------

    def screen(self, person: Person) -> list[tuple[int, str, list[list[dict[str, Any]]]]]:
        """The person's chat, oldest first: (message id, text, buttons), edits applied."""
        messages: dict[int, tuple[str, list[list[dict[str, Any]]]]] = {}
        for call in self.api.calls:
            if call.chat_id != person.id:
                continue
            if call.method in VISIBLE and isinstance(call.result, dict):
                messages[call.result["message_id"]] = (call.text or "", call.keyboard)
            elif call.method == "editMessageText" and call.result is not None:
                messages[int(call.params["message_id"])] = (call.text or "", call.keyboard)
            elif call.method == "editMessageReplyMarkup":
                message_id = int(call.params["message_id"])
                text, _ = messages.get(message_id, ("", []))
                messages[message_id] = (text, call.keyboard)
        return [(mid, text, keyboard) for mid, (text, keyboard) in messages.items()]

    def find_button(self, person: Person, label: str) -> tuple[int, str]:
        """(message id, callback data) of the newest button with this label."""
        for message_id, _text, keyboard in reversed(self.screen(person)):
            for row in keyboard:
                for button in row:
                    if button["text"] == label:
                        return message_id, button["callback_data"]
        visible = [b["text"] for _, _, k in self.screen(person) for row in k for b in row]
        raise AssertionError(f"no button {label!r} on screen; buttons: {visible}")

    async def tap(self, person: Person, label: str) -> list[ApiCall]:
        message_id, data = self.find_button(person, label)
        return await self.feed(self.updates.callback(person, data, message_id=message_id))

    async def press(self, person: Person, data: str, message_id: int = 1) -> list[ApiCall]:
        """Send raw callback data, as a forged or stale button would."""
        return await self.feed(self.updates.callback(person, data, message_id=message_id))

    def last_callback_answer(self) -> str | None:
        answers = self.api.calls_to("answerCallbackQuery")
        return answers[-1].params.get("text") if answers else None

    async def act(self, person: Person, action: Action) -> list[ApiCall]:
        match action:
            case Say(text):
                calls = await self.feed(self.updates.text(person, text))
            case Tap(label):
                calls = await self.tap(person, label)
            case Voice(duration, file_id):
                calls = await self.feed(self.updates.voice(person, duration, file_id))
            case Send(build, _):
                calls = await self.feed(build(self.updates, person))
        return [call for call in calls if call.method in VISIBLE]

    async def transcript(self, person: Person, turns: Sequence[Turn]) -> list[list[ApiCall]]:
        """Play the turns; fail at the first answer that differs, showing the conversation."""
        log: list[str] = []
        answered: list[list[ApiCall]] = []
        for number, turn in enumerate(turns, 1):
            calls = await self.act(person, turn.does)
            answered.append(calls)
            log.append(f"{number:>2}. {person.first_name}: {turn.does}")
            log += [f"    bot: {_show(call)}" for call in calls]
            problem = None
            if len(calls) != len(turn.answers):
                problem = f"expected {len(turn.answers)} answers, got {len(calls)}"
            else:
                for expected, call in zip(turn.answers, calls, strict=True):
                    reply = Reply(text=expected) if isinstance(expected, str) else expected
                    problem = reply.mismatch(call)
                    if problem:
                        break
            if problem:
                raise AssertionError(
                    f"turn {number}: {problem}\n--- conversation so far ---\n" + "\n".join(log)
                )
        return answered


def _show(call: ApiCall) -> str:
    text = (call.text or "").replace("\n", " ⏎ ")
    shown = text if len(text) < 160 else text[:157] + "…"
    if call.method == "sendDocument":
        shown = f"(document {document_name(call)}) {shown}"
    if call.button_texts:
        shown += "  " + " ".join(f"[{label}]" for label in call.button_texts)
    return shown
