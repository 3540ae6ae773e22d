"""Translations by people from the community: reviews of the bot's own texts (the catalogs)
and who may do them."""
