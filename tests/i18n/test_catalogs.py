"""Every catalog is complete, compiles, and keeps every {placeholder} of the source text."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, placeholders

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
CATALOGS = sorted({lang.catalog for lang in LANGUAGES})
REVIEW_NOTE = "needs review by a native speaker"
REVIEWED_BY = "Reviewed-By:"


def source_messages() -> dict[str | tuple[str, ...], None]:
    """The messages in the code today, extracted the way `make texts-extract` does."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: dict[str | tuple[str, ...], None] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "bot", method_map=[("**.py", "python")], keywords=keywords
    ):
        found[message] = None
    return found


def load(catalog: str) -> Catalog:
    with (LOCALES / catalog / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=catalog)


def test_every_language_has_a_catalog() -> None:
    assert CATALOGS == ["ar", "en", "fa", "nl", "ru", "so", "ti", "tr", "uk"]
    for catalog in CATALOGS:
        assert (LOCALES / catalog / "LC_MESSAGES" / "messages.po").exists(), catalog


def test_the_source_has_messages() -> None:
    assert len(source_messages()) >= 2


@pytest.mark.parametrize("catalog", CATALOGS)
def test_catalog_is_complete(catalog: str) -> None:
    po = load(catalog)
    missing, fuzzy = [], []
    for message in source_messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = po.get(key)
        if entry is None:
            missing.append(key)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            missing.append(key)
        if entry.fuzzy:
            fuzzy.append(key)
    assert not missing, f"{catalog}: untranslated (run make texts-update): {missing}"
    assert not fuzzy, f"{catalog}: fuzzy entries need checking: {fuzzy}"


@pytest.mark.parametrize("catalog", CATALOGS)
def test_catalog_compiles(catalog: str) -> None:
    po = load(catalog)
    errors = [(message.id, err) for message, errs in po.check() for err in errs]
    assert not errors, errors
    write_mo(BytesIO(), po)


@pytest.mark.parametrize("catalog", CATALOGS)
def test_translations_keep_the_placeholders(catalog: str) -> None:
    po = load(catalog)
    wrong = []
    for entry in po:
        if not entry.id or not entry.string:
            continue
        if isinstance(entry.id, tuple):
            expected = placeholders(entry.id[1])
            for form in entry.string:
                # A singular form may spell out "one" instead of {count}; nothing else may go.
                if not placeholders(form) <= expected or expected - placeholders(form) - {"count"}:
                    wrong.append((entry.id[0], form))
        elif placeholders(entry.string) != placeholders(entry.id):
            wrong.append((entry.id, entry.string))
    assert not wrong, f"{catalog}: placeholders differ from the source: {wrong}"


@pytest.mark.parametrize("catalog", [c for c in CATALOGS if c != "en"])
def test_unreviewed_translations_say_so(catalog: str) -> None:
    """Until a native speaker has checked a catalog, its header says so; an entry community
    translators reviewed (`make texts-apply-reviews`) says so with a Reviewed-By comment."""
    po = load(catalog)
    reviewed_header = "Reviewed-By" in (po.mime_headers and dict(po.mime_headers))
    if reviewed_header:
        return
    unmarked = [
        entry.id
        for entry in po
        if entry.id
        and entry.string
        and not any(REVIEW_NOTE in c or c.startswith(REVIEWED_BY) for c in entry.user_comments)
    ]
    assert not unmarked, f"{catalog}: translations without a review note: {unmarked}"
