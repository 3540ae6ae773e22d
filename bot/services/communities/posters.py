"""The A4 poster a community hangs up: its name, the QR code of its join link, the link as
text, and "Scan to join" in every language the community uses, each in its own script.

"Every language the community uses" is its own language, then its members' languages, most
spoken first: the people who will read the poster are mostly people like those already in.
Drawn with matplotlib (PDF with the fonts embedded as TrueType, or PNG at print resolution);
the fonts come from `bot.fonts`, so a missing script stops the command instead of printing
boxes on a wall.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import fonts, qr
from bot.db.models import Community, Member, Membership
from bot.i18n import N_, Catalogs, find_language

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SCAN_TO_JOIN = N_("Scan to join")
FORMATS = ("pdf", "png")
A4_INCHES = (210 / 25.4, 297 / 25.4)  # 210 × 297 mm
PNG_DPI = 300  # print resolution
_NAME_WIDTH = 26  # characters per line of the community's name


class PosterError(ValueError):
    """The poster cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Line:
    tag: str  # the language
    text: str  # "Scan to join" in it
    rtl: bool


@dataclass(frozen=True)
class Poster:
    name: str
    link: str
    lines: list[Line]


async def languages(session: AsyncSession, community: Community) -> list[str]:
    """The community's language, then its members' languages by how many speak them.

    Only languages Samen has a catalog for (a member's language is one of them); tags that
    share a catalog and a text (fa and fa-AF) are merged later, by text.
    """
    rows = (
        await session.execute(
            select(Member.locale, func.count(Member.id))
            .join(Membership, Membership.member_id == Member.id)
            .where(Membership.community_id == community.id, Member.locale.is_not(None))
            .group_by(Member.locale)
        )
    ).all()
    spoken = sorted(((tag, count) for tag, count in rows if tag), key=lambda r: (-r[1], r[0]))
    tags: list[str] = []
    for tag in [community.default_locale, *(tag for tag, _count in spoken)]:
        language = find_language(tag)
        if language is not None and language.tag not in tags:
            tags.append(language.tag)
    return tags


def compose(name: str, link: str, tags: list[str], catalogs: Catalogs) -> Poster:
    """The poster's texts: one "Scan to join" line per language, the same text once."""
    lines: list[Line] = []
    for tag in tags:
        t = catalogs.translator(tag)
        text = t.gettext(SCAN_TO_JOIN)
        if all(line.text != text for line in lines):
            lines.append(Line(tag=t.tag, text=text, rtl=t.rtl))
    return Poster(name=name, link=link, lines=lines)


def write(poster: Poster, path: Path) -> Path:
    """Draw `poster` on A4 into `path`, as PDF or PNG by its suffix.

    Raises PosterError for another suffix and FontsMissing when a script's font is missing.
    """
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise PosterError(f"a poster is written as .pdf or .png, not {path.name!r}")
    from matplotlib import rc_context

    loaded = fonts.load()
    figure = _draw(poster, loaded)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Type 42: the TrueType fonts themselves go into the PDF (with their character map), so
    # it prints as drawn anywhere and its text can be searched and copied.
    with rc_context({"pdf.fonttype": 42}):
        figure.savefig(path, format=kind, dpi=PNG_DPI if kind == "png" else None)
    return path


def _draw(poster: Poster, loaded: fonts.Fonts) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=A4_INCHES)
    FigureCanvasAgg(figure)
    width, height = A4_INCHES

    name = "\n".join(textwrap.wrap(loaded.drawable(poster.name), _NAME_WIDTH)[:3])
    figure.text(0.5, 0.93, name, ha="center", va="top", fontsize=30, fontweight="bold")

    # The QR code as vector squares, one run of dark modules per rectangle: sharp at any
    # print size. 0.56 of the page's width, square.
    matrix = qr.make_matrix(poster.link)
    side = 0.56
    ax = figure.add_axes((0.5 - side / 2, 0.4, side, side * width / height))
    squares = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                squares.append(Rectangle((start, y), x - start, 1))
            else:
                x += 1
    ax.add_collection(PatchCollection(squares, facecolor="black", edgecolor="none"))
    ax.set_xlim(0, len(matrix))
    ax.set_ylim(len(matrix), 0)
    ax.set_aspect("equal")
    ax.set_axis_off()

    figure.text(0.5, 0.375, poster.link, ha="center", va="top", fontsize=13)

    # "Scan to join" in each language, one per line, as large as the space allows.
    count = max(len(poster.lines), 1)
    step = min(0.05, 0.30 / count)
    size = min(28.0, step * height * 72 * 0.6)
    for i, line in enumerate(poster.lines):
        figure.text(0.5, 0.31 - i * step, line.text, ha="center", va="top", fontsize=size)
    fonts.apply(figure)
    return figure
