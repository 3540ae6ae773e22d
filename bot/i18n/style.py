"""The voice of each language, checked: its glossary, its style section, its words.

Every catalog in a locales directory needs `locales/<code>/glossary.toml` (the fixed terms and
the marker words it must never use, see locales/STYLE.md) and a `## <code> — <name>` section in
`locales/STYLE.md`. A msgstr that contains an avoid marker (the other form of address, a
drifting synonym of a fixed term) or writes a `/command` glued to a letter (Telegram then does
not make it a link) is a problem. Each problem is one line naming the file, the msgid and what
is wrong, so that a translator can go straight to the entry.

Pure functions over files: the tests, `samen texts new` and a reviewer's check use the same.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

# The concepts every language fixes one word for (glossary.toml [terms]).
TERMS = (
    "meeting",
    "community",
    "organiser",
    "coordinator",
    "ambassador",
    "check-in",
    "going",
    "maybe",
    "not_going",
)
# Written into skeletons (`samen texts new`); the check refuses a file that still has it.
FILL_IN = "FILL IN"
STYLE_FILE = "STYLE.md"
GLOSSARY_FILE = "glossary.toml"
CATALOG_PATH = Path("LC_MESSAGES") / "messages.po"
_SECTION = re.compile(r"^## (?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?) — \S.*$", re.MULTILINE)
# A command as the source writes it: not after a letter or digit ("Yes/no" has none).
_COMMAND = re.compile(r"(?<!\w)/([a-z][a-z0-9_]*)")
_ANY_SLASH_WORD = re.compile(r"/([a-z][a-z0-9_]*)")


@dataclass(frozen=True)
class Problem:
    """One thing to fix: where (file, and the msgid when it is about an entry) and what."""

    file: Path
    what: str
    msgid: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: msgid {self.msgid!r}" if self.msgid is not None else str(self.file)
        return f"{where}: {self.what}"


def catalog_codes(locales_dir: Path) -> list[str]:
    """The language codes that have a catalog in `locales_dir`, sorted."""
    return sorted(p.parent.parent.name for p in locales_dir.glob(f"*/{CATALOG_PATH}"))


def load_catalog(locales_dir: Path, code: str) -> Catalog:
    with (locales_dir / code / CATALOG_PATH).open("rb") as handle:
        return read_po(handle, locale=code)


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def found_markers(text: str, markers: Iterable[str]) -> list[str]:
    """The markers that appear in `text` as whole words (case-insensitive, NFC)."""
    haystack = _normal(text)
    return [
        marker
        for marker in markers
        if marker.strip()
        and re.search(rf"(?<!\w){re.escape(_normal(marker.strip()))}(?!\w)", haystack)
    ]


def glued_commands(msgid: str, msgstr: str) -> list[str]:
    """The msgid's /commands that the msgstr writes right after a letter ("و/translate")."""
    commands = set(_COMMAND.findall(msgid))
    glued = []
    for match in _ANY_SLASH_WORD.finditer(msgstr):
        before = msgstr[match.start() - 1] if match.start() else ""
        if match.group(1) in commands and before.isalpha():
            glued.append("/" + match.group(1))
    return glued


