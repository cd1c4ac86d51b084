"""Expectations for the foundation's routes."""

from tests.web.authz.rules import ANY_STAFF, PUBLIC, Rule

ADMINS = {"admin"}
MANAGERS = {"admin", "manager"}

EXPECTATIONS = {
    "static": Rule(PUBLIC, url_args={"filename": "css/sila.css"}),
    "assets.vendor": Rule(PUBLIC, url_args={"package": "htmx", "filename": "htmx.min.js"}),
    "health.healthz": Rule(PUBLIC),
    # A signed-in user asking for the login page is sent home.
    "auth.login": Rule(PUBLIC, methods=("GET", "POST"), ok={200, 302, 422}),
    "auth.logout": Rule(ANY_STAFF, methods=("POST",), ok={302}),
    "auth.set_locale": Rule(PUBLIC, methods=("POST",), data={"locale": "en"}, ok={302}),
    # Anonymous visitors get the portal's home instead of the login page.
    "home.index": Rule(ANY_STAFF, anonymous={200}),
    "home.logo": Rule(PUBLIC, ok={404}),  # no logo uploaded in the matrix's database
    "channels.index": Rule(ANY_STAFF),
    "admin.association": Rule(MANAGERS, methods=("GET", "POST"), ok={200, 302, 422}),
    "admin.users": Rule(ADMINS, methods=("GET", "POST"), ok={200, 302, 422}),
    "admin.channels": Rule(MANAGERS),
    "admin.set_active": Rule(MANAGERS, methods=("POST",), url_args={"key": "phone"},
                             data={"active": "1"}),
}
