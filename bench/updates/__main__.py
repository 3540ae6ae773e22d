"""Benchmark the full path of a member's story against a fair, hand-written baseline.

    .venv/bin/python -m bench.updates [--updates 500] [--rounds 5] \
        [--postgres-url postgresql://…/db]        # an empty database: it is wiped

Scenarios, all through python-telegram-bot's `process_update` on the same in-process fake Bot
API (no HTTP is measured), one update after another, against a freshly migrated database:
  samen       Samen's full path: admission (duplicate check, member, dialogue, translator),
              the router, the story journey's one unit of work, the thank-you reply.
  baseline    a hand-written PTB handler doing the same work in one SQLAlchemy async
              transaction: find the member by Telegram id, check consent and step, insert the
              story, put it in the inbox as Samen does (find the member's open conversation,
              open one, add the message), update the dialogue, commit, reply (7 statements).
  sync-hop    the baseline's work through SQLAlchemy's sync engine (stdlib sqlite3), run in
              one thread hop per transaction (`asyncio.to_thread`); SQLite only.

Rounds interleave the scenarios (their order rotates each round) so that a slow moment of the
shared machine hits all of them; reported: the median updates/s over the rounds and the
ratio samen / baseline (target ≥ 0.7 on both engines).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, event, func, select, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.channels.telegram.app import build_application
from bot.config import load_settings
from bot.db import migrate
from bot.db.base import Base
from bot.db.engine import create_engine
from bot.db.models import (
    Answer,
    AnswerSource,
    Author,
    Community,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    DialogState,
    Member,
    Membership,
    MessageKind,
    Origin,
    QuestionKind,
)
from bot.runtime import Runtime
from bot.services.members import privacy, stories
from tests.factories import Person, UpdateFactory
from tests.fakes.bot_api import FakeBotAPI, FakeRequest

TOKEN = "123456789:BENCH-token-for-the-fake-bot-api-only"
FIRST_USER_ID = 970_000_000
STORY = "Ik wil graag Nederlands leren."
THANKS = "Thank you for sharing your story!"


def people(count: int) -> list[Person]:
    return [Person(FIRST_USER_ID + i, f"Invented {i}", "nl") for i in range(count)]


async def fresh_database(database_url: str, count: int, *, sharing: bool) -> None:
    """An empty, migrated database with `count` consented members of one community; with
    `sharing`, each already at the story step of /share (the baselines' starting point)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)  # noqa: ASYNC240 (set-up)
    engine = create_engine(database_url)
    try:
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                await conn.execute(text(f"DROP TABLE IF EXISTS {names}, alembic_version CASCADE"))
        await migrate.upgrade(engine)
        now = datetime.now(UTC)
        async with engine.begin() as conn:
            await conn.execute(
                Community.__table__.insert(),
                [{"id": 1, "code": "bench", "name": "Bench", "default_locale": "nl",
                  "time_zone": "Europe/Amsterdam", "retention_months": 24, "created_at": now}],
            )  # fmt: skip
            await conn.execute(
                Member.__table__.insert(),
                [
                    {"id": i + 1, "telegram_user_id": FIRST_USER_ID + i, "locale": "nl",
                     "consent_version": privacy.current_notice_version(),
                     "consent_given_at": now, "created_at": now}
                    for i in range(count)
                ],
            )  # fmt: skip
            await conn.execute(
                Membership.__table__.insert(),
                [{"member_id": i + 1, "community_id": 1, "joined_at": now} for i in range(count)],
            )
            if sharing:
                await conn.execute(
                    DialogState.__table__.insert(),
                    [{"member_id": i + 1, "flow": stories.FLOW, "step": stories.WAITING,
                      "data": {"community_id": 1}, "version": 1, "updated_at": now}
                     for i in range(count)],
                )  # fmt: skip
            if engine.dialect.name == "postgresql":
                for table in ("communities", "members", "memberships"):
                    await conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))")
                    )  # fmt: skip
    finally:
        await engine.dispose()


