"""`samen export`: answers, stories, check-in answers and RSVPs of a community, as a file."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.cli.progress import ProgressBar
from bot.db.engine import create_session_factory
from bot.i18n import Catalogs, find_language
from bot.runtime import system_clock
from bot.services import communities, exports
from bot.services.exports import ExportSpec


def export_command(args: argparse.Namespace) -> int:
    config = settings()
    if args.since and args.until and args.since > args.until:
        raise CommandError("--from is after --to")
    if not args.out.is_dir() and not args.out.parent.is_dir():
        raise CommandError(f"no directory {args.out.parent} to write the export into")
    if args.language is not None and find_language(args.language) is None:
        raise CommandError(f"Samen has no catalog for the language {args.language!r}")
    with_conversations = args.conversations or args.table == "conversations"
    co_ownership = args.table in ("proposals", "supports", "outcomes")
    if with_conversations and args.meeting is not None:
        raise CommandError("conversations belong to no meeting: export them without --meeting")
    now = system_clock()
    catalogs = Catalogs(config.locales_dir, config.default_time_zone)

    async def work(engine: Any) -> tuple[Path, exports.ExportResult]:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            community = await communities.find_by_code(session, args.community)
            if community is None:
                raise CommandError(f"no community with code {args.community!r}")
            if args.meeting is not None and not await exports.meeting_in_community(
                session, args.meeting, community.id
            ):
                raise CommandError(f"meeting {args.meeting} is not a meeting of {community.code}")
            language = find_language(args.language or community.default_locale)
            spec = ExportSpec(
                community_id=community.id,
                language=language.tag if language else community.default_locale,
                meeting_id=args.meeting,
                since=args.since,
                until=args.until,
                answer_language=args.answer_language,
                identifiable=args.identifiable,
                conversations=with_conversations,
            )
            info = await exports.community_info(session, community.id)
            with_answers = not co_ownership and (args.format != "csv" or args.table == "answers")
            total = await exports.count_answers(session, spec, info) if with_answers else 0
        target = args.out
        if target.is_dir():
            name = exports.file_name(
                info.code, spec.meeting_id, args.format, now, table=args.table
            )
            target = target / name
        codes = await exports.member_codes(sessions, config.export_secret, now=now)
        bar = ProgressBar(total, "answers")
        # Written next to the target and renamed at the end: a failed export leaves no half
        # file, and the file is readable by its owner only (it holds personal data).
        temporary: str | None = None
        try:
            with tempfile.NamedTemporaryFile(
                dir=target.parent, prefix=".samen-export-", delete=False
            ) as handle:
                temporary = handle.name
                result = await exports.export(
                    sessions,
                    spec,
                    args.format,
                    handle,
                    translator=catalogs.translator(spec.language, info.time_zone),
                    codes=codes,
                    now=now,
                    actor_user_id=None,
                    channel="cli",
                    table=args.table,
                    progress=bar.update,
                )
            os.replace(temporary, target)
        except BaseException:
            if temporary is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
            raise
        finally:
            bar.close()
        return target, result

    if args.identifiable:
        print(
            "samen: this export names members by their Telegram user id; it is recorded in "
            "the audit log. Share it with no one who does not need it.",
            file=sys.stderr,
        )
    target, result = with_engine(config, work)
    talks = (
        f", {result.conversation_messages} messages in conversations" if with_conversations else ""
    )
    if co_ownership:
        print(f"wrote {target}: {result.proposals} rows of {args.table} (audited)")
        return 0
    told = result.told  # answers and stories apart, as `samen report` counts them
    print(
        f"wrote {target}: {told.answers} answers, {told.stories} stories, "
        f"{result.rsvps} RSVPs{talks} (audited)"
    )
    return 0
