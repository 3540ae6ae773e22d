"""Split a long text into messages Telegram accepts, without breaking what a reader sees.

Telegram measures text in UTF-16 code units (an emoji outside the Basic Multilingual Plane
counts 2) and takes at most 4,096 per message. A cut is never made inside a surrogate pair,
a user-perceived character (a letter and its combining marks, e.g. Arabic harakat; an emoji
with its modifiers or zero-width joiners; a flag), or a formatting entity; it prefers a
paragraph break, then a line break, then a space. Entities are re-based onto each part.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import accumulate

MAX_MESSAGE = 4096  # UTF-16 code units
MAX_CAPTION = 1024

_ZWJ = "\u200d"


@dataclass(frozen=True)
class TextEntity:
    """A formatting entity as the Bot API has it: offset and length in UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(
    text: str, entities: Sequence[TextEntity] = (), limit: int = MAX_MESSAGE
) -> list[tuple[str, list[TextEntity]]]:
    """Parts of at most `limit` UTF-16 units, each with its own entities."""
    if limit < 2:
        raise ValueError("limit must leave room for a surrogate pair")
    # u16[i]: UTF-16 offset of code point i.
    u16 = [0, *accumulate(2 if ord(ch) > 0xFFFF else 1 for ch in text)]
    spans = [_to_code_points(e, u16) for e in entities]
    parts: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        if u16[n] - u16[start] <= limit:
            parts.append((start, n))
            break
        hard = bisect.bisect_right(u16, u16[start] + limit) - 1  # last end that fits
        end = _best_break(text, start, hard, spans)
        parts.append((start, end))
        start = end
        while start < n and text[start].isspace():
            start += 1  # Telegram trims it anyway; trimming here keeps entity offsets true
    result = []
    for a, b in parts:
        while b > a and text[b - 1].isspace():
            b -= 1
        if b == a:
            continue
        result.append((text[a:b], _rebase(spans, entities, u16, a, b)))
    return result


def _to_code_points(entity: TextEntity, u16: list[int]) -> tuple[int, int]:
    start = bisect.bisect_left(u16, entity.offset)
    end = bisect.bisect_left(u16, entity.offset + entity.length)
    return start, end


def _rebase(
    spans: list[tuple[int, int]],
    entities: Sequence[TextEntity],
    u16: list[int],
    a: int,
    b: int,
) -> list[TextEntity]:
    rebased = []
    for (start, end), entity in zip(spans, entities, strict=True):
        lo, hi = max(start, a), min(end, b)
        if lo >= hi:
            continue
        rebased.append(replace(entity, offset=u16[lo] - u16[a], length=u16[hi] - u16[lo]))
    return rebased


def _best_break(text: str, start: int, hard: int, spans: list[tuple[int, int]]) -> int:
    """The end (exclusive) of the part beginning at `start`, at most `hard`."""

    def allowed(p: int, respect_entities: bool = True) -> bool:
        if not is_grapheme_boundary(text, p):
            return False
        return not respect_entities or not any(s < p < e for s, e in spans)

    # A break too early makes tiny parts; look for a nice one in the second half first.
    floor = start + max(1, (hard - start) // 2)
    for wanted in ("\n\n", "\n", " "):
        for p in range(hard, floor - 1, -1):
            if text[p - len(wanted) : p] == wanted and allowed(p):
                return p
    for p in range(hard, start, -1):
        if text[p - 1].isspace() and allowed(p):
            return p
    for p in range(hard, start, -1):
        if allowed(p):
            return p
    # One entity longer than a whole message: it has to be cut, but never inside a character.
    for p in range(hard, start, -1):
        if allowed(p, respect_entities=False):
            return p
    return hard  # a single "character" longer than a message: cut between code points


def is_grapheme_boundary(text: str, p: int) -> bool:
    """Whether a cut before text[p] keeps every user-perceived character whole.

    An approximation of Unicode's extended grapheme clusters that covers what matters in our
    languages: combining marks, joiners, variation selectors, emoji modifiers and tags,
    regional-indicator flags and CR LF.
    """
    if p <= 0 or p >= len(text):
        return True
    before, after = text[p - 1], text[p]
    if before == "\r" and after == "\n":
        return False
    if before == _ZWJ or after == _ZWJ:
        return False
    if _extends(after):
        return False
    if _is_regional_indicator(before) and _is_regional_indicator(after):
        # Flags are pairs: a cut is fine only after an even number of indicators.
        count = 0
        i = p - 1
        while i >= 0 and _is_regional_indicator(text[i]):
            count += 1
            i -= 1
        return count % 2 == 0
    return True


def _extends(ch: str) -> bool:
    code = ord(ch)
    if unicodedata.category(ch) in {"Mn", "Me", "Mc"}:
        return True
    return (
        0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag sequences (subdivision flags)
    )


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF
