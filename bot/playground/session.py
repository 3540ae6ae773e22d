"""One playground: its database, the real application on the in-process Bot API, the people.

The application is built by the same factory as `samen run` and started the way
python-telegram-bot's own run loop starts it (initialize, post_init, start), so the command
menus, the outbox worker and the periodic jobs run as in production. What people do in the
page becomes updates on the application's `update_queue`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import struct
import wave
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.engine import Connection, make_url
from telegram import Update

from bot.channels.telegram.app import SamenApplication, build_application, outbox_of
from bot.config import Settings, load_settings
from bot.db import migrate, prepare_database
from bot.db.engine import create_engine
from bot.db.models import Member
from bot.i18n import find_language, negotiate
from bot.playground import seed
from bot.playground.bot_api import (
    ChatMessage,
    Event,
    PlaygroundBotAPI,
    PlaygroundRequest,
)
from bot.playground.clock import PlaygroundClock
from bot.playground.people import (
    FIRST_ID,
    LAST_ID,
    Person,
    Updates,
    command_entities,
)
from bot.runtime import Runtime
from bot.scheduler import CHECKINS_JOB, EXPIRE_INPUT_JOB, OUTBOX_JOB, PLAN_CHECKINS_JOB
from bot.services import communities

log = logging.getLogger(__name__)

# Shaped like a token so the settings accept it; the in-process Bot API never checks it.
PLAYGROUND_TOKEN = "1000000001:playground-not-a-telegram-token"
# Never contacted: the request layer is replaced. `.invalid` cannot resolve (RFC 2606), so
# even a mistake could not reach Telegram.
PLAYGROUND_API_URL = "http://bot-api.playground.invalid"
MAX_TEXT = 4096  # Telegram's limit for a message a person types
MAX_NAME = 64
MAX_PEOPLE = 40
# Where the location button puts people (an invented spot in Utrecht).
LOCATION = (52.0907, 5.1214)


class PlaygroundRefused(Exception):
    """The playground will not start as asked; the message says why in one line."""


class BadAction(ValueError):
    """What the page asked for does not fit the chat (no such person, button, message)."""


@dataclass(frozen=True)
class DatabaseChoice:
    url: str
    # The playground's own SQLite file, recreated on every start and on reset; None when
    # the visitor named a database with --database.
    own_file: Path | None

    @property
    def explicit(self) -> bool:
        return self.own_file is None


def own_database(cache_dir: Path) -> DatabaseChoice:
    path = cache_dir / "playground.db"
    return DatabaseChoice(f"sqlite+aiosqlite:///{path}", path)


def playground_settings(database_url: str) -> Settings:
    """The settings of a playground: its own database, the in-process Bot API, no webhook.

    Whatever DATABASE_URL, TELEGRAM_BOT_TOKEN or .env say is ignored on purpose: the
    playground must never reach a real bot's members.
    """
    return load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=PLAYGROUND_TOKEN,
        DATABASE_URL=database_url,
        TELEGRAM_API_URL=PLAYGROUND_API_URL,
        SAMEN_WEBHOOK_URL="",
        SAMEN_COORDINATOR_IDS="",
        SAMEN_DEFAULT_COMMUNITY=seed.COMMUNITY_CODE,
        SAMEN_BOT_USERNAME="samen_playground_bot",
        SAMEN_INSTANCE_ID="playground",
        SAMEN_DEFAULT_LOCALE="nl",
    )


def _count_real(sync: Connection) -> int:
    if not inspect(sync).has_table("members"):
        return 0
    query = select(func.count()).where(
        or_(Member.telegram_user_id < FIRST_ID, Member.telegram_user_id > LAST_ID)
    )
    return int(sync.execute(query).scalar_one())


async def real_members(database_url: str) -> int:
    """How many members of this database are not playground people (0 for a new database)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_count_real)
    finally:
        await engine.dispose()


