"""`samen inbox list|show|saved-reply`: the organisers' inbox on the command line.

Members appear by their pseudonymous code, as in chat; never by Telegram name or id. Each
command is its own unit of work: list and show only read, saved-reply commits once.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.db.engine import create_session_factory
from bot.runtime import system_clock
from bot.services import communities, conversations, exports
from bot.services.conversations import replies


async def _community(session: Any, code: str) -> Any:
    community = await communities.find_by_code(session, code)
    if community is None:
        raise CommandError(f"no community with the code {code!r}")
    return community


def list_inbox(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> list[str]:
        sessions = create_session_factory(engine)
        codes = await exports.member_codes(sessions, config.export_secret, now=system_clock())
        async with create_session_factory(engine, read_only=True)() as session:
            community = await _community(session, args.community)
            entries = await conversations.inbox(
                session, [community.id], include_closed=args.all, limit=200
            )
        return [
            f"{e.conversation_id}\t{codes.code(e.member_id)}\t{e.locale or '-'}\t{e.status}\t"
            f"unread {e.unread}\t{e.last_activity_at:%Y-%m-%d %H:%M}\t{e.last_words}"
            for e in entries
        ]

    lines = with_engine(config, work)
    print("\n".join(lines) if lines else "no open conversations")
    return 0


def show_thread(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> list[str]:
        sessions = create_session_factory(engine)
        codes = await exports.member_codes(sessions, config.export_secret, now=system_clock())
        async with create_session_factory(engine, read_only=True)() as session:
            community = await _community(session, args.community)
            # Reading on the command line does not mark anything read for the organisers.
            found = await conversations.thread(
                session, args.conversation, [community.id], now=system_clock(), mark_read=False
            )
        if found is None:
            raise CommandError(f"no conversation {args.conversation} in {args.community}")
        code = codes.code(found.member_id)
        lines = [
            f"conversation {found.conversation_id} with {code} ({found.locale}), {found.status}"
        ]
        for m in found.messages:
            who = code if m.author.value == "member" else m.author.value
            state = f" [{m.delivery}]" if m.delivery else ""
            body = m.text or f"({m.kind}{', ' + m.file_id if m.file_id else ''})"
            lines.append(f"{m.created_at:%Y-%m-%d %H:%M} {who}{state}: {body}")
        return lines

    print("\n".join(with_engine(config, work)))
    return 0


def save_reply(args: argparse.Namespace) -> int:
    config = settings()
    texts: dict[str, str] = {}
    for item in args.text:
        locale, sep, text = item.partition("=")
        if not sep or not locale or not text:
            raise CommandError(f"--text needs LOCALE=TEXT, got {item!r}")
        texts[locale.strip()] = text
    source = next(iter(texts))

    async def work(engine: Any) -> int:
        async with create_session_factory(engine)() as session:
            community = await _community(session, args.community)
            try:
                saved = await replies.save(
                    session,
                    community_id=community.id,
                    name=args.name,
                    texts=texts,
                    source_locale=source,
                    now=system_clock(),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            await session.commit()
            return saved.id

    with_engine(config, work)
    print(f"{args.community}: saved reply {args.name!r} in {', '.join(texts)}")
    return 0
