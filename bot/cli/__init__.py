"""The `samen` command (also `python -m bot`). Each command group lives in its own module.

Arguments are parsed by `bot.cli.parser`, which imports nothing heavy; only the module of the
command that runs is imported, so `--help` answers at once.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Callable, Sequence

from bot.cli.parser import build_parser
from bot.errors import OperatorError
from bot.redaction import RedactingStream


def resolve(name: str) -> Callable[..., int | None]:
    """The function behind "module:function", a command's work in bot/cli/<module>.py."""
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(f"bot.cli.{module}"), function)


def main(argv: Sequence[str] | None = None) -> int:
    # Everything the command prints passes the redaction layer: a secret never reaches the
    # terminal or the journal, whatever path printed it.
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = RedactingStream(stdout), RedactingStream(stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(resolve(args.handler)(args) or 0)
    except OperatorError as exc:
        # One clear line, no traceback: these are the operator's to fix.
        print(f"samen: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        # A bug: the traceback helps whoever reports it, and the stream redacts it.
        traceback.print_exc(file=sys.stderr)
        return 1
