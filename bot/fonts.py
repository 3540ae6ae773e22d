"""Fonts for drawn text (charts, posters, printed reports) in every script Samen speaks.

Shaping and direction are matplotlib's own since 3.11: its text layout runs through libraqm
(HarfBuzz and FriBiDi), so Arabic and Farsi letters are joined and right-to-left runs are
ordered from the logical text, in the PNG and the PDF backends alike. What matplotlib cannot
bring is the glyphs: DejaVu Sans, its own font, has no Ethiopic and only rough Arabic. So
every drawn text gets a list of families, and for each character matplotlib takes the first
family that has it:

- Noto Sans (Latin, Cyrillic; digits and punctuation for every label),
- Noto Sans Arabic (Arabic, Farsi, Dari), Noto Sans Ethiopic (Tigrinya),
- DejaVu Sans last, for a symbol none of them has.

The Noto fonts come from Debian's `fonts-noto-core` (`make fonts`; `.ci/run` installs it).
They are found by file name in the usual font folders and registered with matplotlib
directly, so a font cache built before they were installed cannot hide them. When one is
missing, `load()` raises FontsMissing, one line naming the fix: text is never drawn as boxes.
A label that mixes scripts (`ar · العربية` on a Dutch chart) needs nothing more.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import OperatorError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PACKAGE = "fonts-noto-core"
FIX = f"apt-get install {PACKAGE} (or `make fonts`)"
# Where distributions put the Noto fonts (Debian and Ubuntu first), then local installs.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto"),
    Path("/usr/share/fonts/google-noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)


@dataclass(frozen=True)
class Face:
    family: str
    scripts: str  # what it draws, for messages
    files: tuple[str, ...]  # regular, bold


# In fallback order.
FACES = (
    Face("Noto Sans", "Latin and Cyrillic", ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")),
    Face(
        "Noto Sans Arabic",
        "Arabic and Farsi",
        ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ),
    Face(
        "Noto Sans Ethiopic",
        "Tigrinya",
        ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"),
    ),
)
# matplotlib's own font, always there.
LAST_RESORT = "DejaVu Sans"
FAMILIES = (*(face.family for face in FACES), LAST_RESORT)


class FontsMissing(OperatorError):
    """A font needed to draw some script is not installed; the message names the fix."""


@dataclass(frozen=True)
class Fonts:
    """The font files found and registered with matplotlib, in fallback order."""

    paths: dict[str, tuple[Path, ...]]  # family -> files (regular, bold)
    charmaps: tuple[frozenset[int], ...]

    def drawable(self, text: str) -> str:
        """Organiser-written `text` without the characters no font here has (emoji).

        Catalog texts never need this (a test holds every translation to the fonts); a
        meeting title with a 📄 loses the picture rather than showing a box.
        """
        return "".join(
            c
            for c in text
            if c.isspace()
            # Bidi isolates and marks, joiners: the layout uses them, no glyph is drawn.
            or unicodedata.category(c) == "Cf"
            or any(ord(c) in charmap for charmap in self.charmaps)
        )


def missing() -> list[tuple[Face, str]]:
    """Each face with a file that is not installed, and that file's name."""
    found = _find_files()
    return [(face, name) for face in FACES for name in face.files if name not in found]


def missing_message(gone: Iterable[tuple[Face, str]]) -> str:
    faces = list(dict.fromkeys(face for face, _name in gone))
    names = ", ".join(f"{face.family} ({face.scripts})" for face in faces)
    return f"cannot draw every script, {names} not installed: {FIX}"


def load() -> Fonts:
    """Find the fonts and register them with matplotlib; FontsMissing when one is not there."""
    # matplotlib costs about a second to import: only what draws pays for it.
    from matplotlib import font_manager

    found = _find_files()
    gone = [(face, name) for face in FACES for name in face.files if name not in found]
    if gone:
        raise FontsMissing(missing_message(gone))
    registered = {entry.fname for entry in font_manager.fontManager.ttflist}
    paths: dict[str, tuple[Path, ...]] = {}
    for face in FACES:
        files = tuple(found[name] for name in face.files)
        for path in files:
            if str(path) not in registered:
                font_manager.fontManager.addfont(str(path))
        paths[face.family] = files
    last = font_manager.findfont(
        font_manager.FontProperties(family=LAST_RESORT), fallback_to_default=False
    )
    paths[LAST_RESORT] = (Path(last),)
    return Fonts(paths=paths, charmaps=tuple(charmap(files[0]) for files in paths.values()))


def apply(figure: Figure) -> None:
    """Give every text of `figure`, and the tick labels it is yet to draw, the family list.

    The families are registered by `load()`, which whoever wrote the texts has called.
    """
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        text.set_fontfamily(list(FAMILIES))
    for ax in figure.axes:
        ax.tick_params(labelfontfamily=list(FAMILIES))


def charmap(path: Path) -> frozenset[int]:
    """The code points `path` has a glyph for."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(path)).get_charmap())


def _find_files() -> dict[str, Path]:
    wanted = {name for face in FACES for name in face.files}
    found: dict[str, Path] = {}
    for directory in FONT_DIRS:
        if not directory.is_dir():
            continue
        for name in sorted(wanted - set(found)):
            hits = sorted(directory.rglob(name))
            if hits:
                found[name] = hits[0]
    return found
