"""Search engines behind ``search.api.SearchIndex``; nothing outside ``search/`` imports them."""
