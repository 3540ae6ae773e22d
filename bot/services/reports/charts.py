"""Drawing a report: PNG charts with matplotlib (Agg, no display) and a Markdown summary.

Every label is in the chosen language and in its own script: matplotlib (3.11+) joins and
orders Arabic and Farsi itself, and `_save` gives every text the Noto family list of
`bot.fonts`, so Ethiopic, Arabic, Cyrillic and Latin each find their font, also inside one
label (`ar · العربية` on a Dutch chart). Without those fonts `Labels` cannot be made: the
report stops with one line naming the fix, it never draws boxes.

Every number drawn comes from the report (`data.Report`), whose figures `figures` counts:
the same numbers as the summary, /stats and the export's summary sheet. Legends sit below
the axes, outside them, so they never cover a bar or a line.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from babel import Locale

from bot import fonts
from bot.db.models import OutboxState
from bot.i18n import N_, Translator, find_language
from bot.services.reports.data import Report

# matplotlib (with numpy) costs about 50 MB and a second: it is imported where a chart is
# drawn, so every `samen` command and the bot can import this module for nothing.
if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAIN_CHART = "participation.png"
CHART_FILES = (
    "rsvps.png",
    "answers_per_question.png",
    MAIN_CHART,
    "languages.png",
    "delivery.png",
)
SUMMARY_FILE = "summary.md"
_DPI = 100
_LABEL_MAX = 40

STATE_LABELS = {
    OutboxState.SENT.value: N_("Sent"),
    OutboxState.QUEUED.value: N_("Queued"),
    OutboxState.SENDING.value: N_("Sending"),
    OutboxState.FAILED.value: N_("Failed"),
    OutboxState.BLOCKED.value: N_("Blocked"),
    OutboxState.UNKNOWN.value: N_("Unknown"),
    OutboxState.SKIPPED.value: N_("Skipped"),
}
_STATE_ORDER = list(STATE_LABELS)


@dataclass(frozen=True)
class Labels:
    """Chart labels in the chosen language; `fonts` proves every script can be drawn."""

    t: Translator
    fonts: fonts.Fonts

    def __call__(self, message: str, /, **params: object) -> str:
        return self.t.gettext(message, **params)

    def number(self, value: float) -> str:
        return self.t.fmt_number(value)

    def language(self, tag: str) -> str:
        """`ar · العربية`: the code for readers of other scripts, then the language's own name.

        The code first also starts a Latin chart's label left to right.
        """
        if not tag:
            return "?"
        language = find_language(tag)
        if language is not None:
            return f"{tag} · {language.native_name}"
        try:
            name = Locale.parse(tag.replace("-", "_")).get_display_name(self.t.locale) or ""
        except (ValueError, TypeError):
            name = ""
        return f"{tag} · {name}" if name else tag

    def written(self, text: str, fallback: str) -> str:
        """Organiser-written text (a title, a prompt), shortened; `fallback` when empty."""
        text = " ".join(self.fonts.drawable(text).split())
        if len(text) > _LABEL_MAX:
            text = text[: _LABEL_MAX - 1] + "…"
        return text or fallback


def _figure(height: float = 4.0) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # The object API with the Agg canvas, not pyplot: no global figure registry, no display,
    # and safe to draw in a worker thread while the bot goes on answering.
    figure = Figure(figsize=(8, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: Path | BinaryIO) -> Path | BinaryIO:
    fonts.apply(figure)
    figure.savefig(path, format="png")
    return path


def _empty(ax: object, labels: Labels) -> None:
    ax.text(0.5, 0.5, labels(N_("No data yet")), ha="center", va="center")  # type: ignore[attr-defined]
    ax.set_axis_off()  # type: ignore[attr-defined]


def _legend(figure: Figure, handles: list[object]) -> None:
    """The legend below the chart, outside the axes, in the order the series were drawn: it
    never covers a bar or a line. (Constrained layout makes room for a legend "outside".)"""
    names = [handle.get_label() for handle in handles]  # type: ignore[attr-defined]
    figure.legend(handles, names, loc="outside lower center", ncols=len(handles), frameon=False)


def rsvps_figure(report: Report, labels: Labels) -> Figure:
    figure = _figure()
    ax = figure.add_subplot()
    ax.set_title(labels(N_("RSVPs per meeting")))
    if not report.rsvps:
        _empty(ax, labels)
        return figure
    names = [
        labels.written(row.title, labels(N_("Meeting {number}"), number=n))
        for n, row in enumerate(report.rsvps, start=1)
    ]
    positions = list(range(len(names)))
    width = 0.27
    series = [
        # Third person, as in the exports: "Going" is the member's own first-person button.
        (N_("Coming"), [r.going for r in report.rsvps], "#2a9d8f"),
        (N_("Maybe"), [r.maybe for r in report.rsvps], "#e9c46a"),
        (N_("Not coming"), [r.not_going for r in report.rsvps], "#e76f51"),
    ]
    bars = [
        ax.bar([p + offset for p in positions], values, width, label=labels(label), color=colour)
        for offset, (label, values, colour) in zip((-width, 0, width), series, strict=True)
    ]
    ax.set_xticks(positions, names, rotation=20, ha="right")
    ax.yaxis.get_major_locator().set_params(integer=True)
    _legend(figure, bars)
    return figure


def answers_figure(report: Report, labels: Labels) -> Figure:
    rows = report.questions
    figure = _figure(max(3.0, 0.45 * len(rows) + 1.5))
    ax = figure.add_subplot()
    ax.set_title(labels(N_("Answers per question")))
    if not rows:
        _empty(ax, labels)
        return figure
    # The order of `report.questions`: answered ones first, those nobody answered last.
    names = [
        labels.written(f"Q{n}: {row.prompt}" if row.prompt.strip() else "", f"Q{n}")
        for n, row in enumerate(rows, start=1)
    ]
    ax.barh(names, [row.answers for row in rows], color="#264653")
    ax.invert_yaxis()
    ax.set_xlabel(labels(N_("Answers")))
    ax.xaxis.get_major_locator().set_params(integer=True)
    return figure


def participation_figure(report: Report, labels: Labels) -> Figure:
    figure = _figure()
    ax = figure.add_subplot()
    ax.set_title(labels(N_("Participation over time")))
    if not report.participation:
        _empty(ax, labels)
        return figure
    months = [row.month.strftime("%Y-%m") for row in report.participation]
    bars = ax.bar(
        months,
        [row.answers for row in report.participation],
        color="#8ab17d",
        label=labels(N_("Answers and stories")),
    )
    (line,) = ax.plot(
        months,
        [row.members for row in report.participation],
        color="#264653",
        marker="o",
        label=labels(N_("Members taking part")),
    )
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelrotation=45)
    _legend(figure, [bars, line])
    return figure


def languages_figure(report: Report, labels: Labels) -> Figure:
    figure = _figure()
    ax = figure.add_subplot()
    ax.set_title(labels(N_("Members by language")))
    if not report.languages:
        _empty(ax, labels)
        return figure
    ax.bar(
        [labels.language(tag) for tag, _ in report.languages],
        [count for _, count in report.languages],
        color="#457b9d",
    )
    ax.set_ylabel(labels(N_("Members")))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelrotation=20)
    return figure


def delivery_figure(report: Report, labels: Labels) -> Figure:
    figure = _figure()
    ax = figure.add_subplot()
    ax.set_title(labels(N_("Delivery outcomes")))
    states = [s for s in _STATE_ORDER if report.delivery.get(s)]
    if not states:
        _empty(ax, labels)
        return figure
    ax.bar(
        [labels(STATE_LABELS[s]) for s in states],
        [report.delivery[s] for s in states],
        color="#6d597a",
    )
    ax.set_ylabel(labels(N_("Messages")))
    ax.yaxis.get_major_locator().set_params(integer=True)
    return figure


# File name → the chart drawn from the report's figures (`data.Report`, counted by `figures`).
FIGURES: dict[str, Callable[[Report, Labels], Figure]] = {
    "rsvps.png": rsvps_figure,
    "answers_per_question.png": answers_figure,
    MAIN_CHART: participation_figure,
    "languages.png": languages_figure,
    "delivery.png": delivery_figure,
}


def draw_all(report: Report, labels: Labels, out_dir: Path) -> list[Path]:
    """Every chart into `out_dir` (created when missing); returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in CHART_FILES]
    for path in paths:
        _save(FIGURES[path.name](report, labels), path)
    return paths


