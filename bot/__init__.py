"""Samen: a multilingual Telegram bot for organisations working with communities of newcomers."""

__version__ = "0.1.0"
