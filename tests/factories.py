"""Factories for Telegram updates and for the (invented) people in our stories."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Person:
    """An invented Telegram user. Never use real people's data in tests."""

    id: int
    first_name: str
    language_code: str | None
    username: str | None = None
    last_name: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        if self.username:
            user["username"] = self.username
        if self.last_name:
            user["last_name"] = self.last_name
        return user

    def as_private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


# Invented people, one per language we test journeys in.
AMIRA = Person(910000001, "Amira", "ar", username="amira_invented")
DAWIT = Person(910000002, "Dawit", "ti")
OLENA = Person(910000003, "Olena", "uk")
SANNE = Person(910000004, "Sanne", "nl")
REZA = Person(910000005, "Reza", "fa")
HAMID = Person(910000006, "Hamid", "fa-AF")
LUCAS = Person(910000007, "Lucas", "pt-BR")
NOOR = Person(910000008, "Noor", None)

GROUP_CHAT = {"id": -100200300, "type": "group", "title": "Invented community group"}


class UpdateFactory:
    """Builds Bot API update dicts, numbered in order, as Telegram would send them."""

    def __init__(self, first_update_id: int = 5001) -> None:
        # Telegram numbers updates upwards; a second factory in one test starts further on.
        self._update_ids = itertools.count(first_update_id)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def _message(
        self, person: Person, chat: dict[str, Any] | None = None, **content: Any
    ) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat or person.as_private_chat(),
            "from": person.as_user(),
            **content,
        }

    def text(self, person: Person, text: str, chat: dict[str, Any] | None = None) -> dict:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {
            "update_id": next(self._update_ids),
            "message": self._message(person, chat, **content),
        }

    def voice(self, person: Person, duration: int = 12, file_id: str = "voice-file-1") -> dict:
        voice = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "duration": duration,
            "mime_type": "audio/ogg",
        }
        return {"update_id": next(self._update_ids), "message": self._message(person, voice=voice)}

    def sticker(self, person: Person) -> dict:
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "u-sticker-1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return {
            "update_id": next(self._update_ids),
            "message": self._message(person, sticker=sticker),
        }

    def photo(self, person: Person) -> dict:
        photo = [{"file_id": "photo-1", "file_unique_id": "u-photo-1", "width": 90, "height": 90}]
        return {"update_id": next(self._update_ids), "message": self._message(person, photo=photo)}

    def location(self, person: Person) -> dict:
        location = {"latitude": 52.0907, "longitude": 5.1214}
        return {
            "update_id": next(self._update_ids),
            "message": self._message(person, location=location),
        }

    def edited_text(self, person: Person, text: str) -> dict:
        message = self._message(person, text=text, edit_date=int(time.time()))
        return {"update_id": next(self._update_ids), "edited_message": message}

    def callback(self, person: Person, data: str, message_id: int = 1) -> dict:
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": person.as_private_chat(),
            "from": {"id": 700000001, "is_bot": True, "first_name": "Samen"},
            "text": "…",
        }
        query = {
            "id": str(next(self._callback_ids)),
            "from": person.as_user(),
            "chat_instance": f"ci-{person.id}",
            "message": message,
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def reaction(self, person: Person, emoji: str = "👍", message_id: int = 1) -> dict:
        reaction = {
            "chat": person.as_private_chat(),
            "message_id": message_id,
            "user": person.as_user(),
            "date": int(time.time()),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": emoji}],
        }
        return {"update_id": next(self._update_ids), "message_reaction": reaction}


async def create_community(
    runtime: Any,
    *,
    name: str = "Invented Buurtkamer Oost",
    code: str = "buurt-oost-4f9k",
    default_locale: str = "nl",
    time_zone: str = "Europe/Amsterdam",
) -> Any:
    """A community made through the service, as `samen community create` makes it."""
    from bot.services import communities

    async with runtime.sessions() as session:
        community = await communities.create(
            session,
            name=name,
            default_locale=default_locale,
            time_zone=time_zone,
            code=code,
            now=runtime.clock(),
        )
        await session.commit()
        return community
