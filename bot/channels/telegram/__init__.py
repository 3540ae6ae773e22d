"""The Telegram channel: python-telegram-bot handlers, keyboards, rendering and sending."""

from bot.channels.telegram.app import build_application

__all__ = ["build_application"]
