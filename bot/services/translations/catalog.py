"""The catalog entries waiting for a native speaker, read from the .po files, most important
first, and the checks a translator's corrected text must pass.

The .po files are read where the running bot finds its catalogs (`SAMEN_LOCALES_DIR`: the
checkout's locales/, or the copy an installed wheel carries as messages.source.po); the
compiled .mo files the bot speaks from are never written here.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, N_, placeholders
from bot.i18n.translator import DOMAIN

# The translator comment every machine translation carries until two community translators
# agree on it (COMMON.md; tests/i18n checks it).
REVIEW_NOTE = "needs review by a native speaker"
REVIEWED_BY = "Reviewed-By:"
# English is the source language: there is nothing to review in its catalog.
SOURCE_CATALOG = "en"


@dataclass(frozen=True)
class Area:
    """Where a text appears, and the words of the English source that place it there."""

    key: str
    label: str  # N_: translated where it is shown
    words: tuple[str, ...]


# The order of review: what a newcomer must understand to decide about their data first,
# then what they meet most often. An entry belongs to the first area one of whose words is in
# its English source (case-insensitive); within an area, the entry matching an earlier word
# comes first (so the privacy notice itself leads), then the catalog's (alphabetical) order.
AREAS: tuple[Area, ...] = (
    Area(
        "privacy",
        N_("Privacy notice"),
        ("handles your information", "privacy", "stores about you", "/mydata"),
    ),
    Area("consent", N_("Consent"), ("agree", "permission")),
    Area("delete", N_("Deleting your data"), ("delete", "erase")),
    Area("invitation", N_("Invitations"), ("invitation", "invite", "going", "coming", "rsvp")),
    Area(
        "checkin",
        N_("Check-ins"),
        ("check-in", "where do you stand", "what did you learn", "learned", "help each other"),
    ),
    Area("meeting", N_("Meetings"), ("meeting",)),
    Area("conversation", N_("Conversations"), ("conversation", "message", "inbox", "reply")),
    Area("profile", N_("Profile and stories"), ("story", "stories", "profile", "learn")),
)
OTHER = Area("other", N_("Other texts"), ())

# The script a catalog's letters are written in; a corrected text mostly in another script
# is questioned (not refused: a name or a command is Latin in every language).
_SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "latin": ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF)),
    "arabic": ((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "cyrillic": ((0x400, 0x52F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    "ethiopic": ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)),
}
CATALOG_SCRIPT = {
    "nl": "latin",
    "en": "latin",
    "tr": "latin",
    "so": "latin",
    "ar": "arabic",
    "fa": "arabic",
    "uk": "cyrillic",
    "ru": "cyrillic",
    "ti": "ethiopic",
}
# Longer than this many times the English source (plus a little room for short texts) is
# "far longer": questioned before it is kept. Over MAX_TEXT it is refused outright.
LONGER_FACTOR = 3
LONGER_SLACK = 20
MAX_TEXT = 4000


@dataclass(frozen=True)
class Entry:
    """One catalog entry waiting for review, in one catalog."""

    catalog: str
    msgid: str
    msgctxt: str | None
    translation: str
    area: Area
    python_format: bool  # the entry carries the python-brace-format flag

    @property
    def key(self) -> str:
        return entry_key(self.msgid, self.msgctxt)


def entry_key(msgid: str, msgctxt: str | None) -> str:
    """The stable key of an entry: its context and source text, digested."""
    raw = f"{msgctxt or ''}\x04{msgid}".encode()
    return hashlib.sha256(raw).hexdigest()


def review_catalogs() -> tuple[str, ...]:
    """The catalogs community translators review (every one but the English source)."""
    found: list[str] = []
    for language in LANGUAGES:
        if language.catalog != SOURCE_CATALOG and language.catalog not in found:
            found.append(language.catalog)
    return tuple(found)


def po_path(locales_dir: Path, catalog: str) -> Path:
    """The catalog's .po file in a checkout, the one maintainers edit and merge into."""
    return locales_dir / catalog / "LC_MESSAGES" / f"{DOMAIN}.po"


def source_path(locales_dir: Path, catalog: str) -> Path:
    """Where the catalog's entries with their comments are read: the checkout's .po, or the
    copy an installed wheel carries beside its compiled .mo (setup.py)."""
    path = po_path(locales_dir, catalog)
    return path if path.is_file() else path.with_name(f"{DOMAIN}.source.po")


def area_of(msgid: str) -> tuple[int, int, Area]:
    """(area rank, word rank, area) of an English source text."""
    lowered = msgid.lower()
    for rank, area in enumerate(AREAS):
        for word_rank, word in enumerate(area.words):
            if word in lowered:
                return rank, word_rank, area
    return len(AREAS), 0, OTHER


def pending(locales_dir: Path, catalog: str) -> list[Entry]:
    """The entries of `catalog` still marked for review, most important first.

    Plural entries are left out: their forms differ per language and are reviewed by a
    maintainer with the plural rules at hand (see the README).
    """
    path = source_path(locales_dir, catalog)
    if catalog == SOURCE_CATALOG or not path.is_file():
        return []
    stat = path.stat()
    return list(_pending(str(path), catalog, stat.st_mtime_ns, stat.st_size))


