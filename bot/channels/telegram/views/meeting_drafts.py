"""/newmeeting's steps as the organiser sees them: each step's question and its buttons, and
the summary before the meeting is created."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.views import keyboards
from bot.channels.telegram.views.meetings import DATETIME_EXAMPLE
from bot.db.models import Community, QuestionKind
from bot.i18n import LANGUAGES, N_, Catalogs, Translator, find_language
from bot.services.dialogs import Dialog
from bot.services.intake.questions import MAX_OPTIONS, MIN_OPTIONS
from bot.services.meetings import drafts
from bot.services.meetings.drafts import FLOW

# What each kind of question asks for, as the organiser chooses it.
KIND_LABELS: tuple[tuple[QuestionKind, str], ...] = (
    (QuestionKind.TEXT, N_("Free text")),
    (QuestionKind.SINGLE_CHOICE, N_("Choose one")),
    (QuestionKind.MULTIPLE_CHOICE, N_("Choose several")),
    (QuestionKind.SCALE, N_("A number on a scale")),
    (QuestionKind.YES_NO, N_("Yes or no")),
    (QuestionKind.DATE, N_("A date")),
    (QuestionKind.VOICE, N_("A voice message")),
)


def _button(dialog: Dialog, label: str, choice: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.step(FLOW, dialog.version, choice))


def _language_name(tag: object) -> str:
    language = find_language(str(tag or ""))
    return language.native_name if language is not None else str(tag)


def _in_second(t: Translator, dialog: Dialog, text: str) -> str:
    """A question for the second language's text, naming the language and showing the first."""
    return t.gettext(
        "In {language}: {question}",
        language=_language_name(dialog.data.get("second")),
        question=text,
    )


