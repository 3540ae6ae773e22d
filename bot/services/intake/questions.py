"""Questions asked before and after meetings: their kinds, the default sets, and reading an
answer of the right type out of what a member sent.

Parsing returns data or a `Problem` that names what was expected, so every channel can
re-prompt in the member's language with an example.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.db.models import Question, QuestionKind
from bot.i18n import N_, Catalogs
from bot.services import fallback

MAX_TEXT = 4000
# The scale a question has unless the organiser chose another: 1 (low) to 5 (high).
SCALE = range(1, 6)
# A scale fits on the buttons of one or two rows: 0–10 at most.
SCALE_LOWEST, SCALE_HIGHEST = 0, 10
CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}
FREE_KINDS = (QuestionKind.TEXT, QuestionKind.VOICE)
# A choice question's options: at least two; a button label fits on a phone's screen.
MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION = 2, 10, 60

# The default sets organisers can use as they are. Interface text, so the prompts come from
# the catalogs and are stored per language when a meeting takes them.
DEFAULT_BEFORE = (
    N_("What would you like to put on the agenda?"),
    N_("Where do you stand now?"),
    N_("What have you learned?"),
    N_("How could we help each other?"),
)
DEFAULT_AFTER = (
    N_("What did you learn?"),
    N_("How could we help each other?"),
)
# Asked months after someone last came: where they are now, and what comes next together.
DEFAULT_LONGTERM = (
    N_("Where do you stand now?"),
    N_("What have you learned?"),
    N_("How could we help each other?"),
)


@dataclass(frozen=True)
class QuestionDraft:
    kind: QuestionKind
    prompts: Mapping[str, str]
    required: bool = False
    # Choice labels per language; for a scale its points (`scale_options`) in every language.
    options: Mapping[str, Sequence[str]] = field(default_factory=dict)
    source_locale: str | None = None
    # Marked by the organiser: the answers make the agenda (free-text and voice only).
    agenda: bool = False


def scale_options(scale: range) -> list[str]:
    """A scale's points as stored in the options column, the same in every language (the
    numbers are formatted for each reader when shown)."""
    return [str(n) for n in scale]


def scale_from(options: Sequence[str] | None) -> range:
    """The scale stored in a question's options; the default scale for none (older rows)."""
    points = [int(o) for o in options or () if str(o).lstrip("-").isdigit()]
    if len(points) < 2:
        return SCALE
    return range(min(points), max(points) + 1)


def check_scale(low: int, high: int) -> range | None:
    """A scale an organiser may choose: at least two points, within 0–10."""
    if not SCALE_LOWEST <= low < high <= SCALE_HIGHEST:
        return None
    return range(low, high + 1)


def default_drafts(
    catalogs: Catalogs, prompts: Sequence[str] = DEFAULT_BEFORE
) -> list[QuestionDraft]:
    """The default questions as optional free-text questions, in every language Samen has."""
    # Regional variants (fa-AF) share their language's catalog: one text per catalog is enough.
    translators = [t for t in catalogs.all() if "-" not in t.tag]
    return [
        QuestionDraft(
            kind=QuestionKind.TEXT,
            prompts={t.tag: t.gettext(prompt) for t in translators},
            source_locale="en",
        )
        for prompt in prompts
    ]


@dataclass(frozen=True)
class Asked:
    """A question as one member sees it: the prompt and options in their language."""

    question_id: int
    kind: QuestionKind
    required: bool
    locale: str
    prompt: str
    options: tuple[str, ...]
    scale: range = SCALE


def asked(
    question: Question,
    member_locale: str | None,
    community_locale: str,
    *,
    reads: Sequence[str] | None = (),
) -> Asked:
    """The question as this member sees it: the prompt and each option along their fallback
    chain (`reads`: the other languages they read). Options stay aligned by index across
    languages, so a choice means the same whichever language its label came from."""
    texts = {text.locale: text for text in question.texts}
    tags = fallback.chain(member_locale, community_locale, question.source_locale, reads=reads)
    locale, prompt = fallback.pick_field(texts, "prompt", tags)
    if locale is None:
        raise LookupError("a question without text")
    options = fallback.pick_items(
        {tag: text.options for tag, text in texts.items()},
        tags,
        source_locale=question.source_locale,
    )
    return Asked(
        question_id=question.id,
        kind=QuestionKind(question.kind),
        required=question.required,
        locale=locale,
        prompt=prompt,
        options=tuple(label for _, label in options)
        if question.kind != QuestionKind.SCALE
        else (),
        # The same points in every language: any text that has them will do.
        scale=scale_from(next((t.options for t in question.texts if t.options), None))
        if question.kind == QuestionKind.SCALE
        else SCALE,
    )


