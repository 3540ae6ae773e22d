"""What ambassadors and community translators do in chat: report contributions and read their
own log, the volunteer switch, and the review of the bot's own texts."""
