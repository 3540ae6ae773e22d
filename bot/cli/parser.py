"""Every `samen` command's arguments, without loading what the commands use.

`samen --help` (and any command's `--help`) only needs argparse; the module that does a
command's work, with its database, Telegram and chart libraries, is imported only when that
command runs. A command names its work as "module:function" in bot/cli/.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

# Copies of values the services own, so that parsing does not import them; a test checks that
# they stay equal (tests/cli/test_help.py).
ROLES = ("organiser", "coordinator", "ambassador")
EXPORT_FORMATS = ("csv", "xlsx", "jsonl")
EXPORT_TABLES = ("answers", "rsvps", "conversations", "proposals", "supports", "outcomes")
ALLOWANCE_MODES = ("none", "fee", "hourly")
STATEMENT_FORMATS = ("csv", "xlsx")
# `samen report`'s own choice (bot/cli/report.py), not a service's.
REPORT_FORMATS = ("png", "pdf")


# The playground's defaults, here so that `--help` imports nothing of the playground.
PLAYGROUND_HOST = "127.0.0.1"
PLAYGROUND_PORT = 8765


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samen", description="Samen: a multilingual Telegram bot for newcomer communities."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in (
        _run,
        _db,
        _community,
        _role,
        _meeting,
        _checkins,
        _outbox,
        _announce,
        _doctor,
        _report,
        _audit,
        _retention,
        _export,
        _inbox,
        _contributions,
        _playground,
        _texts,
    ):
        register(commands)
    return parser


def _run(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the bot (long polling, or --webhook)")
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="serve a webhook instead of polling (also when SAMEN_WEBHOOK_URL is set)",
    )
    parser.set_defaults(handler="run:run")


def _db(commands: Any) -> None:
    parser = commands.add_parser("db", help="database migrations")
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")

    up = actions.add_parser("upgrade", help="migrate to a newer revision (default: head)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler="db:upgrade")

    down = actions.add_parser("downgrade", help="migrate back (e.g. -1, or base for empty)")
    down.add_argument("revision")
    down.set_defaults(handler="db:downgrade")

    current = actions.add_parser("current", help="show the database's revision")
    current.set_defaults(handler="db:show_current")


def _community(commands: Any) -> None:
    parser = commands.add_parser("community", help="communities, their links and QR posters")
    actions = parser.add_subparsers(dest="community_command", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a community and print its link")
    create.add_argument("--name", required=True)
    create.add_argument("--default-locale", required=True, help="e.g. nl, ar, uk, fa-AF")
    create.add_argument("--time-zone", default=None, help="default: SAMEN_DEFAULT_TIME_ZONE")
    create.add_argument("--code", default=None, help="a chosen code (default: random)")
    create.set_defaults(handler="community:create_community")

    listing = actions.add_parser("list", help="list communities with their links")
    listing.set_defaults(handler="community:list_communities")

    poster = actions.add_parser(
        "poster",
        help="an A4 poster (PDF or PNG): name, QR code, link, 'scan to join' in every language",
        description="An A4 poster to print: the community's name, the QR code of its join "
        "link, the link as text, and 'Scan to join' in the community's language and every "
        "language its members use, each in its own script.",
    )
    poster.add_argument("code")
    poster.add_argument(
        "--out", required=True, type=Path, help="the file to write: poster.pdf or poster.png"
    )
    poster.set_defaults(handler="community:write_poster")

    code = actions.add_parser(
        "qr", help="only the QR code of a community's link, as PNG (for your own layouts)"
    )
    code.add_argument("code")
    code.add_argument("--out", required=True, type=Path, help="the PNG file to write")
    code.set_defaults(handler="community:write_qr")

    keep = actions.add_parser(
        "set-retention", help="how many months answers and stories are kept (1 to 24)"
    )
    keep.add_argument("code")
    keep.add_argument("months", type=int)
    keep.set_defaults(handler="community:set_retention")

    answer = actions.add_parser(
        "set-answer-time", help="the working days members are told an answer takes"
    )
    answer.add_argument("code")
    answer.add_argument("--days", type=int, required=True)
    answer.set_defaults(handler="community:set_answer_time")

    allowance = actions.add_parser(
        "set-allowance",
        help="how contributions are rewarded: none, a fee per kind, or an hourly allowance",
        description="No amount is built in: every number is the coordinator's. The README gives "
        "the Dutch tax authority's 2025 volunteer-allowance limits as an example; people with "
        "benefits or in asylum reception may have other limits.",
    )
    allowance.add_argument("code")
    allowance.add_argument("--mode", required=True, choices=ALLOWANCE_MODES)
    allowance.add_argument("--hourly-rate", type=_euros, metavar="EUROS", help="e.g. 5.60")
    allowance.add_argument("--monthly-cap", type=_euros, metavar="EUROS", help="e.g. 210")
    allowance.add_argument("--yearly-cap", type=_euros, metavar="EUROS", help="e.g. 2100")
    allowance.add_argument(
        "--fee",
        type=_fee,
        action="append",
        default=[],
        metavar="KIND=EUROS",
        help="for --mode fee, repeat per kind (translation, cohost, proposal, activity)",
    )
    allowance.set_defaults(handler="contributions:set_allowance")


def _euros(raw: str) -> int:
    """'5.60', '5,60' or '210' euros → cents."""
    text = raw.strip().replace(",", ".")
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise argparse.ArgumentTypeError(f"not an amount in euros (e.g. 5.60): {raw!r}")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def _fee(raw: str) -> tuple[str, int]:
    kind, sep, amount = raw.partition("=")
    if not sep or not kind.strip():
        raise argparse.ArgumentTypeError(f"expected KIND=EUROS, e.g. cohost=25: {raw!r}")
    return kind.strip(), _euros(amount)


def _user_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 15:
        raise argparse.ArgumentTypeError(
            "expected the person's numeric Telegram user id (usernames can change)"
        )
    return int(raw)


def _role(commands: Any) -> None:
    parser = commands.add_parser(
        "role",
        help="grant, revoke or list organisers, coordinators and ambassadors",
        description="Roles are per community and bound to a numeric Telegram user id, never a "
        "username. Coordinators may also do everything organisers do; ambassadors are members "
        "who co-host meetings and log their contributions.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name in ("grant", "revoke"):
        action = actions.add_parser(name, help=f"{name} a role")
        action.add_argument("--user-id", required=True, type=_user_id, metavar="ID")
        action.add_argument("--community", required=True, metavar="CODE")
        action.add_argument("--role", required=True, choices=ROLES)
        action.set_defaults(handler=f"role:{name}")
    listing = actions.add_parser("list", help="who holds which role in a community")
    listing.add_argument("--community", required=True, metavar="CODE")
    listing.set_defaults(handler="role:list_roles")


def _meeting(commands: Any) -> None:
    parser = commands.add_parser("meeting", help="create meetings, list them, invite people")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser(
        "create",
        help="create a meeting from a YAML file",
        description="Create a meeting from a YAML file (see docs/meeting.example.yaml). "
        "Nothing is created unless the whole file is valid.",
    )
    create.add_argument("--file", type=Path, required=True, help="the meeting file (UTF-8 YAML)")
    create.add_argument("--check", action="store_true", help="only check the file")
    create.set_defaults(handler="meeting:create_meeting")

    listing = actions.add_parser("list", help="the meetings of a community")
    listing.add_argument("--community", required=True, metavar="CODE")
    listing.add_argument("--utc", action="store_true", help="times in UTC, not the meeting's zone")
    listing.set_defaults(handler="meeting:list_meetings")

    show = actions.add_parser("show", help="RSVPs, answers and delivery of one meeting")
    show.add_argument("meeting_id", type=int, metavar="ID")
    show.add_argument("--language", help="show texts in this language")
    show.add_argument("--utc", action="store_true", help="times in UTC, not the meeting's zone")
    show.set_defaults(handler="meeting:show_meeting")

    invite = actions.add_parser(
        "invite",
        help="invite (part of) the community to a meeting",
        description="Shows who would be invited, in which languages, and which languages have "
        "no translation; with --yes the invitations are queued. Inviting again never sends a "
        "second invitation to the same member.",
    )
    invite.add_argument("meeting_id", type=int, metavar="ID")
    invite.add_argument(
        "--audience",
        default="all",
        help="all (default), language:CODE, topic:WORD or attended",
    )
    invite.add_argument("--yes", action="store_true", help="queue the invitations")
    invite.set_defaults(handler="meeting:invite_members")


CHECKIN_OPTIONS = {
    "reminders": "times before a meeting, e.g. '1d, 2h' ('none' for no reminders)",
    "followup": "days after the meeting and the local time, e.g. '1 10:00'",
    "longterm": "months after someone last came, e.g. '1, 3, 6' ('none')",
    "reengage": "days without contact before one friendly message, e.g. 60",
    "quiet": "quiet hours in the member's time zone, e.g. '21:00-09:00' ('none')",
    "programme_end": "the end date of a programme, e.g. 2027-06-30 ('none')",
}


def _checkins(commands: Any) -> None:
    parser = commands.add_parser("checkins", help="a community's check-in schedule")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="the schedule and the check-ins by kind and state")
    listing.add_argument("--community", required=True, metavar="CODE")
    listing.add_argument(
        "--utc", action="store_true", help="times in UTC, not the community's zone"
    )
    listing.set_defaults(handler="checkins:list_checkins")
    change = actions.add_parser("set", help="change the schedule")
    change.add_argument("--community", required=True, metavar="CODE")
    for name, explanation in CHECKIN_OPTIONS.items():
        change.add_argument(f"--{name.replace('_', '-')}", dest=name, help=explanation)
    change.set_defaults(handler="checkins:set_schedule")


def _outbox(commands: Any) -> None:
    parser = commands.add_parser("outbox", help="what the bot sends: status, resend, dispatch")
    actions = parser.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")

    status = actions.add_parser(
        "status", help="counts by state and reason; a live progress bar while a broadcast runs"
    )
    _filters(status)
    live = status.add_mutually_exclusive_group()
    live.add_argument(
        "--watch", action="store_true", help="keep refreshing until nothing is left to send"
    )
    live.add_argument("--once", action="store_true", help="print once, even in a terminal")
    status.set_defaults(handler="outbox:show_status")

    resend = actions.add_parser("resend", help="queue failed or unknown messages again")
    which = resend.add_mutually_exclusive_group(required=True)
    which.add_argument("--failed", action="store_true", help="messages that failed")
    which.add_argument(
        "--unknown", action="store_true", help="messages whose outcome a crash made unknown"
    )
    _filters(resend)
    resend.set_defaults(handler="outbox:resend_rows")

    dispatch = actions.add_parser(
        "dispatch", help="send queued messages until stopped (no polling for updates)"
    )
    dispatch.set_defaults(handler="outbox:dispatch_forever")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--purpose", help="only this purpose, e.g. announcement")
    parser.add_argument("--broadcast", type=int, metavar="ID", help="only this broadcast")


def _announce(commands: Any) -> None:
    parser = commands.add_parser(
        "announce",
        help="send an announcement to every reachable member of a community",
        description=(
            "Queue an announcement for every member of the community who consented and has "
            "not stopped or blocked the bot. Each member gets the text in their language if "
            "there is one, else in the community's language, else in the language it was "
            "written in. It first shows who gets it in which language and which languages "
            "have no translation, then asks before queuing."
        ),
    )
    parser.add_argument("--community", required=True, metavar="CODE", help="community code")
    text = parser.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the text")
    text.add_argument("--file", type=Path, help="a UTF-8 file with the text")
    parser.add_argument(
        "--locale", help="the language the text is written in (default: the community's)"
    )
    parser.add_argument(
        "--translation",
        action="append",
        default=[],
        metavar="LANG=FILE",
        help="a translation in a UTF-8 file, e.g. ar=announcement.ar.txt (repeatable)",
    )
    confirm = parser.add_mutually_exclusive_group()
    confirm.add_argument("--yes", action="store_true", help="queue without asking")
    confirm.add_argument(
        "--dry-run", action="store_true", help="only show who would get it; queue nothing"
    )
    parser.set_defaults(handler="announce:announce")


def _doctor(commands: Any) -> None:
    parser = commands.add_parser("doctor", help="check settings, database, catalogs and Telegram")
    parser.add_argument(
        "--offline", action="store_true", help="skip the checks that call the Bot API"
    )
    parser.set_defaults(handler="doctor:doctor")


def _report(commands: Any) -> None:
    parser = commands.add_parser(
        "report", help="charts and a summary of a community (PNG and Markdown, or one PDF)"
    )
    parser.add_argument("--community", required=True, metavar="CODE")
    parser.add_argument("--meeting", type=int, metavar="ID", help="only this meeting")
    parser.add_argument(
        "--language", metavar="LANG", help="labels in this language (default: the community's)"
    )
    parser.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="png",
        help="png: a PNG per chart and summary.md; pdf: one PDF to print (default: png)",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="the folder to write into (with --format pdf also a .pdf file name)",
    )
    parser.set_defaults(handler="report:make_report")


def _audit(commands: Any) -> None:
    parser = commands.add_parser("audit", help="list the audit trail, newest first")
    parser.add_argument("--community", metavar="CODE", help="only this community")
    parser.add_argument("--action", metavar="A", help="only this action, e.g. role.grant")
    parser.add_argument(
        "--since", type=_moment, metavar="DATE", help="from this UTC date or ISO time on"
    )
    parser.add_argument(
        "--until",
        type=_until,
        metavar="DATE",
        help="up to and including this UTC date (or before this ISO time)",
    )
    parser.add_argument("--limit", type=int, default=200, metavar="N", help="default 200")
    parser.add_argument("--format", choices=("table", "jsonl"), default="table")
    parser.set_defaults(handler="audit:list_events")


def _moment(raw: str) -> datetime:
    try:
        if "T" not in raw and " " not in raw:
            return datetime.combine(date.fromisoformat(raw), time(), UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {raw!r} (use 2026-11-28)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _until(raw: str) -> datetime:
    moment = _moment(raw)
    # A bare date means the whole day.
    return moment + timedelta(days=1) if "T" not in raw and " " not in raw else moment


def _retention(commands: Any) -> None:
    parser = commands.add_parser(
        "purge", help="delete answers and stories older than the retention period"
    )
    parser.add_argument("--community", metavar="CODE", help="only this community")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be deleted; delete nothing"
    )
    parser.set_defaults(handler="retention:purge")


def _export(commands: Any) -> None:
    parser = commands.add_parser(
        "export",
        help="export a community's answers and RSVPs as CSV, XLSX or JSONL",
        description=(
            "One row per answer, story and check-in answer, with a pseudonymous member code "
            "instead of the Telegram id. Every export is written to the audit log."
        ),
    )
    parser.add_argument("--community", required=True, metavar="CODE", help="the community code")
    parser.add_argument("--meeting", type=int, default=None, metavar="ID", help="one meeting")
    parser.add_argument("--from", dest="since", type=_day, default=None, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="until", type=_day, default=None, metavar="YYYY-MM-DD")
    parser.add_argument(
        "--language",
        default=None,
        help="the export language for headers, questions and meeting titles "
        "(default: the community's language)",
    )
    parser.add_argument(
        "--answer-language", default=None, help="only answers given in this language"
    )
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    parser.add_argument(
        "--table",
        choices=EXPORT_TABLES,
        default="answers",
        help="for CSV: the answers (default), the RSVP list or the conversations; XLSX and "
        "JSONL hold answers and RSVPs (and conversations with --conversations); proposals, "
        "supports or outcomes: members' proposals (CSV one table, JSONL all three)",
    )
    parser.add_argument(
        "--conversations",
        action="store_true",
        help="XLSX and JSONL: add what members wrote and organisers answered (pseudonymous, "
        "without internal notes); not with --meeting",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        help="the file to write, or a directory to write a file with a generated name into",
    )
    parser.add_argument(
        "--identifiable",
        action="store_true",
        help="add the members' Telegram user ids (recorded in the audit log as such)",
    )
    parser.set_defaults(handler="export:export_command")


def _inbox(commands: Any) -> None:
    parser = commands.add_parser("inbox", help="members' conversations with a community")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="open conversations, newest activity first")
    listing.add_argument("--community", required=True, metavar="CODE")
    listing.add_argument("--all", action="store_true", help="closed ones too")
    listing.set_defaults(handler="inbox:list_inbox")
    show = actions.add_parser("show", help="one conversation in order")
    show.add_argument("conversation", type=int)
    show.add_argument("--community", required=True, metavar="CODE")
    show.set_defaults(handler="inbox:show_thread")
    saved = actions.add_parser("saved-reply", help="add or replace a saved reply")
    saved.add_argument("--community", required=True, metavar="CODE")
    saved.add_argument("--name", required=True)
    saved.add_argument(
        "--text", action="append", required=True, metavar="LOCALE=TEXT", help="repeat per language"
    )
    saved.set_defaults(handler="inbox:save_reply")


# The catalogs community translators review (every language but English), copied so that
# parsing imports nothing (tests/cli/test_help.py keeps it equal).
REVIEW_CATALOGS = ("nl", "ar", "uk", "ru", "ti", "fa", "tr", "so")


def _contributions(commands: Any) -> None:
    parser = commands.add_parser(
        "contributions", help="the contributions log: monthly statements for fair pay"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    statement = actions.add_parser(
        "statement",
        help="one line per person for a month: confirmed hours, activities and the amount",
        description="People are named by their pseudonymous export code; --identifiable adds "
        "their Telegram user id and is recorded as such in the audit log.",
    )
    statement.add_argument("--community", required=True, metavar="CODE")
    statement.add_argument("--month", required=True, type=_month, metavar="YYYY-MM")
    statement.add_argument("--format", required=True, choices=STATEMENT_FORMATS)
    statement.add_argument(
        "--out", type=Path, default=None, help="the file to write (CSV: default the screen)"
    )
    statement.add_argument(
        "--identifiable", action="store_true", help="add the Telegram user ids (audited)"
    )
    statement.add_argument(
        "--language", default=None, help="column names in this language (default: community's)"
    )
    statement.add_argument(
        "--send",
        action="store_true",
        help="also send each person their own statement in chat (once per person and month)",
    )
    statement.set_defaults(handler="contributions:statement")


def _month(raw: str) -> date:
    try:
        year, month = raw.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(raw)
        return date(int(year), int(month), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {raw!r}") from None


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _playground(commands: Any) -> None:
    parser = commands.add_parser(
        "playground", help="try the bot in a browser with invented people (no token needed)"
    )
    parser.add_argument("--port", type=int, default=PLAYGROUND_PORT, help="default %(default)s")
    parser.add_argument(
        "--host",
        default=PLAYGROUND_HOST,
        help="address to listen on (default %(default)s: this computer only)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="use this database instead of the playground's own file (warned about when it "
        "holds real members; never reset then)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the playground keeps its own database (default ~/.cache/samen)",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.set_defaults(handler="playground:playground")


def _texts(commands: Any) -> None:
    parser = commands.add_parser(
        "texts",
        help="catalogs: start a new language, check the voice, community translators' reviews",
    )
    actions = parser.add_subparsers(dest="texts_command", required=True, metavar="ACTION")

    new = actions.add_parser(
        "new",
        help="start a catalog for a new language, with its glossary and style skeletons",
        description="Run from the checkout after `make texts-extract` (`make texts-new LANG=am` "
        "does both).",
    )
    new.add_argument("code", help="the language's CLDR code, e.g. am")
    new.add_argument("--locales", type=Path, default=Path("locales"), help="default: locales")
    new.set_defaults(handler="texts:new")

    check = actions.add_parser(
        "check", help="every catalog has its glossary and style section, and keeps to them"
    )
    check.add_argument("--locales", type=Path, default=Path("locales"), help="default: locales")
    check.set_defaults(handler="texts:run_check")

    reviewed = actions.add_parser(
        "reviews", help="write the entries two translators agree on as a .po fragment"
    )
    reviewed.add_argument("--language", required=True, choices=REVIEW_CATALOGS)
    reviewed.add_argument("--out", required=True, type=Path, help="the .po file to write")
    reviewed.set_defaults(handler="texts:write_reviews")
    merge = actions.add_parser(
        "apply-reviews", help="merge reviewed fragments into the catalogs and compile them"
    )
    merge.add_argument("fragments", nargs="+", type=Path, metavar="FRAGMENT")
    merge.add_argument(
        "--locales", type=Path, default=None, help="the locales folder (default: the bot's)"
    )
    merge.set_defaults(handler="texts:apply_reviews")