def step(
    t: Translator, dialog: Dialog, catalogs: Catalogs, communities: Sequence[Community] = ()
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question for the step the organiser is at, with its buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    data = dialog.data
    question = dict(data.get("q") or {})
    match dialog.step:
        case drafts.COMMUNITY:
            text = t.gettext("For which community is the meeting?")
            rows = [[_button(dialog, c.name, f"c{c.id}")] for c in communities]
        case drafts.LANGUAGE:
            text = t.gettext("Which language do you write the meeting in?")
            rows = _languages(dialog, exclude=None)
        case drafts.SECOND:
            text = t.gettext(
                "Do you want to write the texts in a second language too? Members who read it "
                "get the meeting in that language; the others read {language}.",
                language=_language_name(data.get("language")),
            )
            rows = _languages(dialog, exclude=str(data.get("language")))
            rows.append([_button(dialog, t.gettext("No second language"), "skip")])
        case drafts.TITLE:
            text = t.gettext("What is the title of the meeting?")
        case drafts.TITLE2:
            text = _in_second(t, dialog, t.gettext("What is the title of the meeting?"))
        case drafts.DESCRIPTION:
            text = t.gettext("Describe the meeting in a few sentences.")
            rows = [[_button(dialog, t.gettext("Skip"), "skip")]]
        case drafts.DESCRIPTION2:
            text = _in_second(t, dialog, t.gettext("Describe the meeting in a few sentences."))
        case drafts.WHEN:
            text = t.gettext(
                "When does it start? Type the date and time, for example {example}.",
                example=t.isolate(DATETIME_EXAMPLE),
            )
        case drafts.PLACE:
            text = t.gettext("Where is it? Type the address, or an online link (https://…).")
            rows = [[_button(dialog, t.gettext("Skip"), "skip")]]
        case drafts.PLACE2:
            text = _in_second(t, dialog, t.gettext("Where is it? Type the address."))
            rows = [[_button(dialog, t.gettext("The same in both languages"), "skip")]]
        case drafts.QUESTIONS:
            text = t.gettext(
                "Which questions shall I ask the people you invite before the meeting?"
            )
            rows = [
                [_button(dialog, t.gettext("The default questions"), "default")],
                [_button(dialog, t.gettext("I write my own"), "own")],
                [_button(dialog, t.gettext("No questions"), "none")],
            ]
        case drafts.OWN:
            count = len(data.get("own") or [])
            text = t.gettext(
                "Type a question (one message each). Then I ask what kind of answer it takes. "
                "Tap Done when all questions are there."
            )
            if count:
                so_far = t.ngettext(
                    "{count} question so far.", "{count} questions so far.", count, count=count
                )
                text = f"{so_far}\n{text}"
                rows = [[_button(dialog, t.gettext("Done"), "done")]]
        case drafts.KIND:
            text = t.gettext(
                "What kind of answer does this question take?\n{question}",
                question=_first_prompt(dialog),
            )
            buttons = [
                _button(dialog, t.gettext(label), f"k{kind}") for kind, label in KIND_LABELS
            ]
            rows = keyboards.rows(buttons, 2)
        case drafts.OPTIONS:
            text = _options_prompt(t)
        case drafts.OPTIONS2:
            text = _in_second(t, dialog, _options_prompt(t))
            first = question.get("options", {}).get(str(data.get("language")), [])
            text += "\n" + "\n".join(f"{n}. {option}" for n, option in enumerate(first, 1))
        case drafts.SCALE_RANGE:
            text = t.gettext(
                "From which number to which? Tap a range, or type one such as {example} "
                "(from 0 to 10).",
                example=t.isolate("1-7"),
            )
            rows = [
                [
                    _button(dialog, _range(t, scale), f"s{scale[0]}-{scale[-1]}")
                    for scale in drafts.SCALES
                ]
            ]
        case drafts.PROMPT2:
            text = _in_second(
                t,
                dialog,
                t.gettext("Type the question.") + "\n" + _first_prompt(dialog),
            )
        case drafts.REQUIRED:
            text = t.gettext("Must everyone answer this question, or may they skip it?")
            rows = [
                [
                    _button(dialog, t.gettext("Required"), "req"),
                    _button(dialog, t.gettext("Optional"), "opt"),
                ]
            ]
        case drafts.AGENDA:
            text = t.gettext(
                "Shall the answers to this question make the agenda? /meeting then shows the "
                "topics people mention most."
            )
            rows = [
                [_button(dialog, t.gettext("Use the answers for the agenda"), "agy")],
                [_button(dialog, t.gettext("Not for the agenda"), "agn")],
            ]
        case drafts.DEADLINE:
            text = t.gettext("Until when can people give their input?")
            rows = [
                [_button(dialog, t.gettext("Until the meeting starts"), "start")],
                [_button(dialog, t.gettext("Until a day before"), "daybefore")],
            ]
        case _:
            text = (
                t.gettext("Shall I create this meeting?") + "\n\n" + summary(t, dialog, catalogs)
            )
            rows = [
                [
                    _button(dialog, t.gettext("Create the meeting"), "create"),
                    _button(dialog, t.gettext("Cancel"), "stop"),
                ]
            ]
    return text, InlineKeyboardMarkup(rows) if rows else None


def _languages(dialog: Dialog, *, exclude: str | None) -> list[list[InlineKeyboardButton]]:
    # Regional variants (fa-AF) write with their language's texts: one button per language.
    return [
        [_button(dialog, lang.native_name, f"l{lang.tag}")]
        for lang in LANGUAGES
        if "-" not in lang.tag and lang.tag != exclude
    ]


def _first_prompt(dialog: Dialog) -> str:
    prompts = dict(dict(dialog.data.get("q") or {}).get("prompts") or {})
    return str(prompts.get(str(dialog.data.get("language")), ""))


def _options_prompt(t: Translator) -> str:
    return t.gettext(
        "Type the options, one per line or separated by commas ({least} to {most}).",
        least=t.fmt_number(MIN_OPTIONS),
        most=t.fmt_number(MAX_OPTIONS),
    )


def _range(t: Translator, scale: range) -> str:
    # Two numbers in the reader's digits; a dash reads as "to" in every script Samen has.
    return f"{t.fmt_number(scale[0])}–{t.fmt_number(scale[-1])}"


def summary(t: Translator, dialog: Dialog, catalogs: Catalogs) -> str:
    """The meeting as it will be created: texts in each language, time, place, questions."""
    data = dialog.data
    lines = [str(data.get("title", ""))]
    if data.get("second") and data.get("title2"):
        lines.append(t.isolate(str(data["title2"])))
    if data.get("description"):
        lines.append(str(data["description"]))
    if data.get("starts"):
        lines.append(t.gettext("When: {when}", when=_when(t, dialog, catalogs)))
    if data.get("place"):
        lines.append(t.gettext("Where: {place}", place=t.isolate(str(data["place"]))))
    if data.get("link"):
        lines.append(t.gettext("Online: {link}", link=t.isolate(str(data["link"]))))
    languages = drafts.languages(dialog)
    if len(languages) > 1:
        lines.append(
            t.gettext(
                "Languages: {languages}",
                languages=", ".join(_language_name(tag) for tag in languages),
            )
        )
    own = list(data.get("own") or []) if data.get("questions") == "own" else []
    if own:
        lines += ["", t.gettext("Questions:")]
        labels = dict(KIND_LABELS)
        for number, question in enumerate(own, 1):
            kind = QuestionKind(question["kind"])
            notes = [t.gettext(labels[kind])]
            if kind == QuestionKind.SCALE and question.get("scale"):
                low, high = question["scale"]
                notes.append(_range(t, range(int(low), int(high) + 1)))
            notes.append(
                t.gettext("required") if question.get("required") else t.gettext("optional")
            )
            if question.get("agenda"):
                notes.append(t.gettext("for the agenda"))
            prompt = str(question["prompts"].get(str(data["language"]), ""))
            lines.append(f"{number}. {t.isolate(prompt)} ({', '.join(notes)})")
            options = question.get("options", {}).get(str(data["language"]))
            if options:
                lines.append("   " + " · ".join(t.isolate(str(o)) for o in options))
    elif data.get("questions") == "default":
        lines += ["", t.gettext("Questions: the default questions")]
    return "\n".join(lines)


def _when(t: Translator, dialog: Dialog, catalogs: Catalogs) -> str:
    """The start in the meeting's zone, formatted by Babel for the organiser's language."""
    zone = str(dialog.data["zone"])
    starts = datetime.fromisoformat(str(dialog.data["starts"])).replace(tzinfo=ZoneInfo(zone))
    # The organiser's language, the meeting's zone: the time they typed, in their format.
    local = catalogs.translator(t.tag, zone)
    return t.gettext(
        "{date} at {time}", date=local.fmt_date(starts, "full"), time=local.fmt_time(starts)
    )
