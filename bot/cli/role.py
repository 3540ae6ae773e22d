"""`samen role`: who organises or coordinates a community, by numeric Telegram user id."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.db import check_connection
from bot.db.engine import create_session_factory
from bot.db.models import Role
from bot.runtime import system_clock
from bot.services import communities
from bot.services.communities import roles


def _change(args: argparse.Namespace, give: bool) -> bool:
    config = settings()

    async def work(engine: Any) -> bool:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, args.community)
            if community is None:
                raise CommandError(f"no community with the code {args.community!r}")
            change = roles.grant if give else roles.revoke
            changed = await change(
                session,
                community_id=community.id,
                telegram_user_id=args.user_id,
                role=Role(args.role),
                now=system_clock(),
            )
            await session.commit()
            return changed

    return with_engine(config, work)


def grant(args: argparse.Namespace) -> int:
    changed = _change(args, give=True)
    print(
        f"{args.user_id} is now {args.role} of {args.community}"
        if changed
        else f"{args.user_id} was already {args.role} of {args.community}"
    )
    return 0


def revoke(args: argparse.Namespace) -> int:
    changed = _change(args, give=False)
    print(
        f"{args.user_id} is no longer {args.role} of {args.community}"
        if changed
        else f"{args.user_id} was not {args.role} of {args.community}"
    )
    return 0


def list_roles(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> list[str]:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, args.community)
            if community is None:
                raise CommandError(f"no community with the code {args.community!r}")
            return [
                f"{held.role.value:<12} {held.telegram_user_id}  since {held.granted_at:%Y-%m-%d}"
                for held in await roles.holders(session, community.id)
            ]

    lines = with_engine(config, work)
    print("\n".join(lines) if lines else "nobody holds a role yet")
    return 0
