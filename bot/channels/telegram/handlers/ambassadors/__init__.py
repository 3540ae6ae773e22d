"""Ambassadors and community translators: the volunteer switch and the review of the bot's
own texts."""
