"""One redaction layer for everything Samen writes: log lines, tracebacks and CLI output.

Free of heavy imports: `samen` wraps its output streams with it before anything else loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import quote

# The shape of a Bot API token, also inside a URL such as /bot123:ABC.../sendMessage.
TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[redacted]"
# Shorter values would blank out ordinary words; no secret Samen accepts is that short.
MIN_SECRET_LENGTH = 4


class Redactor:
    """Replaces known secret values, and anything shaped like a bot token, with [redacted]."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._secrets: list[str] = []
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        known = set(self._secrets)
        for secret in secrets:
            if not secret or len(secret) < MIN_SECRET_LENGTH:
                continue
            # A password inside a URL is written percent-encoded.
            known.update({secret, quote(secret, safe=""), quote(secret)})
        # Longest first: a secret that contains another is replaced whole.
        self._secrets = sorted(known, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return TOKEN_SHAPE.sub(REDACTED, text)


# One per process, because secrets are per process: the settings add theirs when they are
# loaded, and every log handler and the CLI's stdout and stderr read the same list.
SECRETS = Redactor()


class RedactingStream:
    """A text stream that redacts what is written to it (the CLI's stdout and stderr)."""

    def __init__(self, stream: TextIO, redactor: Redactor = SECRETS):
        self._stream = stream
        self._redactor = redactor

    def write(self, text: str) -> int:
        self._stream.write(self._redactor.redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