def voice_clip(seconds: int) -> bytes:
    """A short, soft two-tone WAV made on the spot: something to hear when it is played."""
    rate = 8000
    frames = BytesIO()
    with wave.open(frames, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(rate)
        samples = (
            int(2000 * math.sin(2 * math.pi * (330 if (i // rate) % 2 else 440) * i / rate))
            for i in range(rate * seconds)
        )
        clip.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return frames.getvalue()


class Playground:
    """Start, reset and stop the playground; turn what people do into updates."""

    def __init__(self, database: DatabaseChoice, clock: PlaygroundClock | None = None) -> None:
        self.database = database
        self.clock = clock or PlaygroundClock()
        self.people: dict[int, Person] = {}
        self.real_members = 0
        self.api = PlaygroundBotAPI(self.clock)
        self.world: seed.DemoWorld | None = None
        self._app: SamenApplication | None = None
        self._updates = Updates()
        self._listeners: list[Callable[[Event], None]] = []
        self._next_ids = itertools.count(FIRST_ID + len(seed.CAST))
        self._lock = asyncio.Lock()

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def app(self) -> SamenApplication:
        if self._app is None:
            raise RuntimeError("the playground is not running")
        return self._app

    @property
    def runtime(self) -> Runtime:
        return self.app.bot_data["samen.runtime"]

    @property
    def can_reset(self) -> bool:
        return self.real_members == 0

    async def start(self) -> None:
        async with self._lock:
            await self._start()

    async def _start(self) -> None:
        settings = playground_settings(self.database.url)
        url = settings.database_url
        own = self.database.own_file
        if own is not None:
            if own.exists() and await real_members(url):
                raise PlaygroundRefused(
                    f"{own} holds members who are not playground people; the playground "
                    "will not use or delete it (move it away, or name it with --database)"
                )
            own.parent.mkdir(parents=True, exist_ok=True)
            for path in (own, *(own.with_name(own.name + s) for s in ("-wal", "-shm"))):
                path.unlink(missing_ok=True)
        safe = make_url(url).render_as_string(hide_password=True)
        await prepare_database(url, safe)
        if own is None:
            self.real_members = await real_members(url)
            if self.real_members:
                log.warning(
                    "the database named with --database holds %d real members: messages "
                    "queued for them go to the playground page, not to them; reset is off",
                    self.real_members,
                )
        runtime = Runtime.create(settings, clock=self.clock)
        try:
            async with runtime.sessions() as session:
                existing = await communities.find_by_code(session, seed.COMMUNITY_CODE)
            if existing is None:
                self.world = await seed.seed(runtime, runtime.catalogs)
            self.people = {person.user_id: person for person in seed.CAST}
            app = build_application(settings, runtime=runtime, request=PlaygroundRequest(self.api))
            self._unlisten = self.api.listen(self._relay)
            await app.initialize()
            if app.post_init is not None:
                await app.post_init(app)
            await app.start()
        except BaseException:
            await runtime.close()
            raise
        self._app = app

    async def stop(self) -> None:
        async with self._lock:
            await self._stop()

    async def _stop(self) -> None:
        app, self._app = self._app, None
        if app is None:
            return
        # The order of python-telegram-bot's own run loop: stop, post_stop, shutdown.
        if app.running:
            await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        self._unlisten()

    async def reset(self) -> None:
        """Everything from the start: database, chats, people, clock."""
        if not self.can_reset:
            raise PlaygroundRefused("this database holds real members; it is not reset")
        async with self._lock:
            await self._stop()
            if self.database.own_file is None:
                engine = create_engine(playground_settings(self.database.url).database_url)
                try:
                    await migrate.downgrade(engine, "base")
                finally:
                    await engine.dispose()
            self.api = PlaygroundBotAPI(self.clock)
            self.clock.offset = timedelta()
            self._updates = Updates()
            self._next_ids = itertools.count(FIRST_ID + len(seed.CAST))
            await self._start()
        self._emit(Event("reset", 0))

    # --- listeners (the page's event stream) -----------------------------------------------

    def listen(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _relay(self, event: Event) -> None:
        self._emit(event)

    # --- people --------------------------------------------------------------------------------

    def person(self, user_id: int) -> Person:
        person = self.people.get(user_id)
        if person is None:
            raise BadAction("no such person in the playground")
        return person

    def add_person(self, name: str, language_code: str) -> Person:
        name = " ".join(name.split())
        if not 0 < len(name) <= MAX_NAME:
            raise BadAction(f"a name has 1 to {MAX_NAME} characters")
        if find_language(language_code) is None:
            raise BadAction("Samen has no language with that code")
        if len(self.people) >= MAX_PEOPLE:
            raise BadAction(f"the playground holds at most {MAX_PEOPLE} people")
        person = Person(next(self._next_ids), name, language_code)
        self.people[person.user_id] = person
        self._emit(Event("person", person.user_id))
        return person

    async def locales(self) -> dict[int, str]:
        """The language the bot speaks with each person who is a member (by Telegram id)."""
        async with self.runtime.sessions() as session:
            rows = await session.execute(
                select(Member.telegram_user_id, Member.locale).where(
                    Member.telegram_user_id.in_(list(self.people))
                )
            )
            return {int(user): locale for user, locale in rows.all()}

    def negotiated(self, person: Person) -> str:
        return negotiate(person.language_code, "nl")

    # --- what people do ------------------------------------------------------------------------

    async def _feed(self, update: dict[str, object]) -> None:
        app = self.app
        await app.update_queue.put(Update.de_json(update, app.bot))

    def _sent(self, person: Person, **content: object) -> ChatMessage:
        message = ChatMessage(
            message_id=self.api.next_message_id(person.user_id),
            chat_id=person.user_id,
            from_bot=False,
            date=self.clock(),
            **content,  # type: ignore[arg-type]
        )
        return self.api.record(message)

    async def say(self, user_id: int, text: str) -> None:
        person = self.person(user_id)
        if not text.strip() or len(text) > MAX_TEXT:
            raise BadAction(f"a message has 1 to {MAX_TEXT} characters")
        sent = self._sent(person, text=text, entities=command_entities(text))
        await self._feed(self._updates.message(person, sent))

    async def tap(self, user_id: int, message_id: int, data: str) -> None:
        person = self.person(user_id)
        shown = self.api.message(user_id, message_id)
        buttons = [b for row in (shown.keyboard if shown else []) for b in row]
        # A Telegram app can only send the data of a button that is on the screen.
        if shown is None or not any(b.get("callback_data") == data for b in buttons):
            raise BadAction("that message has no such button")
        await self._feed(self._updates.callback(person, shown, data, now=self.clock()))

    async def voice(self, user_id: int, seconds: int) -> None:
        person = self.person(user_id)
        if not 1 <= seconds <= 60:
            raise BadAction("a voice note here lasts 1 to 60 seconds")
        clip = self.api.store_file("voice.wav", "audio/wav", voice_clip(seconds))
        sent = self._sent(person, attachment="voice", file=clip, duration=seconds)
        await self._feed(self._updates.message(person, sent))

    async def photo(self, user_id: int, content: bytes, mime_type: str) -> None:
        person = self.person(user_id)
        picture = self.api.store_file("photo", mime_type, content)
        sent = self._sent(person, attachment="photo", file=picture)
        await self._feed(self._updates.message(person, sent))

    async def location(self, user_id: int) -> None:
        person = self.person(user_id)
        sent = self._sent(person, attachment="location", location=LOCATION)
        await self._feed(self._updates.message(person, sent))

    async def fast_forward(self, step: timedelta) -> None:
        """Move the clock; then look for due check-ins and messages at once, not at the next
        tick, so what came due shows up straight away (still paced by the outbox)."""
        try:
            self.clock.advance(step)
        except ValueError as exc:
            raise BadAction(str(exc)) from None
        scheduler = outbox_of(self.app).scheduler
        for job in (PLAN_CHECKINS_JOB, EXPIRE_INPUT_JOB, CHECKINS_JOB, OUTBOX_JOB):
            scheduler.wake(job)
        self._emit(Event("clock", 0))

    async def settle(self) -> None:
        """Wait until every update handed over so far has been handled (for tests)."""
        await self.app.update_queue.join()
