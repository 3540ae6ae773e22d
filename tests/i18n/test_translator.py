"""Translation, plural forms, locale formatting and right-to-left isolation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import load_settings
from bot.i18n import Catalogs
from bot.i18n.translator import FSI, PDI

WELCOME = (
    "Welcome to Samen, {name}! Together with your community you can share what matters to "
    "you, hear about meetings and help shape them."
)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    settings = load_settings(_env_file=None)
    return Catalogs(settings.locales_dir, settings.default_time_zone)


def test_arabic_translation_isolates_a_latin_name(catalogs: Catalogs) -> None:
    text = catalogs.translator("ar").gettext(WELCOME, name="Amira")
    assert text.startswith("أهلاً")
    assert f"{FSI}Amira{PDI}" in text


def test_left_to_right_languages_get_no_isolation_marks(catalogs: Catalogs) -> None:
    text = catalogs.translator("nl").gettext(WELCOME, name="Sanne")
    assert text.startswith("Welkom bij Samen, Sanne!")
    assert FSI not in text


def test_unknown_message_falls_back_to_the_source_text(catalogs: Catalogs) -> None:
    assert catalogs.translator("uk").gettext("Not in any catalog {x}", x=1) == (
        "Not in any catalog 1"
    )


def test_dates_are_formatted_in_the_recipients_locale_and_time_zone(catalogs: Catalogs) -> None:
    moment = datetime(2026, 12, 5, 13, 30, tzinfo=UTC)  # 14:30 in Amsterdam
    nl = catalogs.translator("nl", "Europe/Amsterdam")
    assert nl.fmt_time(moment) == "14:30"
    assert nl.fmt_date(moment) == "5 december 2026"
    uk = catalogs.translator("uk", "Europe/Kyiv")
    assert uk.fmt_time(moment) == "15:30"
    assert "грудня" in uk.fmt_date(moment)


def test_numbers_follow_the_locale(catalogs: Catalogs) -> None:
    assert catalogs.translator("nl").fmt_number(1234.5) == "1.234,5"
    assert catalogs.translator("en").fmt_number(1234.5) == "1,234.5"
    # Persian separators, for Afghan and Iranian formatting alike.
    assert catalogs.translator("fa-AF").fmt_number(1234.5) == "1٬234٫5"


def test_plural_count_is_formatted_and_isolated(catalogs: Catalogs) -> None:
    t = catalogs.translator("ar")
    # A message no catalog has: the source text, with the number isolated.
    text = t.ngettext("{count} apple", "{count} apples", 3)
    assert text == f"{FSI}3{PDI} apples"
    assert t.ngettext("{count} answer", "{count} answers", 3) == f"{FSI}3{PDI} إجابات"


def test_a_broken_translation_says_the_source_text_instead_of_crashing(catalogs: Catalogs) -> None:
    t = catalogs.translator("en")
    assert t.gettext("Hello {name}") == "Hello {name}"  # no params: nothing to fill
    assert t.gettext("Hello {name}", other="x") == "Hello {name}"
