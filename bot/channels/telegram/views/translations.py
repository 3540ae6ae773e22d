"""What community translators see: their volunteer switch (/translator) and the review of the
bot's texts (/reviewtexts), one entry at a time."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.views import keyboards
from bot.i18n import Translator, find_language, placeholders
from bot.services.translations import catalog, reviews, translators
from bot.services.translations.reviews import Screen
from bot.services.translations.translators import Standing

Message = tuple[str, InlineKeyboardMarkup | None]


def language_name(tag: str) -> str:
    language = find_language(tag)
    return language.native_name if language else tag


def _names(catalogs: Sequence[str]) -> str:
    return ", ".join(language_name(c) for c in catalogs) if catalogs else "—"


# --- /translator ------------------------------------------------------------------------------


def switch(t: Translator, standing: Standing) -> Message:
    """The member's state as a translator, with the button that changes it."""
    languages = _names(standing.catalogs)
    if standing.translator:
        lines = [
            t.gettext(
                "You are a community translator. You can check the bot's texts in: "
                "{languages}. Send /reviewtexts to start.",
                languages=languages,
            )
        ]
    else:
        lines = [
            t.gettext(
                "You are not a community translator. Translators check the bot's texts in the "
                "languages they read: {languages}.",
                languages=languages,
            )
        ]
    if standing.ambassador:
        lines.append(t.gettext("As an ambassador, you are a community translator in any case."))
    label, on = (
        (t.gettext("Stop being a translator"), False)
        if standing.volunteered
        else (t.gettext("Become a translator"), True)
    )
    button = InlineKeyboardButton(label, callback_data=callbacks.translator_switch(on))
    return "\n\n".join(lines), InlineKeyboardMarkup([[button]])


# --- /reviewtexts ----------------------------------------------------------------------------


def refusal(t: Translator, reason: str | None) -> str:
    if reason == translators.NO_LANGUAGE:
        return t.gettext(
            "You can review texts only in a language you read, other than English. Add the "
            "languages you read to your profile first."
        )
    return t.gettext(
        "Only community translators can review the bot's texts. Send /translator to volunteer."
    )


def _buttons(dialog_version: int, options: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    return keyboards.choices(reviews.FLOW, dialog_version, options, width=2)


def choose_language(t: Translator, screen: Screen) -> Message:
    assert screen.dialog is not None
    options = [(c, language_name(c)) for c in screen.catalogs]
    options.append((reviews.STOP, t.gettext("Stop")))
    return (
        t.gettext("Which language do you want to review?"),
        _buttons(screen.dialog.version, options),
    )


def entry(t: Translator, screen: Screen) -> Message:
    """One entry: where it appears, the English source, the current translation, and the
    four buttons."""
    assert screen.dialog is not None
    assert screen.entry is not None
    found = screen.entry
    language = language_name(found.catalog)
    lines = [
        t.gettext("Where it appears: {area}", area=t.gettext(found.area.label)),
        t.ngettext(
            "{count} text left to review in {language}.",
            "{count} texts left to review in {language}.",
            screen.remaining,
            language=language,
        ),
        "",
        t.gettext("English:"),
        found.msgid,
        "",
        t.gettext("Now in {language}:", language=language),
        found.translation,
    ]
    options = [
        (reviews.GOOD, t.gettext("Good as it is")),
        (reviews.FIX, t.gettext("Correct it")),
        (reviews.SKIP, t.gettext("Skip")),
        (reviews.STOP, t.gettext("Stop")),
    ]
    return "\n".join(lines), _buttons(screen.dialog.version, options)


def _placeholder_list(names: Sequence[str]) -> str:
    return " ".join("{" + name + "}" for name in names)


def correct(t: Translator, screen: Screen, lead: str | None = None) -> Message:
    """Ask for the new text, naming the placeholders it must keep."""
    assert screen.dialog is not None
    assert screen.entry is not None
    language = language_name(screen.entry.catalog)
    names = sorted(placeholders(screen.entry.msgid))
    if names:
        text = t.gettext(
            "Type the new text in {language}. Keep these placeholders exactly as they are: "
            "{placeholders}",
            language=language,
            placeholders=_placeholder_list(names),
        )
    else:
        text = t.gettext("Type the new text in {language}.", language=language)
    markup = _buttons(screen.dialog.version, [(reviews.BACK, t.gettext("Back"))])
    return (f"{lead}\n\n{text}" if lead else text), markup


def placeholders_refused(t: Translator, screen: Screen) -> Message:
    """Why the typed text was not kept, naming each placeholder; then the same question."""
    problem = screen.problem
    if problem is None:
        return correct(t, screen, lead=t.gettext("That is too long. Please make it shorter."))
    lines = [
        t.gettext(
            "I cannot keep this text: its placeholders in curly brackets must be exactly those "
            "of the English text."
        )
    ]
    if problem.broken:
        lines.append(t.gettext("A curly bracket is not closed, or one is too many."))
    if problem.missing:
        lines.append(t.gettext("Missing: {names}", names=_placeholder_list(problem.missing)))
    if problem.added:
        lines.append(
            t.gettext("Not in the English text: {names}", names=_placeholder_list(problem.added))
        )
    return correct(t, screen, lead="\n".join(lines))


def doubt(t: Translator, screen: Screen) -> Message:
    """The gentle question before an unusual text is kept."""
    assert screen.dialog is not None
    assert screen.entry is not None
    language = language_name(screen.entry.catalog)
    lines = []
    for reason in screen.doubts:
        if reason == catalog.EMPTY:
            lines.append(t.gettext("This text has no letters."))
        elif reason == catalog.LONGER:
            lines.append(t.gettext("This text is much longer than the English one."))
        elif reason == catalog.SCRIPT:
            lines.append(
                t.gettext(
                    "This text is not written in the usual script for {language}.",
                    language=language,
                )
            )
    lines.append(t.gettext("Keep it anyway?"))
    options = [
        (reviews.KEEP, t.gettext("Keep it anyway")),
        (reviews.AGAIN, t.gettext("Write it again")),
    ]
    return "\n".join(lines), _buttons(screen.dialog.version, options)


def agreed(t: Translator) -> str:
    return t.gettext(
        "Thank you! Two translators agree on this text now. A maintainer will put it into Samen."
    )


def done(t: Translator, screen: Screen) -> str:
    return t.gettext(
        "Nothing more to review in {language} for now. Thank you!",
        language=language_name(screen.catalog or ""),
    )


def stopped(t: Translator) -> str:
    return t.gettext("Stopped. Your reviews are kept. Send /reviewtexts to go on.")


def screen_messages(t: Translator, screen: Screen) -> list[Message]:
    """The messages a screen of the review is shown as, in order."""
    shown: list[Message] = []
    if screen.agreed:
        shown.append((agreed(t), None))
    match screen.kind:
        case "refused":
            shown.append((refusal(t, screen.reason), None))
        case "language":
            shown.append(choose_language(t, screen))
        case "entry":
            shown.append(entry(t, screen))
        case "correct":
            no_text = screen.reason == reviews.NO_TEXT
            lead = t.gettext("Please type some text.") if no_text else None
            shown.append(correct(t, screen, lead=lead))
        case "placeholders":
            shown.append(placeholders_refused(t, screen))
        case "doubt":
            shown.append(doubt(t, screen))
        case "done":
            shown.append((done(t, screen), None))
        case "stopped":
            shown.append((stopped(t), None))
    return shown