def draw_main(report: Report, labels: Labels) -> bytes:
    """The chart /stats sends: participation over time, as PNG bytes."""
    buffer = io.BytesIO()
    _save(participation_figure(report, labels), buffer)
    return buffer.getvalue()


def summary(report: Report, t: Translator) -> str:
    """The figures as Markdown, wholly in the chosen language (no font limits here)."""
    n = t.fmt_number
    title = t.gettext("Report: {community}", community=report.community_name)
    lines = [
        f"# {title}",
        "",
        t.gettext("Made on {date}", date=t.fmt_datetime(report.made_at, "long")),
        "",
        "| | |",
        "|---|---:|",
    ]
    figures = [
        (N_("Members"), report.members),
        (N_("Members who agreed to the privacy notice"), report.consented_members),
        (N_("Answers"), report.answers),
        (N_("Stories"), report.stories),
        (N_("Voice messages"), report.voice_notes),
        (N_("Messages"), report.delivery_total),
        (STATE_LABELS[OutboxState.SENT.value], report.delivered),
    ]
    lines.extend(f"| {t.gettext(label)} | {n(value)} |" for label, value in figures)

    def section(title: str, header: list[str], rows: list[list[str]]) -> None:
        lines.extend(["", f"## {t.gettext(title)}", ""])
        if not rows:
            lines.append(t.gettext("No data yet"))
            return
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)

    section(
        N_("RSVPs per meeting"),
        [t.gettext("Meeting"), t.gettext("Coming"), t.gettext("Maybe"), t.gettext("Not coming")],
        [
            [
                row.title or t.gettext("Meeting {number}", number=i),
                n(row.going),
                n(row.maybe),
                n(row.not_going),
            ]
            for i, row in enumerate(report.rsvps, start=1)
        ],
    )
    section(
        N_("Answers per question"),
        ["#", t.gettext("Question"), t.gettext("Answers")],
        [[f"Q{i}", row.prompt, n(row.answers)] for i, row in enumerate(report.questions, start=1)],
    )
    section(
        N_("Participation over time"),
        [t.gettext("Month"), t.gettext("Members taking part"), t.gettext("Answers and stories")],
        [
            [row.month.strftime("%Y-%m"), n(row.members), n(row.answers)]
            for row in report.participation
        ],
    )
    section(
        N_("Members by language"),
        [t.gettext("Language"), t.gettext("Members")],
        [[_language_name(tag), n(count)] for tag, count in report.languages],
    )
    talks = report.conversations
    if talks is not None:
        median = talks.median_first_answer
        section(
            N_("Conversations with members"),
            [t.gettext("Conversations"), ""],
            [
                [t.gettext("Opened"), n(talks.opened)],
                [t.gettext("Answered"), n(talks.answered)],
                [
                    t.gettext("Median time to a first answer"),
                    t.fmt_duration(median) if median is not None else "–",
                ],
                [t.gettext("Open longer than the answer time"), n(talks.overdue)],
            ]
            if talks.opened
            else [],
        )
    section(
        N_("Delivery outcomes"),
        [t.gettext("Messages"), ""],
        [
            [t.gettext(STATE_LABELS[s]), n(report.delivery[s])]
            for s in _STATE_ORDER
            if report.delivery.get(s)
        ],
    )
    return "\n".join(lines) + "\n"


def _language_name(tag: str) -> str:
    language = find_language(tag) if tag else None
    return f"{language.native_name} ({tag})" if language else (tag or "?")


def _cell(text: str) -> str:
    """Organiser text in a Markdown table cell: one line, no column breaks."""
    return " ".join(text.split()).replace("|", "\\|")
