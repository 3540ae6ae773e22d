"""`samen community set-allowance` and `samen contributions statement`: how a community
rewards contributions, and the monthly statement for its finance administrator."""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import xlsxwriter

from bot.cli.common import CommandError, settings, with_engine
from bot.db.engine import create_session_factory
from bot.db.models import AllowanceMode
from bot.i18n import N_, Catalogs, Translator, find_language
from bot.runtime import system_clock
from bot.services import communities, exports
from bot.services.communities import allowances
from bot.services.contributions import statements
from bot.services.exports.cells import safe_text

COLUMNS = (
    N_("Member code"),
    N_("Telegram id"),
    N_("Confirmed hours"),
    N_("Activities"),
    N_("Amount (EUR)"),
    N_("Note"),
)
NOTES = {
    statements.MONTHLY: N_("monthly cap reached"),
    statements.YEARLY: N_("yearly cap reached"),
}


def _euros(cents: int | None) -> str:
    return "-" if cents is None else f"{cents / 100:.2f}"


def set_allowance(args: argparse.Namespace) -> int:
    config = settings()
    fees = dict(args.fee)
    if len(fees) != len(args.fee):
        raise CommandError("each --fee kind may be given once")

    async def work(engine: Any) -> str:
        async with create_session_factory(engine)() as session:
            community = await communities.find_by_code(session, args.code)
            if community is None:
                raise CommandError(f"no community with the code {args.code!r}")
            try:
                row = await allowances.set_allowance(
                    session,
                    community,
                    mode=AllowanceMode(args.mode),
                    hourly_rate_cents=args.hourly_rate,
                    monthly_cap_cents=args.monthly_cap,
                    yearly_cap_cents=args.yearly_cap,
                    fees=fees,
                    now=system_clock(),
                )
            except allowances.AllowanceError as exc:
                raise CommandError(str(exc)) from None
            await session.commit()
            parts = [f"mode {row.mode.value}"]
            if row.hourly_rate_cents is not None:
                parts.append(f"€{_euros(row.hourly_rate_cents)} an hour")
            parts += [f"{k} €{_euros(v)}" for k, v in sorted((row.fees or {}).items())]
            parts.append(f"monthly cap €{_euros(row.monthly_cap_cents)}")
            parts.append(f"yearly cap €{_euros(row.yearly_cap_cents)}")
            return f"{community.code}: " + ", ".join(parts) + " (audited)"

    print(with_engine(config, work))
    return 0


def _table(t: Translator, lines: list[statements.Line], identifiable: bool) -> list[list[Any]]:
    header = [t.gettext(c) for c in COLUMNS]
    if not identifiable:
        header.pop(1)
    rows: list[list[Any]] = [header]
    for line in lines:
        row: list[Any] = [
            line.code,
            line.telegram_user_id if line.telegram_user_id is not None else "",
            round(line.minutes / 60, 2),
            line.activities,
            line.amount_cents / 100,
            t.gettext(NOTES[line.cap_note]) if line.cap_note else "",
        ]
        if not identifiable:
            row.pop(1)
        rows.append(row)
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    return f"{value:.2f}" if isinstance(value, float) else value


def _write_csv(out: Any, rows: list[list[Any]]) -> None:
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(v) for v in row])


def _write_xlsx(path: Path, rows: list[list[Any]]) -> None:
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet("Statement")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "0.00"})
    sheet.write_row(0, 0, rows[0], bold)
    for number, row in enumerate(rows[1:], 1):
        for column, value in enumerate(row):
            if isinstance(value, float):
                sheet.write_number(number, column, value, money)
            elif isinstance(value, int):
                sheet.write_number(number, column, value)
            else:
                sheet.write_string(number, column, safe_text(value))
    sheet.set_column(0, len(rows[0]) - 1, 18)
    book.close()


def statement(args: argparse.Namespace) -> int:
    config = settings()
    if args.format == "xlsx" and args.out is None:
        raise CommandError("an XLSX statement needs --out FILE")
    if args.out is not None and not args.out.parent.is_dir():
        raise CommandError(f"no directory {args.out.parent} to write the statement into")
    if args.language is not None and find_language(args.language) is None:
        raise CommandError(f"Samen has no catalog for the language {args.language!r}")
    now = system_clock()
    catalogs = Catalogs(config.locales_dir, config.default_time_zone)

    async def work(engine: Any) -> tuple[Translator, list[statements.Line], int]:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            community = await communities.find_by_code(session, args.community)
            if community is None:
                raise CommandError(f"no community with the code {args.community!r}")
            community_id = community.id
        codes = await exports.member_codes(sessions, config.export_secret, now=now)
        async with sessions() as session:
            community = await communities.get(session, community_id)
            assert community is not None
            lines = await statements.produce(
                session,
                community,
                args.month,
                code_of=codes.code,
                identifiable=args.identifiable,
                now=now,
            )
            sent = (
                await statements.send(session, community, args.month, now=now) if args.send else 0
            )
            await session.commit()
            t = catalogs.translator(args.language or community.default_locale, community.time_zone)
            return t, lines, sent

    if args.identifiable:
        print(
            "samen: this statement names people by their Telegram user id; it is recorded in "
            "the audit log. Share it with no one who does not need it.",
            file=sys.stderr,
        )
    t, lines, sent = with_engine(config, work)
    rows = _table(t, lines, args.identifiable)
    if args.out is None:
        _write_csv(sys.stdout, rows)
    else:
        # Written next to the target and renamed: no half file, readable by its owner only.
        temporary: str | None = None
        try:
            with tempfile.NamedTemporaryFile(
                dir=args.out.parent, prefix=".samen-statement-", delete=False
            ) as handle:
                temporary = handle.name
            if args.format == "xlsx":
                _write_xlsx(Path(temporary), rows)
            else:
                with open(temporary, "w", encoding="utf-8-sig", newline="") as out:
                    _write_csv(out, rows)
            os.replace(temporary, args.out)
        except BaseException:
            if temporary is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
            raise
        print(f"wrote {args.out}: {len(lines)} people (audited)", file=sys.stderr)
    if args.send:
        print(f"{sent} statements queued to be sent in chat", file=sys.stderr)
    return 0
