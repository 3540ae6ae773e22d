"""`samen announce`: queue an organiser's announcement for every reachable member."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.db import check_connection
from bot.db.engine import create_session_factory
from bot.runtime import system_clock
from bot.services.outbox import announcements


def announce(args: argparse.Namespace) -> int:
    config = settings()
    body = args.text if args.text is not None else _read(args.file)
    translations: dict[str, str] = {}
    for item in args.translation:
        locale, sep, path = item.partition("=")
        if not sep or not locale or not path:
            raise CommandError(f"--translation {item!r}: expected LANG=FILE")
        translations[locale.strip()] = _read(Path(path))

    async def work(engine: Any) -> announcements.Announced:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            source = args.locale
            texts = dict(translations)
            try:
                if source is None:
                    source = await announcements.default_locale_of(session, args.community)
                texts[source] = body
                return await announcements.announce(
                    session,
                    community_code=args.community,
                    texts=texts,
                    source_locale=source,
                    now=system_clock(),
                )
            except announcements.AnnouncementError as exc:
                raise CommandError(str(exc)) from None

    result = with_engine(config, work)
    print(
        f"queued {result.queued} message(s) for {result.community_name} "
        f"(broadcast #{result.broadcast_id}); progress: "
        f"samen outbox status --broadcast {result.broadcast_id}"
    )
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {type(exc).__name__}") from None
