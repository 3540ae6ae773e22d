"""`samen --help` and every command's `--help` load argparse, not the application."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from bot.cli import parser, resolve
from bot.db.models import Role
from bot.services import exports
from bot.services.translations.catalog import review_catalogs

HEAVY = ("telegram", "sqlalchemy.ext.asyncio", "matplotlib", "openpyxl", "bot.services")

# Runs each --help in one fresh interpreter and reports which heavy modules were loaded
# after it: none may be, so one interpreter for all of them proves it for each.
PROBE = """
import contextlib, io, json, sys
from bot.cli import main
heavy, reports = json.loads(sys.argv[1]), []
for argv in json.loads(sys.argv[2]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as stop:
            code = stop.code
    loaded = [name for name in heavy if name in sys.modules]
    reports.append([argv, code, "usage: samen" in out.getvalue(), loaded])
print(json.dumps(reports))
"""


def _subcommands(command: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def every_help() -> list[list[str]]:
    found = [["--help"]]
    for name, group in _subcommands(parser.build_parser()).items():
        found.append([name, "--help"])
        found.extend([name, action, "--help"] for action in _subcommands(group))
    return found


def test_help_of_every_command_loads_no_heavy_module() -> None:
    helps = every_help()
    assert len(helps) >= 1 + 13 + 19  # samen, every group and every action
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps(helps)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for argv, code, printed_usage, loaded in json.loads(result.stdout):
        assert (code, printed_usage, loaded) == (0, True, []), argv


@pytest.mark.parametrize("argv", every_help()[1:], ids=" ".join)
def test_every_command_names_work_that_exists(argv: list[str]) -> None:
    try:
        args = parser.build_parser().parse_args(argv[:-1])
    except SystemExit:
        return  # a group without its action: nothing to run
    assert callable(resolve(args.handler))


def test_the_parser_s_copies_match_what_the_services_own() -> None:
    assert tuple(role.value for role in Role) == parser.ROLES
    assert parser.EXPORT_FORMATS == exports.FORMATS
    assert parser.EXPORT_TABLES == exports.TABLES
    assert review_catalogs() == parser.REVIEW_CATALOGS
