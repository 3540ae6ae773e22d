"""Small locales directories for the voice and review-fix tests: a catalog, a glossary, a style."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

GOOD_GLOSSARY = """\
language = "{code}"
address = "polite plural ви"

[terms]
meeting = "зустріч"
community = "спільнота"
organiser = "організатор"
coordinator = "координатор"
ambassador = "амбасадор"
check-in = "опитування"
going = "Прийду"
maybe = "Можливо"
not_going = "Не прийду"

[avoid]
address = ["ти", "обери", "натисни"]
terms = ["збори", "засідання"]
"""

STYLE = """\
# How Samen speaks

General part.

# Per language

## {code} — Ukrainian

- Form of address: ви.
"""


def write_catalog(
    locales: Path, code: str, entries: dict[str | tuple[str, str], str | tuple[str, ...]]
) -> Path:
    """locales/<code>/LC_MESSAGES/messages.po with these msgid → msgstr entries."""
    catalog = Catalog(locale=code)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    path = locales / code / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def good_locales(root: Path, code: str = "uk") -> Path:
    """A locales directory whose one catalog keeps to its glossary and has its style section."""
    locales = root / "locales"
    write_catalog(
        locales,
        code,
        {
            "Please choose with the buttons.": "Будь ласка, оберіть кнопками.",
            # "ти" inside a longer word is no marker: whole words only.
            "Quietly": "Тихо",
            ("{count} meeting", "{count} meetings"): (
                "{count} зустріч",
                "{count} зустрічі",
                "{count} зустрічей",
            ),
            "Use /translate to add a translation, /meeting to see it.": (
                "Надішліть /translate, щоб додати переклад, і /meeting, щоб побачити її."
            ),
        },
    )
    (locales / code / "glossary.toml").write_text(
        GOOD_GLOSSARY.format(code=code), encoding="utf-8"
    )
    (locales / "STYLE.md").write_text(STYLE.format(code=code), encoding="utf-8")
    return locales