# Parsing a catalog takes a noticeable part of a second and every tap of a review needs it:
# the parsed entries are kept per version of the file (its modification time and size), so
# a catalog a maintainer changed is read again and nothing stale is served.
@functools.lru_cache(maxsize=16)
def _pending(path: str, catalog: str, _mtime_ns: int, _size: int) -> tuple[Entry, ...]:
    with open(path, "rb") as handle:
        po = read_po(handle, locale=catalog)
    ranked: list[tuple[tuple[int, int, int], Entry]] = []
    for position, message in enumerate(po):
        if not message.id or not isinstance(message.id, str):
            continue
        if not isinstance(message.string, str) or not message.string:
            continue
        if not any(REVIEW_NOTE in comment for comment in message.user_comments):
            continue
        area_rank, word_rank, area = area_of(message.id)
        entry = Entry(
            catalog=catalog,
            msgid=message.id,
            msgctxt=message.context,
            translation=message.string,
            area=area,
            python_format="python-brace-format" in message.flags,
        )
        ranked.append(((area_rank, word_rank, position), entry))
    ranked.sort(key=lambda pair: pair[0])
    return tuple(entry for _, entry in ranked)


@dataclass(frozen=True)
class Share:
    """How much of a catalog a native speaker has vouched for."""

    catalog: str
    reviewed: int  # translated entries without the review note, or with a Reviewed-By note
    entries: int  # every entry of the catalog (plural ones too)


def reviewed_share(locales_dir: Path, catalog: str) -> Share | None:
    """The catalog's reviewed entries over all its entries; None without a catalog file."""
    path = source_path(locales_dir, catalog)
    if not path.is_file():
        return None
    stat = path.stat()
    reviewed, entries = _share(str(path), catalog, stat.st_mtime_ns, stat.st_size)
    return Share(catalog, reviewed, entries)


@functools.lru_cache(maxsize=16)
def _share(path: str, catalog: str, _mtime_ns: int, _size: int) -> tuple[int, int]:
    # Cached per version of the file, like `_pending`: /stats must not parse nine catalogs
    # each time a coordinator asks.
    with open(path, "rb") as handle:
        po = read_po(handle, locale=catalog)
    reviewed = entries = 0
    for message in po:
        if not message.id:
            continue  # the header
        entries += 1
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            continue  # untranslated or doubtful: nobody vouched for it
        comments = message.user_comments
        noted = any(REVIEW_NOTE in comment for comment in comments)
        vouched = any(comment.startswith(REVIEWED_BY) for comment in comments)
        if vouched or not noted:
            reviewed += 1
    return reviewed, entries


# --- checks on a corrected text -----------------------------------------------------------


@dataclass(frozen=True)
class PlaceholderProblem:
    """What a corrected text did to the source's `{placeholders}` (names without braces)."""

    missing: tuple[str, ...]
    added: tuple[str, ...]
    broken: bool = False  # an unmatched brace: the bot could not fill it in


def placeholder_problem(source: str, text: str) -> PlaceholderProblem | None:
    """None when `text` keeps exactly the placeholders of `source`."""
    try:
        found = placeholders(text)
    except ValueError:
        return PlaceholderProblem(missing=(), added=(), broken=True)
    expected = placeholders(source)
    if found == expected:
        return None
    return PlaceholderProblem(
        missing=tuple(sorted(expected - found)), added=tuple(sorted(found - expected))
    )


# Why a corrected text is questioned before it is kept.
EMPTY = "empty"
LONGER = "longer"
SCRIPT = "script"


def doubts(entry: Entry, text: str) -> list[str]:
    """The reasons to ask "keep it anyway?", in the order they are asked about."""
    return text_doubts(entry.catalog, entry.msgid, text)


def text_doubts(catalog: str, source: str, text: str) -> list[str]:
    """The reasons to ask "keep it anyway?" about `text`, a translation of `source` into the
    language of `catalog` (a catalog entry, or a text people wrote such as a meeting's)."""
    found: list[str] = []
    letters = _letters(text)
    if not letters:
        found.append(EMPTY)
    if len(text) > LONGER_FACTOR * len(source) + LONGER_SLACK:
        found.append(LONGER)
    script = CATALOG_SCRIPT.get(catalog)
    letters = _letters(_NAMES.sub("", text))
    if letters and script is not None:
        ranges = _SCRIPTS[script]
        own = sum(1 for ch in letters if any(lo <= ord(ch) <= hi for lo, hi in ranges))
        if own * 2 < len(letters):
            found.append(SCRIPT)
    return found


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# What stays in Latin letters in every language: commands, links, setting names and the
# names of Samen and Telegram; left out when the script of a text is judged.
_NAMES = re.compile(r"/\w+|https?://\S+|\b[A-Z][A-Z0-9_]{2,}\b|\bSamen\b|\bTelegram\b")


def _letters(text: str) -> str:
    """The letters of a text outside its placeholders (a command like /mydata counts too)."""
    bare = _PLACEHOLDER.sub("", text)
    return "".join(ch for ch in bare if unicodedata.category(ch).startswith("L"))


def normalise(text: str) -> str:
    """A text as two translators' corrections are compared: whitespace runs become one space
    on each line, and the ends are trimmed (line breaks are kept: they are part of a text)."""
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return "\n".join(lines)


def too_long(text: str) -> bool:
    return len(text) > MAX_TEXT
