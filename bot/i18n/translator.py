"""Translation and locale-aware formatting for one recipient."""

from __future__ import annotations

import logging
import string
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import NullTranslations, Translations

from bot.i18n.languages import LANGUAGES, Language, find_language

log = logging.getLogger(__name__)

DOMAIN = "messages"
# Unicode "first strong isolate" … "pop directional isolate": keeps a Latin name, a number or
# a link from scrambling the surrounding right-to-left sentence.
FSI, PDI = "\u2068", "\u2069"


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is used."""
    return message


class Translator:
    """Everything one recipient sees: their catalog, their locale's formats, their time zone."""

    def __init__(self, language: Language, translations: NullTranslations, time_zone: str):
        self.language = language
        self.locale = Locale.parse(language.babel_locale)
        self.tz = ZoneInfo(time_zone)
        self._translations = translations

    @property
    def tag(self) -> str:
        return self.language.tag

    @property
    def rtl(self) -> bool:
        return self.language.rtl

    def gettext(self, message: str, /, **params: Any) -> str:
        """Translate, then fill in the named placeholders (isolated in right-to-left text)."""
        return self._fill(self._translations.gettext(message), params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """Translate a counted message; `{count}` is the number, formatted for the locale."""
        params.setdefault("count", self.fmt_number(n))
        return self._fill(self._translations.ngettext(singular, plural, n), params)

    def isolate(self, text: str) -> str:
        if not self.rtl or not text:
            return text
        return f"{FSI}{text}{PDI}"

    def fmt_number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale, numbering_system="default")

    def fmt_percent(self, value: float) -> str:
        """A share (0.42) as the locale writes a percentage ("42%", "%42", "42 %")."""
        return format_percent(value, locale=self.locale, numbering_system="default")

    def fmt_list(self, items: Iterable[str]) -> str:
        """Items joined as the locale joins a list ("A, B and C"); each one isolated, so a
        Latin name keeps its place in a right-to-left list."""
        return format_list([self.isolate(item) for item in items], locale=self.locale)

    def fmt_currency(self, value: float, currency: str) -> str:
        """An amount of money as the recipient's language writes it ("€ 5,60", "5,60 €")."""
        return format_currency(value, currency, locale=self.locale, numbering_system="default")

    def fmt_duration(self, value: timedelta) -> str:
        """A wait, rounded down to whole minutes, hours (under two days) or days."""
        minutes = max(0, int(value.total_seconds() // 60))
        if minutes < 60:
            return self.ngettext("{count} minute", "{count} minutes", minutes)
        hours = minutes // 60
        if hours < 48:
            return self.ngettext("{count} hour", "{count} hours", hours)
        days = hours // 24
        return self.ngettext("{count} day", "{count} days", days)

    def fmt_datetime(self, value: datetime, format: str = "medium") -> str:
        """A moment in the recipient's time zone, e.g. 'za 5 dec 2026 14:00'."""
        return format_datetime(value.astimezone(self.tz), format=format, locale=self.locale)

    def fmt_date(self, value: date | datetime, format: str = "long") -> str:
        if isinstance(value, datetime):
            value = value.astimezone(self.tz).date()
        return format_date(value, format=format, locale=self.locale)

    def fmt_time(self, value: datetime, format: str = "short") -> str:
        return format_time(value.astimezone(self.tz), format=format, locale=self.locale)

    def _fill(self, text: str, params: dict[str, Any]) -> str:
        if not params:
            return text
        values = {key: self.isolate(str(value)) for key, value in params.items()}
        try:
            return text.format_map(values)
        except (KeyError, IndexError, ValueError):
            # A broken translation must not silence the bot: log it, say the source text.
            log.error("translation placeholders broken", extra={"locale": self.tag})
            return text


class Catalogs:
    """The loaded catalogs, one per language, built once at start-up and shared."""

    def __init__(self, locales_dir: Path, default_time_zone: str = "Europe/Amsterdam"):
        self.locales_dir = locales_dir
        self.default_time_zone = default_time_zone
        self._translations: dict[str, NullTranslations] = {}
        for catalog in {lang.catalog for lang in LANGUAGES}:
            self._translations[catalog] = load_catalog(locales_dir, catalog)

    def translator(self, tag: str | None, time_zone: str | None = None) -> Translator:
        language = find_language(tag) or LANGUAGES[0]
        return Translator(
            language,
            self._translations.get(language.catalog, NullTranslations()),
            time_zone or self.default_time_zone,
        )

    def all(self) -> Iterable[Translator]:
        return (self.translator(lang.tag) for lang in LANGUAGES)


def load_catalog(locales_dir: Path, catalog: str) -> NullTranslations:
    """Load the compiled catalog; compile the .po in memory when no .mo was built."""
    directory = locales_dir / catalog / "LC_MESSAGES"
    mo_path = directory / f"{DOMAIN}.mo"
    po_path = directory / f"{DOMAIN}.po"
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if po_path.exists():
        log.warning("compiled catalog missing or stale; compiling in memory: %s", catalog)
        with po_path.open("rb") as handle:
            po = read_po(handle, locale=catalog)
        buffer = BytesIO()
        write_mo(buffer, po)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    log.warning("no catalog for %s; showing the source text", catalog)
    return NullTranslations()


def placeholders(text: str) -> set[str]:
    """The named `{placeholders}` in a message, for catalog checks."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
