"""Languages as members and organisers see them: in their own names, in lists, and which
language each group of an audience will read (the previews of invitations and
announcements)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator, find_language
from bot.services.fallback import Reading


def name(tag: str) -> str:
    """A language in its own name and script (how members recognise their language)."""
    language = find_language(tag)
    return language.native_name if language else tag


def names(t: Translator, tags: Sequence[str]) -> str:
    """Languages in their own names, as a list in the reader's language."""
    return t.fmt_list([name(tag) for tag in tags])


def reading_lines(t: Translator, reading: Sequence[Reading]) -> list[str]:
    """One line per group that will not read everything in its own language: the language(s)
    they will actually read, and which of those they read besides their own
    ("Українська → English (they read English): 2 members")."""
    lines = []
    for group in reading:
        if group.own:
            continue
        if not group.reads and len(group.got) == 1:
            # No text in their language and no other language of theirs has one: as before.
            lines.append(
                "⚠️ "
                + t.gettext(
                    "There is no text in {language}: those members will get the {fallback} text.",
                    language=name(group.locale),
                    fallback=name(group.got[0]),
                )
            )
            continue
        got = names(t, group.got)
        if group.reads:
            got = t.gettext(
                "{languages} (they read {read})", languages=got, read=names(t, group.reads)
            )
        lines.append(
            "⚠️ "
            + t.ngettext(
                "{language} → {languages}: {count} member",
                "{language} → {languages}: {count} members",
                group.count,
                language=name(group.locale),
                languages=got,
            )
        )
    return lines
