"""`samen community create|list|poster|qr`: communities, the links and posters people join with."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot import qr
from bot.cli import telegram_api
from bot.cli.common import CommandError, settings, with_engine
from bot.config import Settings
from bot.db.engine import create_session_factory
from bot.i18n import Catalogs
from bot.runtime import system_clock
from bot.services import audit, communities, conversations
from bot.services.communities import posters, retention


def bot_username(config: Settings) -> str:
    """SAMEN_BOT_USERNAME, or ask Telegram who the token belongs to."""
    if config.bot_username:
        return config.bot_username
    if config.telegram_bot_token is None:
        raise CommandError(
            "set SAMEN_BOT_USERNAME (or TELEGRAM_BOT_TOKEN, to ask Telegram) to print links"
        )
    return asyncio.run(telegram_api.who_am_i(config)).username


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
            # In the same transaction: no community exists without its line in the trail.
            await audit.record(
                session,
                "community.create",
                now=system_clock(),
                community_id=community.id,
                target=f"community:{community.code}",
                details={"locale": community.default_locale, "time_zone": community.time_zone},
            )
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
    # The link is what an operator copies onto a poster; without a way to know the bot's
    # name the column is left out (rather than repeating the code) and the fix is named.
    known = config.bot_username or config.telegram_bot_token is not None
    username = bot_username(config) if known else None
    for code, name, count in rows:
        columns = [code, f"{count} members", name]
        if username:
            columns.append(communities.deep_link(username, code))
        print("\t".join(columns))
    if username is None:
        print(
            "set SAMEN_BOT_USERNAME (or TELEGRAM_BOT_TOKEN) to show the join links",
            file=sys.stderr,
        )
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


def write_poster(args: argparse.Namespace) -> int:
    config = settings()
    if args.out.suffix.lower().lstrip(".") not in posters.FORMATS:
        raise CommandError(f"--out must end in .pdf or .png, not {args.out.name!r}")

    async def work(engine: Any) -> tuple[str, str, list[str]] | None:
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, args.code)
            if community is None:
                return None
            return community.name, community.code, await posters.languages(session, community)

    found = with_engine(config, work)
    if found is None:
        raise CommandError(f"no community with code {args.code!r}")
    name, code, tags = found
    link = communities.deep_link(bot_username(config), code)
    catalogs = Catalogs(config.locales_dir, config.default_time_zone)
    poster = posters.compose(name, link, tags, catalogs)
    posters.write(poster, args.out)
    languages = " ".join(line.tag for line in poster.lines)
    print(f"wrote {args.out} (A4) for {link}, in {languages}")
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
