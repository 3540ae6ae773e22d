"""`samen announce`: queue an organiser's announcement for every reachable member.

First it shows who gets it in which language and which languages have no translation (those
members read a fallback text), then it asks; `--yes` skips the question, `--dry-run` only
shows. Without a terminal to ask on, it refuses in one line rather than sending unasked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.db import check_connection
from bot.db.engine import create_session_factory
from bot.runtime import system_clock
from bot.services import fallback
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

    async def texts_of(session: Any) -> tuple[dict[str, str], str]:
        source = args.locale
        if source is None:
            source = await announcements.default_locale_of(session, args.community)
        return {**translations, source: body}, source

    async def look(engine: Any) -> announcements.Preview:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            try:
                texts, source = await texts_of(session)
                return await announcements.preview(
                    session, community_code=args.community, texts=texts, source_locale=source
                )
            except announcements.AnnouncementError as exc:
                raise CommandError(str(exc)) from None

    seen = with_engine(config, look)
    if seen.total == 0:
        raise CommandError(f"{announcements.nobody(seen.community_name)}; nothing was queued")
    languages = ", ".join(f"{tag} {n}" for tag, n in seen.by_language.items())
    print(f"audience: {seen.total} member(s) of {seen.community_name} ({languages})")
    # Per group that will not read it all in its own language: what it will read.
    for group in seen.reading:
        if not group.own:
            print(fallback.plain(group))
    if args.dry_run:
        print("dry run: nothing was queued")
        return 0
    if not args.yes and not _confirmed(seen.total):
        print("nothing was queued")
        return 1

    async def work(engine: Any) -> announcements.Announced:
        async with create_session_factory(engine)() as session:
            try:
                texts, source = await texts_of(session)
                return await announcements.announce(
                    session,
                    community_code=args.community,
                    texts=texts,
                    source_locale=source,
                    now=system_clock(),
                )
            except announcements.AnnouncementError as exc:
                raise CommandError(f"{exc}; nothing was queued") from None

    result = with_engine(config, work)
    print(
        f"queued {result.queued} message(s) for {result.community_name} "
        f"(broadcast #{result.broadcast_id}); progress: "
        f"samen outbox status --broadcast {result.broadcast_id}"
    )
    return 0


def _confirmed(total: int) -> bool:
    """Ask on the terminal; with no terminal (a script, a pipe) there is nobody to ask."""
    if not sys.stdin.isatty():
        raise CommandError("nothing was queued: pass --yes to send without asking (or --dry-run)")
    try:
        answer = input(f"Queue the announcement for {total} member(s)? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes"}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {type(exc).__name__}") from None