def entries(catalog: Catalog) -> Iterator[tuple[str, str, list[str]]]:
    """(msgid, source text of every form, every non-empty msgstr form) per translated entry."""
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        source = message.id if isinstance(message.id, str) else " ".join(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield msgid, source, [s for s in strings if s]


# --- glossary.toml --------------------------------------------------------------------------


def read_glossary(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The glossary's contents, or None and the problem that stops it being read."""
    if not path.exists():
        return None, [
            Problem(
                path,
                "missing: every catalog needs a glossary (its fixed terms and avoid markers); "
                "see locales/STYLE.md, or run `make texts-new LANG=<code>` for a skeleton",
            )
        ]
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), []
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return None, [Problem(path, f"is not valid TOML: {exc}")]


def glossary_problems(path: Path, code: str, glossary: dict[str, Any]) -> list[Problem]:
    """Required keys present, terms filled in, marker lists made of strings."""
    problems: list[Problem] = []

    def text(value: object) -> bool:
        return isinstance(value, str) and bool(value.strip()) and FILL_IN not in value

    if glossary.get("language") != code:
        problems.append(
            Problem(path, f"'language' must be {code!r} (found {glossary.get('language')!r})")
        )
    if not text(glossary.get("address")):
        problems.append(Problem(path, "'address' is missing or empty: say the form of address"))
    terms = glossary.get("terms")
    if not isinstance(terms, dict):
        problems.append(Problem(path, f"[terms] is missing: it needs {', '.join(TERMS)}"))
    else:
        for term in TERMS:
            if term not in terms:
                problems.append(Problem(path, f"[terms] has no {term!r}"))
            elif not text(terms[term]):
                problems.append(Problem(path, f"[terms] {term!r} is empty: fill in the word"))
    avoid = glossary.get("avoid")
    if not isinstance(avoid, dict):
        problems.append(Problem(path, "[avoid] is missing: it needs 'address' and 'terms'"))
        return problems
    for key in ("address", "terms"):
        markers = avoid.get(key)
        if not isinstance(markers, list) or not all(isinstance(m, str) for m in markers):
            problems.append(Problem(path, f"[avoid] {key!r} must be a list of words"))
        elif any(not m.strip() or FILL_IN in m for m in markers):
            problems.append(Problem(path, f"[avoid] {key!r} has an empty or unfilled word"))
    return problems


def avoid_markers(glossary: dict[str, Any]) -> dict[str, list[str]]:
    """The glossary's markers by kind ("address", "terms"); malformed lists count as empty."""
    avoid = glossary.get("avoid")
    avoid = avoid if isinstance(avoid, dict) else {}
    return {
        kind: [m for m in avoid.get(kind, []) if isinstance(m, str) and m.strip()]
        if isinstance(avoid.get(kind), list)
        else []
        for kind in ("address", "terms")
    }


# --- locales/STYLE.md -----------------------------------------------------------------------


def style_sections(style: Path) -> dict[str, str]:
    """Each `## <code> — <name>` section of STYLE.md: code → the section's text."""
    if not style.exists():
        return {}
    text = style.read_text(encoding="utf-8")
    heads = list(_SECTION.finditer(text))
    sections = {}
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        # A section ends at the next heading of level one or two, whichever comes first.
        body = text[head.end() : end]
        stop = re.search(r"^#{1,2} ", body, re.MULTILINE)
        sections[head.group("code")] = body[: stop.start()] if stop else body
    return sections


# --- the whole check ------------------------------------------------------------------------


def catalog_problems(po_path: Path, catalog: Catalog, glossary: dict[str, Any]) -> list[Problem]:
    """Every msgstr that uses an avoid marker or glues a /command to a letter."""
    problems = []
    markers = avoid_markers(glossary)
    for msgid, source, strings in entries(catalog):
        for form in strings:
            for kind, words in markers.items():
                label = "form of address" if kind == "address" else "term outside the glossary"
                for marker in found_markers(form, words):
                    problems.append(Problem(po_path, f"uses {marker!r} ({label})", msgid))
            for command in glued_commands(source, form):
                problems.append(
                    Problem(
                        po_path,
                        f"{command} is glued to a letter; put a space before it "
                        "(Telegram only links a command with no letter before the /)",
                        msgid,
                    )
                )
    return problems


def check(locales_dir: Path, offered: Iterable[str] | None = None) -> list[Problem]:
    """Every problem with the voice of every catalog in `locales_dir`.

    `offered`: the catalogs the bot offers (bot/i18n/languages.py); a catalog outside it is a
    problem too, since members could never choose it.
    """
    problems: list[Problem] = []
    style = locales_dir / STYLE_FILE
    sections = style_sections(style)
    if not style.exists():
        problems.append(Problem(style, "missing: the style of every language lives here"))
    offered_set = set(offered) if offered is not None else None
    for code in catalog_codes(locales_dir):
        if offered_set is not None and code not in offered_set:
            problems.append(
                Problem(
                    Path("bot/i18n/languages.py"),
                    f"catalog {code!r} is not offered: add it to LANGUAGES "
                    "(`samen texts new` prints the line)",
                )
            )
        if code not in sections:
            problems.append(
                Problem(style, f"has no section '## {code} — <English name>' for catalog {code!r}")
            )
        elif FILL_IN in sections[code]:
            problems.append(Problem(style, f"section {code!r} still has {FILL_IN!r} parts"))
        path = locales_dir / code / GLOSSARY_FILE
        glossary, unreadable = read_glossary(path)
        problems += unreadable
        if glossary is None:
            continue
        problems += glossary_problems(path, code, glossary)
        problems += catalog_problems(
            locales_dir / code / CATALOG_PATH, load_catalog(locales_dir, code), glossary
        )
    return problems


# --- the review's fixes, held (tests/i18n/review_fixes/<lang>.toml) -------------------------


def fix_problems(locales_dir: Path, fixes_dir: Path) -> list[Problem]:
    """Every fixed entry whose msgstr in the catalog is no longer exactly the fixed text."""
    problems: list[Problem] = []
    for path in sorted(fixes_dir.glob("*.toml")):
        code = path.stem
        try:
            fixes = tomllib.loads(path.read_text(encoding="utf-8")).get("fix", [])
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(path, f"is not valid TOML: {exc}"))
            continue
        if not (locales_dir / code / CATALOG_PATH).exists():
            problems.append(Problem(path, f"there is no catalog {code!r} for these fixes"))
            continue
        catalog = load_catalog(locales_dir, code)
        po_path = locales_dir / code / CATALOG_PATH
        for number, fix in enumerate(fixes, start=1):
            msgid, expected = fix.get("msgid"), fix.get("msgstr")
            if not isinstance(msgid, str) or not isinstance(expected, str | list):
                problems.append(Problem(path, f"fix #{number} needs a msgid and a msgstr"))
                continue
            entry = catalog.get(msgid)
            if entry is None:
                problems.append(
                    Problem(po_path, "the fixed entry is gone from the catalog", msgid)
                )
                continue
            actual = list(entry.string) if isinstance(entry.string, tuple) else entry.string
            if actual != expected:
                problems.append(
                    Problem(
                        po_path,
                        f"differs from the review's fix in {path.name}: "
                        f"expected {expected!r}, found {actual!r}",
                        msgid,
                    )
                )
    return problems
