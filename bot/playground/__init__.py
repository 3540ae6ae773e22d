"""The playground: the real bot, for invented people, in a local web page.

`samen playground` builds the same python-telegram-bot application as `samen run` — handlers,
services, outbox, scheduler, database code — but its request layer is an in-process Bot API
(`bot_api`), so nothing is ever sent to Telegram. The web page (`web`) shows one chat per
invented person and turns what they do there into Telegram updates.
"""
