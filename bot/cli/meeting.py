"""`samen meeting`: create a meeting from a YAML file, list and show meetings, invite."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from bot.cli.common import CommandError, settings, when, with_engine
from bot.db import check_connection
from bot.db.engine import create_session_factory
from bot.i18n import Catalogs
from bot.runtime import system_clock
from bot.services import communities, fallback, meetings
from bot.services.meetings import file as meeting_file
from bot.services.meetings import invitations, overview
from bot.services.meetings.invitations import Audience, AudienceKind
from bot.services.proposals import supports


def parse_audience(raw: str) -> Audience:
    kind, _, value = raw.partition(":")
    try:
        audience = Audience(AudienceKind(kind), value or None)
    except ValueError:
        raise CommandError(
            f"--audience {raw!r}: expected all, language:CODE, topic:WORD or attended"
        ) from None
    if audience.kind in (AudienceKind.LANGUAGE, AudienceKind.TOPIC) and not audience.value:
        raise CommandError(f"--audience {raw!r}: say which, e.g. {kind}:ar")
    return audience


# The field of the meeting file each refusal of `meetings.create` is about, for its line.
_FIELD_OF = {
    "no_community": "community",
    "in_the_past": "starts",
    "ends_before_start": "ends",
    "deadline_after_start": "input_deadline",
    "deadline_in_the_past": "input_deadline",
    "bad_zone": "time_zone",
    "bad_link": "online_url",
    "bad_reminders": "reminders",
    "unknown_language": "texts",
    "source_text_missing": "texts",
    "title_missing": "texts",
    "too_long": "texts",
}


def create_meeting(args: argparse.Namespace) -> int:
    """Create the meeting; with --check do exactly the same and roll it back."""
    config = settings()
    catalogs = Catalogs(config.locales_dir, config.default_time_zone)
    try:
        parsed = meeting_file.read(args.file, catalogs)
    except meeting_file.MeetingFileError as exc:
        raise CommandError(f"{args.file}: {exc}") from None

    def refused(field: str, message: str) -> CommandError:
        line = _line_of(args.file, field)
        where = f"{args.file}:{line}" if line else str(args.file)
        return CommandError(f"{where}: {field}: {message}")

    async def work(engine: Any) -> int:
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, parsed.community)
            if community is None:
                raise refused("community", f"no community {parsed.community!r}")
            draft = meetings.MeetingDraft(
                community_id=community.id,
                source_locale=parsed.source_locale,
                texts=parsed.texts,
                starts_local=parsed.starts_local,
                ends_local=parsed.ends_local,
                time_zone=parsed.time_zone or community.time_zone,
                online_url=parsed.online_url,
                input_deadline_local=parsed.input_deadline_local,
                questions=parsed.questions,
                followup_questions=parsed.followup_questions,
                reminder_offsets=parsed.reminder_offsets,
            )
            try:
                meeting = await meetings.create(session, draft, now=system_clock())
            except meetings.MeetingError as exc:
                raise refused(_FIELD_OF.get(exc.code, "file"), str(exc)) from None
            if args.check:
                await session.rollback()
                return 0
            await session.commit()
            return meeting.id

    meeting_id = with_engine(config, work)
    counts = f"{len(parsed.texts)} language(s), {len(parsed.questions)} question(s)"
    if args.check:
        print(f"{args.file}: valid ({counts}); nothing was created")
        return 0
    print(
        f"created meeting #{meeting_id} ({counts}); invite with: samen meeting invite {meeting_id}"
    )
    return 0


def _line_of(path: Path, field: str) -> int | None:
    """The line of a top-level field in the meeting file (it parsed, so it is YAML)."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, _value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == field:
            return key.start_mark.line + 1
    return None


def list_meetings(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> list[str]:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, args.community)
            if community is None:
                raise CommandError(f"no community with the code {args.community!r}")
            found = await meetings.in_communities(session, [community.id], now=system_clock())
            return [
                f"#{m.id}  {when(m.starts_at, m.time_zone, utc=args.utc)}  {m.status.value:<9}  "
                f"{meetings.text_for(m, None, community.default_locale).title}"
                for m in found
            ]

    lines = with_engine(config, work)
    print("\n".join(lines) if lines else "no meetings yet")
    return 0


