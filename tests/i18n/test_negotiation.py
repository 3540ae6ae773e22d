"""Which language a newcomer is spoken to in, from what Telegram tells us."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, find_language, negotiate


@pytest.mark.parametrize(
    ("language_code", "fallback", "expected"),
    [
        ("uk", "nl", "uk"),
        ("uk-UA", "nl", "uk"),
        ("ar", "nl", "ar"),
        ("fa", "nl", "fa"),
        ("fa-AF", "nl", "fa-AF"),  # Dari: Farsi catalog, Afghan formatting
        ("fa-af", "nl", "fa-AF"),
        ("prs", "nl", "fa-AF"),
        ("en-GB", "nl", "en"),
        ("pt-BR", "nl", "nl"),  # no Portuguese catalog: the community default
        ("pt-BR", "ar", "ar"),
        ("xx", "ti", "ti"),
        (None, "so", "so"),
        ("", "tr", "tr"),
        ("zz", "unknown", "nl"),  # even a broken default ends in a language we have
    ],
)
def test_language_code_negotiation(language_code, fallback, expected) -> None:
    assert negotiate(language_code, fallback) == expected


def test_dari_uses_the_farsi_catalog_with_afghan_formatting() -> None:
    dari = find_language("fa-AF")
    assert dari is not None
    assert dari.catalog == "fa"
    assert dari.babel_locale == "fa_AF"
    assert dari.rtl


def test_every_language_is_named_in_its_own_script() -> None:
    names = {lang.tag: lang.native_name for lang in LANGUAGES}
    assert names["ar"] == "العربية"
    assert names["ti"] == "ትግርኛ"
    assert names["uk"] == "Українська"
    assert names["fa-AF"] == "دری"
