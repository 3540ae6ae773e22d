"""`samen community create|list|qr`: communities and the links and posters people join with."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot import qr
from bot.cli.common import CommandError, settings, with_engine
from bot.config import Settings
from bot.db.engine import create_session_factory
from bot.runtime import system_clock
from bot.services import communities, conversations
from bot.services.communities import retention


def register(commands: Any) -> None:
    parser = commands.add_parser("community", help="communities, their links and QR posters")
    actions = parser.add_subparsers(dest="community_command", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a community and print its link")
    create.add_argument("--name", required=True)
    create.add_argument("--default-locale", required=True, help="e.g. nl, ar, uk, fa-AF")
    create.add_argument("--time-zone", default=None, help="default: SAMEN_DEFAULT_TIME_ZONE")
    create.add_argument("--code", default=None, help="a chosen code (default: random)")
    create.set_defaults(handler=create_community)

    listing = actions.add_parser("list", help="list communities with their links")
    listing.set_defaults(handler=list_communities)

    poster = actions.add_parser("qr", help="write the QR code of a community's link as PNG")
    poster.add_argument("code")
    poster.add_argument("--out", required=True, type=Path, help="the PNG file to write")
    poster.set_defaults(handler=write_qr)

    keep = actions.add_parser(
        "set-retention", help="how many months answers and stories are kept (1 to 24)"
    )
    keep.add_argument("code")
    keep.add_argument("months", type=int)
    keep.set_defaults(handler=set_retention)

    answer = actions.add_parser(
        "set-answer-time", help="the working days members are told an answer takes"
    )
    answer.add_argument("code")
    answer.add_argument("--days", type=int, required=True)
    answer.set_defaults(handler=set_answer_time)


def bot_username(config: Settings) -> str:
    """SAMEN_BOT_USERNAME, or ask Telegram who the token belongs to."""
    if config.bot_username:
        return config.bot_username
    token = config.telegram_bot_token
    if token is None:
        raise CommandError(
            "set SAMEN_BOT_USERNAME (or TELEGRAM_BOT_TOKEN, to ask Telegram) to print links"
        )
    api = config.telegram_api_url

    async def ask() -> str:
        bot = Bot(
            token.get_secret_value(),
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            request=HTTPXRequest(connect_timeout=10, read_timeout=10),
        )
        async with bot:
            return bot.username

    try:
        return asyncio.run(ask())
    except TelegramError as exc:
        raise CommandError(
            f"could not ask Telegram for the bot's name ({type(exc).__name__}); "
            "set SAMEN_BOT_USERNAME"
        ) from None


def create_community(args: argparse.Namespace) -> int:
    config = settings()
    username = bot_username(config)

    async def work(engine: Any) -> tuple[str, str]:
        async with create_session_factory(engine)() as session:
            try:
                community = await communities.create(
                    session,
                    name=args.name,
                    default_locale=args.default_locale,
                    time_zone=args.time_zone or config.default_time_zone,
                    code=args.code,
                    now=system_clock(),
                )
            except communities.CommunityError as exc:
                raise CommandError(str(exc)) from None
            await session.commit()
            return community.name, community.code

    name, code = with_engine(config, work)
    print(f"created {name!r} with code {code}")
    print(communities.deep_link(username, code))
    return 0


def list_communities(_args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> list[tuple[str, str, int]]:
        async with create_session_factory(engine)() as session:
            rows = await communities.all_communities(session)
            return [(c.code, c.name, count) for c, count in rows]

    rows = with_engine(config, work)
    if not rows:
        print("no communities yet: samen community create --name … --default-locale …")
        return 0
    username = config.bot_username
    for code, name, count in rows:
        link = communities.deep_link(username, code) if username else code
        print(f"{code}\t{count} members\t{name}\t{link}")
    return 0


def write_qr(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> str | None:
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, args.code)
            return community.code if community is not None else None

    code = with_engine(config, work)
    if code is None:
        raise CommandError(f"no community with code {args.code!r}")
    link = communities.deep_link(bot_username(config), code)
    width = qr.write_png(link, args.out)
    print(f"wrote {args.out} ({width}×{width} px) for {link}")
    return 0


def set_retention(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> tuple[int, int]:
        async with create_session_factory(engine)() as session:
            try:
                return await retention.set_months(
                    session, community_code=args.code, months=args.months, now=system_clock()
                )
            except retention.RetentionError as exc:
                raise CommandError(str(exc)) from None

    old, new = with_engine(config, work)
    print(f"{args.code}: answers and stories are kept {new} months (was {old})")
    return 0


def set_answer_time(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> tuple[int, int]:
        async with create_session_factory(engine)() as session:
            try:
                changed = await conversations.set_answer_days(
                    session, community_code=args.code, days=args.days, now=system_clock()
                )
            except (ValueError, LookupError) as exc:
                raise CommandError(str(exc)) from None
            await session.commit()
            return changed

    old, new = with_engine(config, work)
    print(
        f"{args.code}: members are told to expect an answer within {new} working days (was {old})"
    )
    return 0
