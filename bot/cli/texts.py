"""`samen texts`: what community translators reviewed, for maintainers.

`reviews` writes the entries of one catalog that two translators agree on as a .po fragment;
`apply-reviews` merges fragments into the catalogs and compiles them. Only that changes what
the bot says.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.db.engine import create_session_factory
from bot.runtime import system_clock
from bot.services.translations import fragments


def write_reviews(args: argparse.Namespace) -> int:
    config = settings()
    out: Path = args.out
    if not out.parent.is_dir():
        raise CommandError(f"the folder {out.parent} does not exist")

    async def work(engine: Any) -> int:
        async with create_session_factory(engine)() as session:
            try:
                fragment = await fragments.build(
                    session, config.locales_dir, args.language, now=system_clock()
                )
            except fragments.FragmentError as exc:
                raise CommandError(str(exc)) from None
        fragments.write(fragment, out)
        return len(fragment)

    count = with_engine(config, work)
    print(f"wrote {count} reviewed entries of the {args.language} catalog to {out}")
    return 0


def apply_reviews(args: argparse.Namespace) -> int:
    locales: Path = args.locales or settings().locales_dir
    missing = [str(path) for path in args.fragments if not path.is_file()]
    if missing:
        raise CommandError(f"no such fragment: {', '.join(missing)}")
    try:
        merges = fragments.apply(locales, args.fragments)
    except fragments.FragmentError as exc:
        raise CommandError(str(exc)) from None
    for merge in merges:
        print(
            f"{merge.catalog}: {merge.reviewed} entries reviewed ({merge.changed} corrected), "
            f"compiled"
        )
        for msgid in merge.skipped:
            first_line = msgid.splitlines()[0][:60]
            print(f"{merge.catalog}: left out (source or placeholders differ): {first_line}")
    return 0
