"""Every route, every method, as an anonymous visitor and as every role."""

from __future__ import annotations

import pytest

from helpdesk.accounts.roles import ROLES
from tests.web.authz import all_expectations

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - IGNORED_METHODS):
            yield rule, method


def test_every_route_has_an_expectation_in_the_matrix(app):
    expectations = all_expectations()
    missing = sorted(
        f"{rule.endpoint} {method}" for rule, method in _routes(app)
        if rule.endpoint not in expectations or method not in expectations[rule.endpoint].methods
    )
    assert not missing, f"routes missing from tests/web/authz: {missing}"


def test_the_matrix_names_no_route_that_does_not_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not sorted(set(all_expectations()) - endpoints)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_role_gets_the_expected_status_on_every_route(app, make_user, role):
    expectations = all_expectations()
    user = make_user(role) if role else None
    failures = []
    for rule, method in _routes(app):
        expected = expectations[rule.endpoint]
        if method not in expected.methods:
            continue
        client = app.test_client()
        if user is not None:
            client.post("/login", data={"email": user.email, "password": "correct horse battery"})
        url_args = dict(expected.setup(app) if expected.setup else expected.url_args)
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **url_args)
        response = client.open(url, method=method, data=dict(expected.data))
        response.close()
        if expected.allows(role):
            allowed = expected.ok
        elif role is None:
            allowed = expected.anonymous
        else:
            allowed = expected.denied
        if response.status_code not in allowed:
            failures.append(f"{method} {url} as {role or 'anonymous'}: "
                            f"{response.status_code}, expected one of {sorted(allowed)}")
    assert not failures, "\n".join(failures)
