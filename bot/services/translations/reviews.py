"""Community translators review the bot's own texts, one entry at a time (`/reviewtexts`).

Each translator gives one verdict per entry: good as it is, a corrected text, or skipped. Two
translators agreeing (both "good", or the same corrected text once whitespace is normalised)
make an entry reviewed; a maintainer exports those (`samen texts reviews`) and merges them
into the catalog. Nothing here changes what the bot says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member, TextReview, Verdict
from bot.services import audit, contributions, dialogs
from bot.services.dialogs import Dialog
from bot.services.translations import catalog as catalogs
from bot.services.translations import translators
from bot.services.translations.catalog import Entry, PlaceholderProblem

FLOW = "textreview"
LANGUAGE = "language"  # choosing the catalog (buttons)
ENTRY = "entry"  # an entry is shown (buttons)
CORRECT = "correct"  # waiting for the translator's text
DOUBT = "doubt"  # "keep it anyway?" about the text they typed (buttons)

# A message at the "correct it" step that holds no text.
NO_TEXT = "no_text"

# Agreeing needs this many translators, each counted once.
AGREEING = 2

# The buttons' choices at each step.
GOOD, FIX, SKIP, STOP, BACK, KEEP, AGAIN = "good", "fix", "skip", "stop", "back", "keep", "again"


@dataclass(frozen=True)
class Screen:
    """What the translator sees next; the channel renders it."""

    kind: str  # refused, language, entry, correct, placeholders, doubt, done, stopped, stale
    dialog: Dialog | None = None
    entry: Entry | None = None
    remaining: int = 0
    catalogs: tuple[str, ...] = ()
    catalog: str | None = None
    reason: str | None = None
    problem: PlaceholderProblem | None = None
    doubts: tuple[str, ...] = ()
    agreed: bool = False  # the verdict just given made its entry reviewed


@dataclass(frozen=True)
class Agreed:
    """An entry two (or more) translators agree on: the text to keep and how many agree."""

    entry: Entry
    text: str
    reviewers: int
    last_at: datetime

    @property
    def changed(self) -> bool:
        return self.text != self.entry.translation


@dataclass
class _Votes:
    texts: Counter[str] = field(default_factory=Counter)
    typed: dict[str, str] = field(default_factory=dict)  # normalised → as first typed
    last_at: dict[str, datetime] = field(default_factory=dict)


async def agreed(
    session: AsyncSession, catalog: str, entries: Sequence[Entry]
) -> dict[str, Agreed]:
    """The entries (still waiting in the catalog) that translators agree on, by key.

    A "good" verdict votes for the current translation, a correction for its text (a
    correction equal to the current translation is a "good"). The text with the most votes
    wins when at least two translators gave it and no other text has as many.
    """
    by_key = {entry.key: entry for entry in entries}
    if not by_key:
        return {}
    votes: dict[str, _Votes] = {}
    rows = await session.scalars(
        select(TextReview)
        .where(TextReview.catalog == catalog, TextReview.verdict != Verdict.SKIPPED)
        .order_by(TextReview.created_at, TextReview.id)
    )
    for review in rows:
        entry = by_key.get(review.entry_key)
        if entry is None:
            continue  # reviewed and applied already, or gone from the source
        typed = review.text if review.verdict == Verdict.CORRECTED and review.text else None
        text = typed or entry.translation
        key = catalogs.normalise(text)
        tally = votes.setdefault(entry.key, _Votes())
        tally.texts[key] += 1
        tally.typed.setdefault(key, text.strip() if typed else entry.translation)
        tally.last_at[key] = review.created_at
    found: dict[str, Agreed] = {}
    for key, tally in votes.items():
        ranked = tally.texts.most_common(2)
        best, count = ranked[0]
        if count < AGREEING or (len(ranked) > 1 and ranked[1][1] == count):
            continue
        entry = by_key[key]
        text = tally.typed[best]
        if catalogs.normalise(entry.translation) == best:
            text = entry.translation
        found[key] = Agreed(entry, text, count, tally.last_at[best])
    return found


async def _queue(
    session: AsyncSession, locales_dir: Path, catalog: str, member_id: int
) -> list[Entry]:
    """The entries this translator has still to see: waiting in the catalog, not agreed on
    yet, and without a verdict of theirs."""
    entries = catalogs.pending(locales_dir, catalog)
    done = await agreed(session, catalog, entries)
    judged = set(
        await session.scalars(
            select(TextReview.entry_key).where(
                TextReview.catalog == catalog, TextReview.reviewer_member_id == member_id
            )
        )
    )
    return [e for e in entries if e.key not in done and e.key not in judged]


async def _access(
    session: AsyncSession,
    member: Member | None,
    telegram_user_id: int,
    action: str,
    *,
    now: datetime,
    dialog: Dialog | None = None,
) -> tuple[translators.Standing, Screen | None]:
    """The member's standing; with a refusal (audited, ids only) when they may not review.

    A refused member still in a review (they stopped volunteering) leaves it, so that their
    next message goes where messages outside a dialogue go."""
    standing = await translators.standing(session, member)
    reason = standing.refusal
    if reason is None:
        return standing, None
    if member is not None and dialog is not None and dialog.flow == FLOW:
        await dialogs.clear(session, member.id, now=now)
    await audit.record(
        session,
        "translator.refused",
        now=now,
        actor_user_id=telegram_user_id,
        details={"action": action, "reason": reason},
    )
    return standing, Screen("refused", reason=reason)


async def _show_next(
    session: AsyncSession,
    member: Member,
    locales_dir: Path,
    catalog: str,
    *,
    now: datetime,
    agreed_now: bool = False,
) -> Screen:
    queue = await _queue(session, locales_dir, catalog, member.id)
    if not queue:
        await dialogs.clear(session, member.id, now=now)
        return Screen("done", catalog=catalog, agreed=agreed_now)
    entry = queue[0]
    dialog = await dialogs.set(
        session, member.id, FLOW, ENTRY, {"catalog": catalog, "key": entry.key}, now=now
    )
    return Screen(
        "entry",
        dialog=dialog,
        entry=entry,
        remaining=len(queue),
        catalog=catalog,
        agreed=agreed_now,
    )


async def begin(
    session: AsyncSession,
    member: Member | None,
    telegram_user_id: int,
    locales_dir: Path,
    *,
    now: datetime,
) -> Screen:
    """`/reviewtexts`: the first entry of the translator's language, or the choice of
    language when they read several; a refusal (audited) for anyone else."""
    standing, refused = await _access(session, member, telegram_user_id, "reviewtexts", now=now)
    if refused is not None:
        return refused
    assert member is not None
    if len(standing.catalogs) > 1:
        dialog = await dialogs.set(
            session, member.id, FLOW, LANGUAGE, {"catalogs": list(standing.catalogs)}, now=now
        )
        return Screen("language", dialog=dialog, catalogs=standing.catalogs)
    return await _show_next(session, member, locales_dir, standing.catalogs[0], now=now)


def _current(locales_dir: Path, dialog: Dialog) -> Entry | None:
    """The entry the dialogue is at, while it still waits in the catalog."""
    catalog, key = dialog.data.get("catalog"), dialog.data.get("key")
    if not isinstance(catalog, str) or not isinstance(key, str):
        return None
    for entry in catalogs.pending(locales_dir, catalog):
        if entry.key == key:
            return entry
    return None


async def _record(
    session: AsyncSession,
    member: Member,
    entry: Entry,
    verdict: Verdict,
    text: str | None,
    *,
    now: datetime,
) -> bool:
    """Keep the member's verdict (replacing an earlier one of theirs); True when it made the
    entry reviewed just now."""
    before = await agreed(session, entry.catalog, [entry])
    review = await session.scalar(
        select(TextReview).where(
            TextReview.catalog == entry.catalog,
            TextReview.entry_key == entry.key,
            TextReview.reviewer_member_id == member.id,
        )
    )
    if review is None:
        review = TextReview(
            catalog=entry.catalog,
            entry_key=entry.key,
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            reviewer_member_id=member.id,
        )
        session.add(review)
    review.verdict = verdict
    review.text = text
    review.created_at = now
    await session.flush()
    after = await agreed(session, entry.catalog, [entry])
    made = entry.key in after and entry.key not in before
    if made:
        await _log_agreement(session, after[entry.key], now=now)
    return made


async def _log_agreement(session: AsyncSession, found: Agreed, *, now: datetime) -> None:
    """The contributions log counts the reviewed text's words for each translator whose
    verdict made the agreement (not those who voted for another text). The dedupe key names
    the catalog entry, so a verdict given again never logs it twice."""
    entry = found.entry
    winning = catalogs.normalise(found.text)
    rows = await session.scalars(
        select(TextReview).where(
            TextReview.catalog == entry.catalog,
            TextReview.entry_key == entry.key,
            TextReview.verdict != Verdict.SKIPPED,
            TextReview.reviewer_member_id.is_not(None),
        )
    )
    words = contributions.count_words(found.text)
    for review in rows:
        typed = review.text if review.verdict == Verdict.CORRECTED and review.text else None
        if catalogs.normalise(typed or entry.translation) != winning:
            continue
        assert review.reviewer_member_id is not None
        community_id = await translators.community_of(session, review.reviewer_member_id)
        if community_id is None:
            continue  # in no community (any more): there is no log to count it in
        await contributions.record_translation(
            session,
            community_id=community_id,
            member_id=review.reviewer_member_id,
            words=words,
            reference=f"catalog:{entry.catalog}:{entry.key}",
            approved_by_user_id=None,
            now=now,
        )


async def choose(
    session: AsyncSession,
    member: Member | None,
    telegram_user_id: int,
    dialog: Dialog | None,
    version: int,
    choice: str,
    locales_dir: Path,
    *,
    now: datetime,
) -> Screen:
    """A button of the review: re-checked against the member's standing and dialogue."""
    standing, refused = await _access(
        session, member, telegram_user_id, "reviewtexts.button", now=now, dialog=dialog
    )
    if refused is not None:
        return refused
    assert member is not None
    if dialog is None or not dialog.matches(FLOW, version):
        return Screen("stale")
    if choice == STOP:
        await dialogs.clear(session, member.id, now=now)
        return Screen("stopped")
    if dialog.step == LANGUAGE:
        offered = dialog.data.get("catalogs", [])
        if choice not in offered or not standing.reviews(choice):
            return Screen("stale")
        return await _show_next(session, member, locales_dir, choice, now=now)
    catalog = dialog.data.get("catalog")
    if not isinstance(catalog, str) or not standing.reviews(catalog):
        return Screen("stale")
    entry = _current(locales_dir, dialog)
    if entry is None:
        # Applied by a maintainer meanwhile: go on with the next one.
        return await _show_next(session, member, locales_dir, catalog, now=now)
    if dialog.step == ENTRY and choice in {GOOD, SKIP}:
        verdict = Verdict.GOOD if choice == GOOD else Verdict.SKIPPED
        made = await _record(session, member, entry, verdict, None, now=now)
        return await _show_next(session, member, locales_dir, catalog, now=now, agreed_now=made)
    if dialog.step == ENTRY and choice == FIX:
        dialog = await dialogs.update(session, dialog, now=now, step=CORRECT)
        return Screen("correct", dialog=dialog, entry=entry, catalog=catalog)
    if dialog.step in {CORRECT, DOUBT} and choice == BACK:
        return await _show_entry(session, member, locales_dir, dialog, entry, now=now)
    if dialog.step == DOUBT and choice == AGAIN:
        data = {k: v for k, v in dialog.data.items() if k not in {"text", "doubts"}}
        dialog = await dialogs.set(session, member.id, FLOW, CORRECT, data, now=now)
        return Screen("correct", dialog=dialog, entry=entry, catalog=catalog)
    if dialog.step == DOUBT and choice == KEEP:
        text = dialog.data.get("text")
        if not isinstance(text, str):
            return Screen("stale")
        made = await _record(session, member, entry, Verdict.CORRECTED, text, now=now)
        return await _show_next(session, member, locales_dir, catalog, now=now, agreed_now=made)
    return Screen("stale")


