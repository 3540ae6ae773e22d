"""Catalogs, negotiation and per-locale formatting."""

from bot.i18n.languages import LANGUAGES, Language, find_language, negotiate
from bot.i18n.translator import N_, Catalogs, Translator, placeholders

__all__ = [
    "LANGUAGES",
    "N_",
    "Catalogs",
    "Language",
    "Translator",
    "find_language",
    "negotiate",
    "placeholders",
]
