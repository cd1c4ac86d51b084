"""Expectations for the JSON API and its documentation.

The API authenticates by token only: the matrix signs in with a browser session, which the
API must not accept, so every role (like an anonymous visitor) gets 401. Tokens, scopes and
the access rule are tested in tests/web/test_api.py. The OpenAPI document and its page are
deliberately public.
"""

from tests.web.authz.rules import PUBLIC, Rule

NO_SESSION = frozenset()   # no role is allowed by a session: all answer 401
UNAUTHORIZED = frozenset({401})
TICKET = {"number": "2026-000001"}


def _api(methods=("GET",), url_args=None) -> Rule:
    return Rule(NO_SESSION, methods=methods, url_args=url_args or {},
                denied=UNAUTHORIZED, anonymous=UNAUTHORIZED)


EXPECTATIONS = {
    "api.list_tickets": _api(),
    "api.get_ticket": _api(url_args=TICKET),
    "api.post_ticket": _api(methods=("POST",)),
    "api.add_message": _api(methods=("POST",), url_args=TICKET),
    "api.take_action": _api(methods=("POST",), url_args=TICKET),
    "api.list_contacts": _api(),
    "api.post_contact": _api(methods=("POST",)),
    "api.list_services": _api(),
    "api.list_channels": _api(),
    # Deliberately public (rate-limited); the matrix's empty form body is not JSON.
    "api.public_track": Rule(PUBLIC, methods=("POST",), ok={400}),
    "api_docs.openapi_json": Rule(PUBLIC),
    "api_docs.docs": Rule(PUBLIC),
}
