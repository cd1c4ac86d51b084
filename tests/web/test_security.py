"""CSRF on every form, rate-limited login, hashed passwords, secure headers."""

from __future__ import annotations

from helpdesk.accounts.models import User
from helpdesk.extensions import db


def test_a_form_post_without_the_csrf_token_is_refused_in_arabic(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
    assert 'lang="ar"' in response.get_data(as_text=True)


def test_an_htmx_post_with_the_csrf_header_is_accepted(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    response = client.post("/locale", data={"locale": "en"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 302


def test_login_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.post("/login", data={"email": "x@y.z", "password": "bad"}).status_code
                for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_passwords_are_stored_as_argon2id_hashes(make_user):
    user = make_user("agent")
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored


def test_pages_carry_a_strict_content_security_policy(client):
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_inactive_user_cannot_sign_in(client, make_user):
    user = make_user("agent")
    db.session.get(User, user.id).active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email,
                                           "password": "correct horse battery"})
    assert response.status_code == 422