# --- reading an answer --------------------------------------------------------------------------


@dataclass(frozen=True)
class Given:
    """What a member sent: text, a voice note, or a button choice."""

    text: str | None = None
    voice_file_id: str | None = None
    voice_duration: int | None = None
    choice: int | None = None  # an option index or a scale value from a button
    choices: tuple[int, ...] | None = None  # the options ticked for a multiple choice
    yes: bool | None = None


@dataclass(frozen=True)
class Parsed:
    kind: QuestionKind
    text: str | None = None
    value: Any = None
    voice_file_id: str | None = None
    voice_duration: int | None = None


@dataclass(frozen=True)
class Problem:
    """Why an answer does not fit: `expected` names what the question takes."""

    expected: QuestionKind
    reason: str  # empty | not_voice | not_text | out_of_range | not_a_date | too_long


def parse(question: Asked, given: Given) -> Parsed | Problem:
    kind = question.kind
    if kind == QuestionKind.VOICE:
        if given.voice_file_id:
            return Parsed(
                kind, voice_file_id=given.voice_file_id, voice_duration=given.voice_duration
            )
        return Problem(kind, "not_voice")
    if given.voice_file_id:
        return Problem(kind, "not_text")
    if kind == QuestionKind.TEXT:
        text = (given.text or "").strip()
        if not text:
            return Problem(kind, "empty")
        if len(text) > MAX_TEXT:
            return Problem(kind, "too_long")
        return Parsed(kind, text=text)
    if kind == QuestionKind.SINGLE_CHOICE:
        index = given.choice if given.choice is not None else _option_typed(question, given.text)
        if index is None or not 0 <= index < len(question.options):
            return Problem(kind, "out_of_range")
        return Parsed(kind, text=question.options[index], value=[index])
    if kind == QuestionKind.MULTIPLE_CHOICE:
        indexes = (
            given.choices if given.choices is not None else _options_typed(question, given.text)
        )
        if not indexes or any(not 0 <= i < len(question.options) for i in indexes):
            return Problem(kind, "out_of_range")
        ordered = sorted(set(indexes))
        return Parsed(kind, text="; ".join(question.options[i] for i in ordered), value=ordered)
    if kind == QuestionKind.SCALE:
        number = given.choice if given.choice is not None else _number(given.text)
        if number is None or number not in question.scale:
            return Problem(kind, "out_of_range")
        return Parsed(kind, text=str(number), value=number)
    if kind == QuestionKind.YES_NO:
        if given.yes is None:
            return Problem(kind, "out_of_range")
        return Parsed(kind, text="yes" if given.yes else "no", value=given.yes)
    if kind == QuestionKind.DATE:
        day = parse_date(given.text or "")
        if day is None:
            return Problem(kind, "not_a_date")
        return Parsed(kind, text=day.isoformat(), value=day.isoformat())
    raise ValueError(f"unknown question kind {kind!r}")


def ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian and other decimal digits as 0-9: members type in their script."""
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text
    )


def _number(text: str | None) -> int | None:
    cleaned = ascii_digits((text or "").strip())
    return int(cleaned) if cleaned.isdigit() and len(cleaned) < 4 else None


def _option_typed(question: Asked, text: str | None) -> int | None:
    """A typed option: its number (1-based) or its label, ignoring case."""
    if not text or not text.strip():
        return None
    number = _number(text)
    if number is not None:
        return number - 1
    wanted = text.strip().casefold()
    for index, option in enumerate(question.options):
        if option.casefold() == wanted:
            return index
    return None


def _options_typed(question: Asked, text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    parts = [p for p in re.split(r"[,;،\s]+", ascii_digits(text)) if p]
    if not parts or not all(p.isdigit() for p in parts):
        single = _option_typed(question, text)
        return (single,) if single is not None else None
    return tuple(int(p) - 1 for p in parts)


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})$"),
)


def parse_date(text: str) -> date | None:
    """A date as people type it: 14-03-2027, 14/3/2027, 14.03.2027 or 2027-03-14, in any
    script's digits. Day before month, as in the Netherlands and most members' countries."""
    cleaned = ascii_digits(text.strip())
    for pattern in _DATE_PATTERNS:
        match = pattern.match(cleaned)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None
