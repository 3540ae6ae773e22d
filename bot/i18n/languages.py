"""The languages Samen speaks, each named in its own language and script."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    tag: str  # what a member's locale is stored as (BCP 47)
    catalog: str  # the gettext catalog in locales/
    babel_locale: str  # the CLDR locale for dates, numbers and plurals
    native_name: str
    rtl: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("nl", "nl", "nl_NL", "Nederlands"),
    Language("en", "en", "en_GB", "English"),
    Language("ar", "ar", "ar", "العربية", rtl=True),
    Language("uk", "uk", "uk_UA", "Українська"),
    Language("ru", "ru", "ru", "Русский"),
    Language("ti", "ti", "ti_ER", "ትግርኛ"),
    Language("fa", "fa", "fa_IR", "فارسی", rtl=True),
    # Dari: the Farsi catalog with Afghan formatting until a Dari catalog is added.
    Language("fa-AF", "fa", "fa_AF", "دری", rtl=True),
    Language("tr", "tr", "tr_TR", "Türkçe"),
    Language("so", "so", "so_SO", "Soomaali"),
)

BY_TAG: dict[str, Language] = {lang.tag.lower(): lang for lang in LANGUAGES}
# Telegram sends some language codes that are not what people call their language.
_ALIASES = {"prs": "fa-AF", "fa-af": "fa-AF", "pes": "fa", "dari": "fa-AF"}


def find_language(tag: str | None) -> Language | None:
    """The language for a stored or negotiated tag, or None if Samen has no catalog for it."""
    if not tag:
        return None
    key = tag.strip().replace("_", "-").lower()
    key = _ALIASES.get(key, key).lower()
    return BY_TAG.get(key)


def negotiate(language_code: str | None, fallback: str) -> str:
    """Pick the member's language from Telegram's `language_code`.

    Exact region variants we know (fa-AF) win, then the primary language (uk-UA → uk),
    then the fallback (the community's default): pt-BR and unknown codes end there.
    """
    if language_code:
        exact = find_language(language_code)
        if exact is not None:
            return exact.tag
        primary = find_language(language_code.replace("_", "-").split("-")[0])
        if primary is not None:
            return primary.tag
    found = find_language(fallback)
    return found.tag if found else LANGUAGES[0].tag
