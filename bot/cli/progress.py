"""A progress bar on stderr for long commands: redrawn in place on a terminal, silent in logs
and pipes (where a final line says how it ended)."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.done = 0

    def update(self, done: int) -> None:
        self.done = done
        if not self.live:
            return
        share = min(1.0, done / self.total) if self.total else 1.0
        filled = int(share * WIDTH)
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done:,}/{self.total:,} {self.label} {share:4.0%}")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.update(self.done)
            self.stream.write("\n")
            self.stream.flush()
