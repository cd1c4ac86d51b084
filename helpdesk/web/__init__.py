"""Web plumbing shared by every domain: htmx, i18n, dates, errors, static assets."""
