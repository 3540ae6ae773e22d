"""Inline keyboards. Labels are translated; callback data carries opaque ids only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.i18n import LANGUAGES, Translator
from bot.services.dialogs import Dialog

CHECK = "✓ "


def rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def languages(selected: str | None) -> InlineKeyboardMarkup:
    """Every language in its own name and script; the pre-selected one is ticked."""
    buttons = [
        InlineKeyboardButton(
            (CHECK if language.tag == selected else "") + language.native_name,
            callback_data=callbacks.lang(language.tag),
        )
        for language in LANGUAGES
    ]
    return InlineKeyboardMarkup(rows(buttons, 2))


def consent(t: Translator, notice_version: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Yes, I agree"),
                    callback_data=callbacks.consent(notice_version, True),
                ),
                InlineKeyboardButton(
                    t.gettext("Not now"), callback_data=callbacks.consent(notice_version, False)
                ),
            ]
        ]
    )


def choices(
    flow: str, version: int, options: Iterable[tuple[str, str]], width: int = 1
) -> InlineKeyboardMarkup:
    """Buttons for a dialogue step: (choice id, label) pairs."""
    buttons = [
        InlineKeyboardButton(label, callback_data=callbacks.step(flow, version, choice))
        for choice, label in options
    ]
    return InlineKeyboardMarkup(rows(buttons, width))


def step_button(flow: str, dialog: Dialog, label: str, choice: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.step(flow, dialog.version, choice))