def show_meeting(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> tuple[overview.MeetingOverview, supports.Ranking]:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            meeting = await meetings.get(session, args.meeting_id)
            if meeting is None:
                raise CommandError(f"no meeting #{args.meeting_id}")
            seen = await overview.of_meeting(session, meeting, locale=args.language)
            return seen, await supports.ranking(session, meeting, locale=args.language)

    seen, ranking = with_engine(config, work)
    meeting = seen.meeting
    print(f"#{meeting.id} {seen.title} — {meeting.status.value}")
    print(f"starts: {when(meeting.starts_at, meeting.time_zone, utc=args.utc)}")
    if meeting.ends_at is not None:
        print(f"ends: {when(meeting.ends_at, meeting.time_zone, utc=args.utc)}")
    if meeting.input_deadline is not None:
        print(f"input until: {when(meeting.input_deadline, meeting.time_zone, utc=args.utc)}")
    print("RSVPs: " + ", ".join(f"{s.value} {n}" for s, n in seen.rsvps.items()) or "none")
    print("input: " + ", ".join(f"{s.value} {n}" for s, n in seen.inputs.items()))
    for figures in seen.questions:
        print(f"- {figures.question.prompt}: {figures.answers} answer(s)")
        for label, n in figures.tally:
            print(f"    {label}: {n}")
    if seen.agenda_items:
        print("agenda (members' proposals):")
        for item in seen.agenda_items:
            print(f"    {item.text or f'(voice message, {item.locale})'}")
    elif seen.topics:
        print("agenda topics: " + "; ".join(f"{topic} ({n})" for topic, n in seen.topics))
    if ranking.items:
        print("proposals, most supported first (supports per language group):")
        for number, item in enumerate(ranking.items, 1):
            groups = ", ".join(f"{tag} {n}" for tag, n in item.by_language.items()) or "none"
            mark = " [agenda]" if item.proposal.on_agenda else ""
            shown = item.shown.text or f"(voice message, {item.shown.locale})"
            print(f"  {number}. {shown}{mark} — {item.supports} ({groups})")
        shares = ", ".join(
            f"{tag} {ranking.on_agenda_by_language.get(tag, 0)}/{n}"
            for tag, n in ranking.proposed_by_language.items()
        )
        print(f"on the agenda per proposer's language: {shares}")
    if seen.agenda_voice_notes:
        print(f"agenda voice notes: {seen.agenda_voice_notes}")
    delivery = ", ".join(f"{s.value} {n}" for s, n in seen.delivery.counts.items())
    print(f"invitations: {delivery or 'none yet'}")
    for reason, n in seen.delivery.reasons.items():
        print(f"    {reason}: {n}")
    return 0


def invite_members(args: argparse.Namespace) -> int:
    config = settings()
    audience = parse_audience(args.audience)

    async def work(engine: Any) -> tuple[invitations.Preview, invitations.Invited | None]:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            meeting = await meetings.get(session, args.meeting_id)
            if meeting is None:
                raise CommandError(f"no meeting #{args.meeting_id}")
            seen = await invitations.preview(session, meeting, audience)
            if not args.yes:
                return seen, None
            try:
                done = await invitations.invite(session, meeting, audience, now=system_clock())
            except invitations.InvitationError as exc:
                raise CommandError(str(exc)) from None
            await session.commit()
            return seen, done

    seen, done = with_engine(config, work)
    languages = ", ".join(f"{tag} {n}" for tag, n in seen.by_language.items())
    print(f"audience: {seen.total} member(s) ({languages or 'nobody'})")
    # Per group that will not read it all in its own language: what it will read.
    for group in seen.reading:
        if not group.own:
            print(fallback.plain(group))
    if done is None:
        print(f"{seen.already_invited} already invited. Run again with --yes to queue.")
        return 0
    print(
        f"queued {done.queued} invitation(s); {done.already_invited} already invited"
        + (f" (broadcast #{done.broadcast_id})" if done.broadcast_id else "")
    )
    return 0
