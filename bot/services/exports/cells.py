"""Make text safe to open in a spreadsheet: no formulas, no characters that break XLSX."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# XML 1.0 forbids these; XML writers refuse them and Excel calls the file corrupt.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# What Excel, LibreOffice and Google Sheets treat as the start of a formula (or of a DDE
# payload); a tab or carriage return can move the cursor into the next cell first.
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """The text, without XLSX-illegal characters, with a leading `'` if it could be a formula.

    Leading spaces do not help: spreadsheets trim them before they look for `=`.
    """
    if not value.isprintable():  # a fast check in C; the regex only for the rare rest
        value = _ILLEGAL.sub("", value)
    if value.startswith(_TRIGGERS) or (
        value[:1].isspace() and value.lstrip().startswith(_TRIGGERS)
    ):
        return "'" + value
    return value


# Questions, titles and labels repeat on every row: neutralise each once. Answers are nearly
# all different, and go through `safe_text` itself (a cache would only churn).
safe_repeated = lru_cache(maxsize=4096)(safe_text)


def is_rtl(value: str) -> bool:
    """Whether the first letter with a strong direction is right-to-left (Arabic, Farsi…)."""
    for char in value:
        direction = unicodedata.bidirectional(char)
        if direction == "L":
            return False
        if direction in ("R", "AL"):
            return True
    return False
