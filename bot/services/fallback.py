"""Which language's text a member gets when people wrote texts in a few languages.

The chain: the member's language → the other languages they read, in their order → the
community's default → the language it was written in. A regional variant falls back to its
language (fa-AF → fa) before the next step; when the chain is exhausted any text beats
silence.

The chain is followed *per field*: a meeting whose Arabic text has a title but no place shows
an Arabic reader the Arabic title and the place from the next language along the chain. This
module is the only place that knows the order; meetings, questions, announcements and saved
replies all ask it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from babel import Locale

T = TypeVar("T")
V = TypeVar("V")


def chain(
    member_locale: str | None,
    community_locale: str | None,
    source_locale: str | None,
    *,
    reads: Sequence[str] | None = (),
) -> list[str]:
    """The language tags to try, in order, without repeats."""
    tags: list[str] = []
    for candidate in (member_locale, *(reads or ()), community_locale, source_locale):
        if not candidate:
            continue
        for tag in (candidate, candidate.split("-")[0]):
            if tag not in tags:
                tags.append(tag)
    return tags


def first(
    texts: Mapping[str, T], tags: Sequence[str], value: Callable[[T], V]
) -> tuple[str, V] | None:
    """(locale, value) of the first text along `tags` whose `value` is not empty; else of any
    text that has one (any text beats silence); None when no language has it."""
    for tag in tags:
        text = texts.get(tag)
        if text is not None:
            found = value(text)
            if found:
                return tag, found
    for tag, text in texts.items():
        found = value(text)
        if found:
            return tag, found
    return None


def pick(
    texts: Mapping[str, T],
    *,
    member_locale: str | None,
    community_locale: str | None,
    source_locale: str | None,
    reads: Sequence[str] | None = (),
) -> tuple[str, T]:
    """(locale, text) along the chain for a text of one field (an announcement, a saved
    reply); raises LookupError when there is no text at all."""
    tags = chain(member_locale, community_locale, source_locale, reads=reads)
    found = first(texts, tags, lambda text: text)
    if found is None:
        raise LookupError("no text in any language")
    return found


def pick_field(
    texts: Mapping[str, Any],
    name: str,
    tags: Sequence[str],
) -> tuple[str | None, Any]:
    """(locale, value) of one attribute of per-language rows along `tags`; (None, None) when
    no language has it."""
    found = first(texts, tags, lambda text: getattr(text, name, None))
    return found if found is not None else (None, None)


def pick_items(
    lists: Mapping[str, Sequence[str] | None],
    tags: Sequence[str],
    *,
    source_locale: str | None,
) -> tuple[tuple[str | None, str], ...]:
    """Lists that are aligned by index across languages (a question's choice options), each
    item along the chain: item i comes from the first language whose list has an item i.

    The number of items is the source language's (the options as the organiser wrote them),
    else the longest list, so index i means the same choice in every language.
    """
    source = lists.get(source_locale or "") or ()
    count = (
        len(source) if source else max((len(items or ()) for items in lists.values()), default=0)
    )
    chosen: list[tuple[str | None, str]] = []
    for index in range(count):
        found = first(
            lists, tags, lambda items, i=index: items[i] if items and i < len(items) else ""
        )
        chosen.append(found if found is not None else (None, ""))
    return tuple(chosen)


def received(locales: Iterable[str | None], tags: Sequence[str]) -> tuple[str, ...]:
    """The distinct languages a reader got their fields in, in the order of their chain."""
    used = {locale for locale in locales if locale}
    ordered = [tag for tag in tags if tag in used]
    return (*ordered, *sorted(used - set(ordered)))


def has_own_text(texts: Mapping[str, object], locale: str) -> bool:
    """Whether a member with `locale` reads a text written for their language (or its base)."""
    return bool(texts.get(locale) or texts.get(locale.split("-")[0]))


def through_reads(
    got: Sequence[str], member_locale: str | None, reads: Sequence[str] | None
) -> tuple[str, ...]:
    """Of the languages a reader got, those they get only because they said they read them
    (for previews: "uk → en (reads English)")."""
    own = {member_locale, (member_locale or "").split("-")[0]}
    theirs = {tag for read in reads or () for tag in (read, read.split("-")[0])}
    return tuple(tag for tag in got if tag not in own and tag in theirs)


@dataclass(frozen=True)
class Reading:
    """A group of an audience that reads the same: their own language and the languages
    their text will come in (for previews and exports)."""

    locale: str  # the members' own language
    got: tuple[str, ...]  # the languages of the text they get, in the order of their chain
    reads: tuple[str, ...]  # of `got`, those they get because they said they read them
    count: int

    @property
    def own(self) -> bool:
        """Everything comes in their own language: nothing for the organiser to notice."""
        return self.got == (self.locale,) or self.got == (self.locale.split("-")[0],)


def plain(group: Reading) -> str:
    """A group in plain English for the command line: "uk → en (reads English): 2 member(s)"
    or, when they read nothing else, the warning the CLI always gave."""
    if not group.reads and len(group.got) == 1:
        return f"warning: no text in {group.locale}; those members get the {group.got[0]} text"
    line = f"{group.locale} → {'+'.join(group.got)}"
    if group.reads:
        line += f" (reads {', '.join(english_name(tag) for tag in group.reads)})"
    return f"{line}: {group.count} member(s)"


def english_name(tag: str) -> str:
    names = Locale.parse("en").languages
    return names.get(tag.replace("-", "_")) or names.get(tag.split("-")[0]) or tag


def readings(
    readers: Iterable[tuple[str, Sequence[str] | None]],
    got: Callable[[str, tuple[str, ...]], tuple[str, ...]],
) -> tuple[Reading, ...]:
    """Group (locale, languages read) pairs by what they will get (`got` works that out for
    one pair); sorted by language, then the biggest group first."""
    counts: Counter[tuple[str, tuple[str, ...], tuple[str, ...]]] = Counter()
    seen: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for locale, reads in readers:
        key = (locale, tuple(reads or ()))
        if key not in seen:
            languages = got(*key)
            seen[key] = (languages, through_reads(languages, locale, key[1]))
        counts[(locale, *seen[key])] += 1
    groups = [Reading(locale, languages, via, n) for (locale, languages, via), n in counts.items()]
    return tuple(sorted(groups, key=lambda g: (g.locale, -g.count, g.got)))
