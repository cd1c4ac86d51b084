"""The development inbox: staff only, and absent (404) unless DEV_INBOX is on, as in these
tests and in production; tests/web/test_delivery_configuration.py opens it switched on."""

from tests.web.authz.rules import ANY_STAFF, Rule

EXPECTATIONS = {
    "dev_inbox.index": Rule(ANY_STAFF, ok={404}),
}
