"""Service levels: due times, calendars, and breaches of them."""
