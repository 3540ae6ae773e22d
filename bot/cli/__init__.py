"""The `samen` command (also `python -m bot`). Each command group lives in its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import (
    announce,
    audit,
    checkins,
    community,
    db,
    doctor,
    export,
    inbox,
    meeting,
    outbox,
    report,
    retention,
    role,
    run,
)
from bot.cli.common import CommandError
from bot.config import ConfigError
from bot.db import DatabaseUnavailable

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samen", description="Samen: a multilingual Telegram bot for newcomer communities."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (
        run,
        db,
        community,
        role,
        meeting,
        checkins,
        outbox,
        announce,
        doctor,
        report,
        audit,
        retention,
        export,
        inbox,
    ):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ConfigError, DatabaseUnavailable, CommandError) as exc:
        # One clear line, no traceback: these are the operator's to fix.
        print(f"samen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
