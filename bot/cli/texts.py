"""`samen texts`: the catalogs' languages and what community translators reviewed.

`new` / `check`: `make texts-new LANG=am` extracts the messages and runs `samen texts new am`:
the catalog (what `pybabel init` makes), a glossary skeleton and a STYLE.md section to fill in.
Until they are filled in, `samen texts check` (and the suite's voice test) names what is still
missing.

`reviews` writes the entries of one catalog that two translators agree on as a .po fragment;
`apply-reviews` merges fragments into the catalogs and compiles them. Only that changes what
the bot says.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po, write_po

from bot.cli.common import CommandError, settings, with_engine
from bot.db.engine import create_session_factory
from bot.i18n import LANGUAGES
from bot.i18n.style import CATALOG_PATH, FILL_IN, GLOSSARY_FILE, STYLE_FILE, TERMS, check
from bot.runtime import system_clock
from bot.services.translations import fragments

_CODE = re.compile(r"^[a-z]{2,3}$")


def parse_locale(code: str) -> Locale:
    """The CLDR locale for a bare language code ("am"), or one line saying what is wrong."""
    if not _CODE.match(code):
        raise CommandError(f"{code!r} is not a language code: use two or three letters, e.g. am")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise CommandError(
            f"Babel does not know the language {code!r} (a CLDR code, e.g. am)"
        ) from None


def glossary_skeleton(code: str, locale: Locale) -> str:
    terms = "\n".join(f'{term} = ""  # {FILL_IN}' for term in TERMS)
    return (
        f"# The fixed words of {locale.english_name}'s voice; locales/STYLE.md explains them.\n"
        f'language = "{code}"\n'
        f'address = ""  # {FILL_IN}: the form of address, and how to stay gender-neutral\n'
        "\n"
        "[terms]  # the one word used for each concept (base form)\n"
        f"{terms}\n"
        "\n"
        "[avoid]\n"
        "# Whole words that must appear in no msgstr of this catalog: the other form of\n"
        "# address, and the synonyms that drift from the terms above. Lists may stay empty.\n"
        "address = []\n"
        "terms = []\n"
    )


def style_skeleton(code: str, locale: Locale) -> str:
    return (
        f"\n## {code} — {locale.english_name}\n"
        "\n"
        f"- Form of address: {FILL_IN}\n"
        f"- Gender: {FILL_IN}\n"
        f"- Fixed terms: as in `locales/{code}/{GLOSSARY_FILE}`; {FILL_IN} (why these words)\n"
        f"- Script, punctuation, digits: {FILL_IN}\n"
        f"- A reviewer checks: {FILL_IN}\n"
    )


def language_line(code: str, locale: Locale) -> str:
    """The entry bot/i18n/languages.py needs so that members can choose the language."""
    rtl = ", rtl=True" if locale.character_order == "right-to-left" else ""
    return f'Language("{code}", "{code}", "{locale}", "{locale.get_display_name(code)}"{rtl}),'


def new(args: argparse.Namespace) -> int:
    code: str = args.code
    locales: Path = args.locales
    locale = parse_locale(code)
    template = locales / "messages.pot"
    catalog_path = locales / code / CATALOG_PATH
    if not template.exists():
        raise CommandError(f"{template} is missing: run `make texts-extract` first")
    if catalog_path.exists():
        raise CommandError(f"{catalog_path} exists already: edit it, or pick another code")

    # What `pybabel init` does: the template with this locale's header and plural rule.
    with template.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    catalog.locale = locale
    catalog.revision_date = datetime.now(UTC)
    catalog.fuzzy = False
    catalog_path.parent.mkdir(parents=True)
    with catalog_path.open("wb") as handle:
        write_po(handle, catalog, width=76)

    glossary = locales / code / GLOSSARY_FILE
    if not glossary.exists():
        glossary.write_text(glossary_skeleton(code, locale), encoding="utf-8")
    style = locales / STYLE_FILE
    text = style.read_text(encoding="utf-8") if style.exists() else ""
    if f"\n## {code} — " not in text:
        style.write_text(text.rstrip("\n") + "\n" + style_skeleton(code, locale), encoding="utf-8")

    print(f"Started {locale.english_name} ({code}):")
    print(f"  {catalog_path}  translate every entry")
    print(f"  {glossary}  fill in the fixed terms and the words to avoid")
    print(f"  {style}  fill in the section '## {code} — {locale.english_name}'")
    print("  bot/i18n/languages.py  add to LANGUAGES, so members can choose it:")
    print(f"      {language_line(code, locale)}")
    print("Then: make texts-compile, and `samen texts check` until it reports nothing.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Every voice problem, one line each; exit 1 when there is any."""
    problems = check(args.locales, offered={lang.catalog for lang in LANGUAGES})
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {args.locales}", file=sys.stderr)
        return 1
    print(f"Every catalog in {args.locales} has its glossary and style, and keeps to them.")
    return 0


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
