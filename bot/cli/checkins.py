"""`samen checkins list|set`: a community's check-in schedule and how its check-ins stand."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CommandError, settings, when, with_engine
from bot.cli.parser import CHECKIN_OPTIONS
from bot.db import check_connection
from bot.db.engine import create_session_factory
from bot.runtime import system_clock
from bot.services import communities
from bot.services.checkins import firing as checkin_firing
from bot.services.checkins import schedules as checkin_schedules
from bot.services.checkins.schedules import ScheduleError


def _lines(described: dict[str, str]) -> list[str]:
    return [f"{name:<14} {value}" for name, value in described.items()]


def list_checkins(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> list[str]:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, args.community)
            if community is None:
                raise CommandError(f"no community with the code {args.community!r}")
            schedule = await checkin_schedules.get(session, community.id)
            lines = _lines(checkin_schedules.describe(schedule))
            for (kind, state), count in sorted(
                (await checkin_firing.counts(session, community.id)).items()
            ):
                lines.append(f"{kind.value:<9} {state.value:<10} {count}")
            upcoming = await checkin_firing.next_due(session, community.id)
            if upcoming is not None:
                zone = community.time_zone
                lines.append(f"next due       {when(upcoming, zone, utc=args.utc)}")
            return lines

    print("\n".join(with_engine(config, work)))
    return 0


def set_schedule(args: argparse.Namespace) -> int:
    config = settings()
    changes = {
        name: getattr(args, name) for name in CHECKIN_OPTIONS if getattr(args, name) is not None
    }
    if not changes:
        raise CommandError("say what to change, e.g. --reminders '1d, 2h'")

    async def work(engine: Any) -> list[str]:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, args.community)
            if community is None:
                raise CommandError(f"no community with the code {args.community!r}")
            schedule = await checkin_schedules.get(session, community.id)
            try:
                for name, raw in changes.items():
                    schedule = checkin_schedules.change(schedule, name, raw)
            except ScheduleError as exc:
                raise CommandError(f"--{exc.field.replace('_', '-')}: {exc}") from None
            await checkin_schedules.save(session, community.id, schedule, now=system_clock())
            await session.commit()
            return _lines(checkin_schedules.describe(schedule))

    print("\n".join(with_engine(config, work)))
    return 0
