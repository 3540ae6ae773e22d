"""The invented people of the playground, and the Telegram updates their actions become."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.playground.bot_api import BOT_USER, ChatMessage

# Playground people have Telegram ids in this block, far above any id Telegram has given out;
# a member outside it is a real person (see `session.real_members`).
FIRST_ID = 8_000_000_000_001
LAST_ID = 8_000_000_999_999


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    # What their Telegram app reports (`language_code`); the bot negotiates from it.
    language_code: str
    # organiser | coordinator | newcomer (shown on the page; the roles live in the database)
    role: str = "newcomer"

    def as_user(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.name,
            "language_code": self.language_code,
        }

    def as_chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private", "first_name": self.name}


def is_playground_id(user_id: int) -> bool:
    return FIRST_ID <= user_id <= LAST_ID


class Updates:
    """Numbers updates upwards and writes them as Telegram's servers would."""

    def __init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def _update(self, key: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), key: value}

    def message(self, person: Person, sent: ChatMessage) -> dict[str, Any]:
        """The update for a message the person just sent (already shown in their chat)."""
        content: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(sent.date.timestamp()),
            "chat": person.as_chat(),
            "from": person.as_user(),
        }
        if sent.attachment is None:
            content["text"] = sent.text
            if sent.entities:
                content["entities"] = sent.entities
        elif sent.attachment == "voice" and sent.file is not None:
            content["voice"] = {
                "file_id": sent.file.file_id,
                "file_unique_id": f"u{sent.file.file_id}",
                "duration": sent.duration or 1,
                "mime_type": sent.file.mime_type,
                "file_size": len(sent.file.content),
            }
        elif sent.attachment == "photo" and sent.file is not None:
            content["photo"] = [
                {
                    "file_id": sent.file.file_id,
                    "file_unique_id": f"u{sent.file.file_id}",
                    "width": 640,
                    "height": 480,
                    "file_size": len(sent.file.content),
                }
            ]
        elif sent.attachment == "location" and sent.location is not None:
            content["location"] = {"latitude": sent.location[0], "longitude": sent.location[1]}
        return self._update("message", content)

    def callback(
        self, person: Person, shown: ChatMessage, data: str, *, now: datetime
    ) -> dict[str, Any]:
        """A tap on an inline button of a message the bot sent."""
        message: dict[str, Any] = {
            "message_id": shown.message_id,
            "date": int(shown.date.timestamp()),
            "chat": person.as_chat(),
            "from": BOT_USER,
            "text": shown.text or "…",
        }
        if shown.keyboard:
            message["reply_markup"] = {"inline_keyboard": shown.keyboard}
        query = {
            # The chat in the id lets the Bot API show the answer in the right phone.
            "id": f"{person.user_id}:{next(self._callback_ids)}",
            "from": person.as_user(),
            "chat_instance": f"playground-{person.user_id}",
            "message": message,
            "data": data,
        }
        return self._update("callback_query", query)


def command_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks a leading /command as a bot_command entity (CommandHandler needs it)."""
    if not text.startswith("/"):
        return []
    command = text.split()[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]