async def _show_entry(
    session: AsyncSession,
    member: Member,
    locales_dir: Path,
    dialog: Dialog,
    entry: Entry,
    *,
    now: datetime,
) -> Screen:
    queue = await _queue(session, locales_dir, entry.catalog, member.id)
    data = {"catalog": entry.catalog, "key": entry.key}
    dialog = await dialogs.set(session, member.id, FLOW, ENTRY, data, now=now)
    return Screen(
        "entry", dialog=dialog, entry=entry, remaining=max(1, len(queue)), catalog=entry.catalog
    )


async def correct(
    session: AsyncSession,
    member: Member | None,
    telegram_user_id: int,
    dialog: Dialog,
    text: str | None,
    locales_dir: Path,
    *,
    now: datetime,
) -> Screen:
    """The translator typed a text for the entry: refused when it changes a placeholder,
    questioned when it looks wrong, otherwise kept as their correction. A message without
    text (a photo, a voice message) asks for the text again."""
    standing, refused = await _access(
        session, member, telegram_user_id, "reviewtexts.text", now=now, dialog=dialog
    )
    if refused is not None:
        return refused
    assert member is not None
    if dialog.step == LANGUAGE:
        # A text while the language buttons wait: show them again.
        offered = tuple(str(c) for c in dialog.data.get("catalogs", []))
        return Screen("language", dialog=dialog, catalogs=offered)
    catalog = dialog.data.get("catalog")
    entry = _current(locales_dir, dialog)
    if not isinstance(catalog, str) or not standing.reviews(catalog):
        # They no longer read that language: the review ends, nothing is kept.
        await dialogs.clear(session, member.id, now=now)
        return Screen("stopped")
    if entry is None:
        return await _show_next(session, member, locales_dir, catalog, now=now)
    if dialog.step == ENTRY:
        # A text while the entry's buttons wait: show the entry again.
        return await _show_entry(session, member, locales_dir, dialog, entry, now=now)
    if dialog.step == DOUBT:
        found = tuple(str(d) for d in dialog.data.get("doubts", []))
        return Screen("doubt", dialog=dialog, entry=entry, catalog=catalog, doubts=found)
    if text is None:
        return Screen("correct", dialog=dialog, entry=entry, catalog=catalog, reason=NO_TEXT)
    text = text.strip()
    problem = catalogs.placeholder_problem(entry.msgid, text)
    if problem is not None or catalogs.too_long(text):
        return Screen("placeholders", dialog=dialog, entry=entry, catalog=catalog, problem=problem)
    found = tuple(catalogs.doubts(entry, text))
    if found:
        data: dict[str, Any] = {**dialog.data, "text": text, "doubts": list(found)}
        dialog = await dialogs.set(session, member.id, FLOW, DOUBT, data, now=now)
        return Screen("doubt", dialog=dialog, entry=entry, catalog=catalog, doubts=found)
    made = await _record(session, member, entry, Verdict.CORRECTED, text, now=now)
    return await _show_next(session, member, locales_dir, catalog, now=now, agreed_now=made)


async def given_by(session: AsyncSession, member_id: int) -> Sequence[TextReview]:
    """The member's own verdicts, oldest first (for /mydata)."""
    found = await session.scalars(
        select(TextReview)
        .where(TextReview.reviewer_member_id == member_id)
        .order_by(TextReview.created_at, TextReview.id)
    )
    return found.all()
