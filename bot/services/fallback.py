"""Which language's text a member gets when people wrote texts in a few languages.

The chain: the member's language → the community's default → the language it was written
in. A regional variant falls back to its language (fa-AF → fa) before the next step; when the
chain is exhausted any text beats silence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def chain(
    member_locale: str | None, community_locale: str | None, source_locale: str | None
) -> list[str]:
    tags: list[str] = []
    for candidate in (member_locale, community_locale, source_locale):
        if not candidate:
            continue
        for tag in (candidate, candidate.split("-")[0]):
            if tag not in tags:
                tags.append(tag)
    return tags


def pick(
    texts: Mapping[str, T],
    *,
    member_locale: str | None,
    community_locale: str | None,
    source_locale: str | None,
) -> tuple[str, T]:
    """(locale, text) along the chain; raises LookupError when there is no text at all."""
    for tag in chain(member_locale, community_locale, source_locale):
        if texts.get(tag):
            return tag, texts[tag]
    for tag, text in texts.items():
        if text:
            return tag, text
    raise LookupError("no text in any language")


def has_own_text(texts: Mapping[str, object], locale: str) -> bool:
    """Whether a member with `locale` reads a text written for their language (or its base)."""
    return bool(texts.get(locale) or texts.get(locale.split("-")[0]))
