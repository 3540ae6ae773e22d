"""What ambassadors do in chat: report their contributions and read their own log."""
