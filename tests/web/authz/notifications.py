"""Notifications: every staff member has their own bell, list and preferences; one person's
notification is out of everyone else's reach (404, tests/web/test_notifications.py)."""

from tests.web.authz.rules import ANY_STAFF, Rule

NOBODY_S = {"notification_id": 999999}  # nobody's: the owner check answers 404

EXPECTATIONS = {
    # A session that ended stops the bell's polling (286) rather than being sent to log in.
    "notifications.count": Rule(ANY_STAFF, anonymous={286}),
    "notifications.recent": Rule(ANY_STAFF),
    "notifications.index": Rule(ANY_STAFF),
    "notifications.open_one": Rule(ANY_STAFF, url_args=NOBODY_S, ok={404}),
    "notifications.read_one": Rule(ANY_STAFF, methods=("POST",), url_args=NOBODY_S, ok={404}),
    "notifications.read_all": Rule(ANY_STAFF, methods=("POST",), ok={302}),
    "notifications.preferences": Rule(ANY_STAFF, methods=("GET", "POST")),
}