async def stored_stories(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            query = select(func.count()).select_from(Answer)
            kept = (
                await conn.execute(query.where(Answer.source == AnswerSource.STORY))
            ).scalar_one()
            inbox = select(func.count()).select_from(ConversationMessage)
            in_inbox = (
                await conn.execute(inbox.where(ConversationMessage.origin == Origin.STORY))
            ).scalar_one()
            # A story counts when it is kept and in the organisers' inbox.
            return min(kept, in_inbox)
    finally:
        await engine.dispose()


async def timed(app: Application, updates: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for raw in updates:
        await app.process_update(Update.de_json(raw, app.bot))
    return time.perf_counter() - start


# --- Samen -------------------------------------------------------------------------------------


async def samen(database_url: str, count: int) -> float:
    await fresh_database(database_url, count, sharing=False)
    settings = load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=database_url,
        TELEGRAM_API_URL="http://127.0.0.1:9",
        SAMEN_TELEGRAM_RATE=100_000,  # measure the bot, not Telegram's limit
    )
    runtime = Runtime.create(settings)
    api = FakeBotAPI()
    app = build_application(settings, runtime=runtime, request=FakeRequest(api))
    factory = UpdateFactory(first_update_id=1_000_000)
    members = people(count)
    async with app:
        for person in members:  # untimed: every member opens /share
            await app.process_update(Update.de_json(factory.text(person, "/share"), app.bot))
        seconds = await timed(app, [factory.text(person, STORY) for person in members])
    await runtime.close()
    return seconds


# --- the hand-written baseline -----------------------------------------------------------------


def _story_row(member: Member) -> Answer:
    now = datetime.now(UTC)
    return Answer(
        member_id=member.id,
        community_id=1,
        source=AnswerSource.STORY,
        kind=QuestionKind.TEXT,
        text=STORY,
        locale=member.locale,
        created_at=now,
        updated_at=now,
    )


def _open_conversation(member: Member) -> Select[tuple[Conversation]]:
    """The member's open conversation with the community (the story joins it in the inbox)."""
    return (
        select(Conversation)
        .where(
            Conversation.member_id == member.id,
            Conversation.community_id == 1,
            Conversation.status == ConversationStatus.OPEN,
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )


def _new_conversation(member: Member) -> Conversation:
    now = datetime.now(UTC)
    return Conversation(
        member_id=member.id,
        community_id=1,
        status=ConversationStatus.OPEN,
        opened_at=now,
        last_activity_at=now,
        version=1,
    )


def _inbox_row(member: Member, conversation: Conversation) -> ConversationMessage:
    conversation.last_activity_at = datetime.now(UTC)
    return ConversationMessage(
        conversation_id=conversation.id,
        author=Author.MEMBER,
        kind=MessageKind.TEXT,
        origin=Origin.STORY,
        text=STORY,
        locale=member.locale,
        created_at=datetime.now(UTC),
    )


def _at_story_step(dialog: DialogState | None) -> bool:
    return dialog is not None and dialog.flow == stories.FLOW and dialog.step == stories.WAITING


def _close(dialog: DialogState) -> None:
    dialog.flow, dialog.step, dialog.data = "", "", {}
    dialog.version += 1
    dialog.updated_at = datetime.now(UTC)


def baseline_app(handler: Callable[[Update, Any], Awaitable[None]]) -> Application:
    app = (
        Application.builder()
        .token(TOKEN)
        .request(FakeRequest(FakeBotAPI()))
        .context_types(ContextTypes())
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handler))
    return app


async def run_baseline(app: Application, count: int) -> float:
    factory = UpdateFactory(first_update_id=2_000_000)
    async with app:
        return await timed(app, [factory.text(person, STORY) for person in people(count)])


async def baseline(database_url: str, count: int) -> float:
    await fresh_database(database_url, count, sharing=True)
    # The same engine set-up as Samen's (SQLite: WAL, busy timeout, BEGIN IMMEDIATE).
    engine = create_engine(database_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    version = privacy.current_notice_version()

    async def story(update: Update, _context: Any) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None
        assert user is not None
        async with sessions() as session:
            member = await session.scalar(select(Member).where(Member.telegram_user_id == user.id))
            if member is None or member.consent_version != version:
                await message.reply_text("consent first")
                return
            dialog = await session.get(DialogState, member.id)
            if not _at_story_step(dialog):
                await message.reply_text("send /share first")
                return
            session.add(_story_row(member))
            # The inbox, as Samen's stories do: find or open the conversation, add the message.
            conversation = await session.scalar(_open_conversation(member))
            if conversation is None:
                conversation = _new_conversation(member)
                session.add(conversation)
                await session.flush()
            session.add(_inbox_row(member, conversation))
            _close(dialog)
            await session.commit()
        await message.reply_text(THANKS)

    try:
        return await run_baseline(baseline_app(story), count)
    finally:
        await engine.dispose()


async def sync_hop(database_url: str, count: int) -> float:
    """The baseline's work on SQLAlchemy's sync engine, one thread hop per transaction."""
    await fresh_database(database_url, count, sharing=True)
    engine = create_sync_engine(database_url.replace("sqlite+aiosqlite", "sqlite"))

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    sessions = sessionmaker(engine, expire_on_commit=False, class_=Session)
    version = privacy.current_notice_version()

    def work(telegram_user_id: int) -> str:
        with sessions() as session:
            member = session.scalar(
                select(Member).where(Member.telegram_user_id == telegram_user_id)
            )
            if member is None or member.consent_version != version:
                return "consent first"
            dialog = session.get(DialogState, member.id)
            if not _at_story_step(dialog):
                return "send /share first"
            session.add(_story_row(member))
            conversation = session.scalar(_open_conversation(member))
            if conversation is None:
                conversation = _new_conversation(member)
                session.add(conversation)
                session.flush()
            session.add(_inbox_row(member, conversation))
            _close(dialog)
            session.commit()
        return THANKS

    async def story(update: Update, _context: Any) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None
        assert user is not None
        await message.reply_text(await asyncio.to_thread(work, user.id))

    try:
        return await run_baseline(baseline_app(story), count)
    finally:
        engine.dispose()


# --- the run -----------------------------------------------------------------------------------

Scenario = Callable[[str, int], Awaitable[float]]


def measure(name: str, scenario: Scenario, url: str, count: int) -> float:
    seconds = asyncio.run(scenario(url, count))
    stored = asyncio.run(stored_stories(url))
    if stored != count:
        raise SystemExit(f"{name}: {stored} stories stored, expected {count}")
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.updates")
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database (it is wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        plan: list[tuple[str, str, Scenario, str]] = [
            ("SQLite", "samen", samen, sqlite_url),
            ("SQLite", "baseline", baseline, sqlite_url),
            ("SQLite", "sync-hop", sync_hop, sqlite_url),
        ]
        if args.postgres_url:
            pg = load_settings(_env_file=None, DATABASE_URL=args.postgres_url).database_url
            plan += [("PostgreSQL", "samen", samen, pg), ("PostgreSQL", "baseline", baseline, pg)]
        rates: dict[tuple[str, str], list[float]] = {(e, n): [] for e, n, _, _ in plan}
        for round_no in range(args.rounds):
            shift = round_no % len(plan)
            for engine, name, scenario, url in plan[shift:] + plan[:shift]:
                rate = measure(f"{engine} {name}", scenario, url, args.updates)
                rates[(engine, name)].append(rate)
                print(f"round {round_no + 1}: {engine:<10} {name:<8} {rate:8.0f} updates/s")
    print(f"\n{args.updates} stories a run, {args.rounds} interleaved rounds; median updates/s")
    print("| engine | scenario | updates/s (median) | min | max |")
    print("| --- | --- | ---: | ---: | ---: |")
    for (engine, name), found in rates.items():
        print(
            f"| {engine} | {name} | {statistics.median(found):,.0f} | {min(found):,.0f} | "
            f"{max(found):,.0f} |"
        )
    print()
    for engine in dict.fromkeys(e for e, _ in rates):
        ratios = [
            s / b
            for s, b in zip(rates[(engine, "samen")], rates[(engine, "baseline")], strict=True)
        ]
        print(
            f"{engine}: samen / baseline = {statistics.median(ratios):.2f} "
            f"(per round {', '.join(f'{r:.2f}' for r in ratios)}; target ≥ 0.70)"
        )
    if ("SQLite", "sync-hop") in rates:
        hop = [
            s / b
            for s, b in zip(
                rates[("SQLite", "sync-hop")], rates[("SQLite", "baseline")], strict=True
            )
        ]
        print(f"SQLite: sync-hop / baseline = {statistics.median(hop):.2f}")


if __name__ == "__main__":
    main()
