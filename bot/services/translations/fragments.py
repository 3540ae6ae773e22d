"""Catalog fragments: the entries community translators agree on, as a small .po file a
maintainer reads, and merging such fragments into the catalogs (then compiling them).

A fragment never names a reviewer: each entry says how many translators agreed and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import LANGUAGES
from bot.services.translations import catalog as catalogs
from bot.services.translations import reviews
from bot.services.translations.catalog import REVIEW_NOTE, REVIEWED_BY

# The width pybabel writes catalogs with, so a merge changes only the merged entries.
PO_WIDTH = 76


class FragmentError(ValueError):
    """A fragment cannot be merged; the message says why in one line."""


def reviewed_comment(reviewers: int, day: date) -> str:
    return f"{REVIEWED_BY} {reviewers} community reviewers, {day.isoformat()}"


async def build(
    session: AsyncSession, locales_dir: Path, catalog: str, *, now: datetime
) -> Catalog:
    """The fragment of `catalog`: every entry still marked for review that translators agree
    on, with the agreed text and a Reviewed-By comment."""
    if catalog not in catalogs.review_catalogs():
        raise FragmentError(f"{catalog!r} is not a catalog translators review")
    entries = catalogs.pending(locales_dir, catalog)
    agreed = await reviews.agreed(session, catalog, entries)
    fragment = Catalog(
        locale=Locale.parse(catalog),
        project="Samen",
        copyright_holder="Samen contributors",
        creation_date=now,
        revision_date=now,
        fuzzy=False,
    )
    fragment.header_comment = (
        f"# Reviewed texts for the {catalog} catalog, agreed by community translators.\n"
        "# Merge with `make texts-apply-reviews FRAGMENTS=<this file>`."
    )
    for entry in entries:  # most important first, as translators saw them
        found = agreed.get(entry.key)
        if found is None:
            continue
        fragment.add(
            entry.msgid,
            found.text,
            context=entry.msgctxt,
            user_comments=[reviewed_comment(found.reviewers, found.last_at.date())],
            flags=("python-brace-format",) if entry.python_format else (),
        )
    return fragment


def write(fragment: Catalog, path: Path) -> None:
    with path.open("wb") as handle:
        write_po(handle, fragment, width=PO_WIDTH, no_location=True)


@dataclass
class Merge:
    """What merging did to one catalog."""

    catalog: str
    reviewed: int = 0  # entries marked reviewed
    changed: int = 0  # of those, with a corrected text
    skipped: list[str] = field(default_factory=list)  # msgids that could not be merged


def _read(path: Path, locale: str | None = None) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=locale)
    except (OSError, ValueError) as exc:
        raise FragmentError(f"cannot read {path}: {exc}") from None


def _catalog_of(fragment: Catalog, path: Path) -> str:
    locale = fragment.locale_identifier
    known = {language.catalog for language in LANGUAGES}
    if not locale or locale not in known:
        raise FragmentError(f"{path} names no catalog Samen has (Language: {locale or '-'})")
    return locale


def apply(locales_dir: Path, fragment_paths: Sequence[Path]) -> list[Merge]:
    """Merge each fragment into its catalog's messages.po: the msgstr replaced where it was
    corrected, the review note removed, a Reviewed-By comment added; then compile the .mo.

    An entry whose source text is no longer in the catalog, or whose text changes a
    placeholder, is left out (and listed); the rest of the fragment is merged.
    """
    merges: dict[str, tuple[Catalog, Merge]] = {}
    for path in fragment_paths:
        fragment = _read(path)
        name = _catalog_of(fragment, path)
        if name not in merges:
            target = catalogs.po_path(locales_dir, name)
            if not target.is_file():
                raise FragmentError(f"no catalog at {target}")
            merges[name] = (_read(target, name), Merge(name))
        po, merge = merges[name]
        _merge(po, merge, fragment)
    for name, (po, _merge_result) in merges.items():
        _save(locales_dir, name, po)
    return [merge for _po, merge in merges.values()]


def _merge(po: Catalog, merge: Merge, fragment: Iterable) -> None:
    for reviewed in fragment:
        if not reviewed.id or not isinstance(reviewed.id, str):
            continue
        message = po.get(reviewed.id, context=reviewed.context)
        text = reviewed.string if isinstance(reviewed.string, str) else ""
        if message is None or not text:
            merge.skipped.append(reviewed.id)
            continue
        if catalogs.placeholder_problem(reviewed.id, text) is not None:
            merge.skipped.append(reviewed.id)
            continue
        if message.string != text:
            message.string = text
            merge.changed += 1
        note = [c for c in reviewed.user_comments if c.startswith(REVIEWED_BY)]
        message.user_comments = [
            c
            for c in message.user_comments
            if REVIEW_NOTE not in c and not c.startswith(REVIEWED_BY)
        ] + note[:1]
        merge.reviewed += 1


def _save(locales_dir: Path, name: str, po: Catalog) -> None:
    po_file = catalogs.po_path(locales_dir, name)
    with po_file.open("wb") as handle:
        write_po(handle, po, width=PO_WIDTH, no_location=True)
    with po_file.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, po, use_fuzzy=False)
