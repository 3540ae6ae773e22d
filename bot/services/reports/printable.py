"""The report as one PDF to print: the summary on A4 pages, then every chart.

The summary is the Markdown one (`charts.summary`), set as type: its title, its headings,
its tables as columns, wrapped to the page. Right-to-left languages are set from the right
edge, their tables mirrored (the label on the right, the figures to its left). Fonts are
embedded as TrueType (Type 42), so it prints as drawn and its text can be searched.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot import fonts
from bot.services.reports.charts import CHART_FILES, FIGURES, Labels, summary
from bot.services.reports.data import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PDF_FILE = "report.pdf"
A4_INCHES = (210 / 25.4, 297 / 25.4)
_MARGIN = 0.08  # of the page's width and height
_BODY_PT = 10.5
# Characters per line of body text across the page, and in a table's first column: Noto
# Sans at 10.5 pt is about 2 mm a character.
_LINE_CHARS = 88
_LABEL_CHARS = 44
_CELL = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class _Block:
    kind: str  # "title", "heading", "text", "row"
    cells: tuple[str, ...]


def write_pdf(report: Report, labels: Labels, path: Path) -> Path:
    """The summary pages, then one page per chart, into `path` (its folder is created)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_pdf import PdfPages

    path.parent.mkdir(parents=True, exist_ok=True)
    title = labels.t.gettext("Report: {community}", community=report.community_name)
    metadata = {"Title": fonts_free(title), "Creator": "Samen"}
    with rc_context({"pdf.fonttype": 42}), PdfPages(path, metadata=metadata) as pages:
        # Organiser-written titles and prompts may hold emoji no font here has: left out.
        text = labels.fonts.drawable(summary(report, labels.t))
        for page in _summary_pages(text, rtl=labels.t.rtl):
            fonts.apply(page)
            pages.savefig(page)
        for name in CHART_FILES:
            chart = FIGURES[name](report, labels)
            fonts.apply(chart)
            pages.savefig(chart)
    return path


def fonts_free(text: str) -> str:
    """Text for the PDF's metadata (shown by viewers in their own fonts): no bidi marks."""
    return "".join(c for c in text if c not in "\u2066\u2067\u2068\u2069")


def _blocks(markdown: str) -> list[_Block]:
    blocks: list[_Block] = []
    for line in markdown.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(_Block("heading", (line[3:],)))
        elif line.startswith("# "):
            blocks.append(_Block("title", (line[2:],)))
        elif line.startswith("|"):
            cells = tuple(c.strip().replace("\\|", "|") for c in _CELL.split(line.strip("|")))
            # The alignment row (|---|---:|) and an empty header say nothing on paper.
            if all(not c.strip("-: ") for c in cells):
                continue
            blocks.append(_Block("row", cells))
        else:
            blocks.append(_Block("text", (line,)))
    return blocks


def _summary_pages(markdown: str, *, rtl: bool) -> list[Figure]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    line = _BODY_PT * 1.45 / 72 / A4_INCHES[1]  # one body line, as a fraction of the page
    near = 1 - _MARGIN if rtl else _MARGIN  # the edge lines start from
    near_ha, far_ha = ("right", "left") if rtl else ("left", "right")

    pages: list[Figure] = []
    page: Figure | None = None
    y = 0.0

    def room(lines: float) -> Figure:
        nonlocal page, y
        if page is None or y - lines * line < _MARGIN:
            page = Figure(figsize=A4_INCHES)
            FigureCanvasAgg(page)
            pages.append(page)
            y = 1 - _MARGIN
        return page

    def mirrored(x: float) -> float:
        return 1 - x if rtl else x

    # Each text is its own bidi paragraph, its direction from its first letter: a Ukrainian
    # prompt in an Arabic report keeps its question mark at its end. Alignment follows the
    # page's language.
    def put(sheet: Figure, x: float, lines: list[str], ha: str, **style: object) -> None:
        sheet.text(x, y, "\n".join(lines), ha=ha, va="top", **style)  # type: ignore[arg-type]

    for block in _blocks(markdown):
        if block.kind == "title":
            sheet = room(3)
            put(sheet, near, [block.cells[0]], near_ha, fontsize=18, weight="bold")
            y -= 2.2 * line
        elif block.kind == "heading":
            sheet = room(4)  # a heading never ends a page alone
            y -= 0.8 * line
            put(sheet, near, [block.cells[0]], near_ha, fontsize=13, weight="bold")
            y -= 1.6 * line
        elif block.kind == "text":
            wrapped = textwrap.wrap(block.cells[0], _LINE_CHARS) or [""]
            sheet = room(len(wrapped))
            put(sheet, near, wrapped, near_ha, fontsize=_BODY_PT)
            y -= (len(wrapped) + 0.4) * line
        else:
            first, *rest = block.cells
            wrapped = textwrap.wrap(first, _LABEL_CHARS) or [""]
            sheet = room(len(wrapped))
            put(sheet, near, wrapped, near_ha, fontsize=_BODY_PT)
            # The other columns share the half of the line after the label, figures aligned
            # on their far edge.
            for i, cell in enumerate(rest, start=1):
                x = mirrored(0.5 + (1 - _MARGIN - 0.5) * i / len(rest))
                put(sheet, x, [cell], far_ha, fontsize=_BODY_PT)
            y -= (len(wrapped) + 0.25) * line
    return pages
