"""The Arabic-first shell: direction, language switch, navigation by role, health."""

from __future__ import annotations


def test_login_page_is_arabic_and_right_to_left_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


def test_switching_to_english_gives_a_left_to_right_page_and_back(client):
    client.post("/locale", data={"locale": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert "bootstrap.min.css" in html and "rtl.min.css" not in html
    client.post("/locale", data={"locale": "ar", "next": "/login"})
    assert 'dir="rtl"' in client.get("/login").get_data(as_text=True)


def test_an_agent_signs_in_and_sees_the_eight_channels(client, make_user, login):
    login(make_user("agent"))
    html = client.get("/").get_data(as_text=True)
    for key in ("interview", "phone", "social", "letters", "help_requests", "volunteering",
                "website", "branch_visits"):
        assert f'data-channel="{key}"' in html


def test_a_wrong_password_keeps_the_email_and_says_why(client, make_user):
    user = make_user("agent")
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'value="{user.email}"' in html
    assert 'data-testid="error-password"' in html


def test_the_next_parameter_never_redirects_off_site(client, make_user):
    user = make_user("agent")
    response = client.post("/login?next=//evil.example/x",
                           data={"email": user.email, "password": "correct horse battery"})
    assert response.headers["Location"] == "/"


def test_navigation_shows_admin_links_only_to_admins(client, make_user, login):
    login(make_user("agent"))
    html = client.get("/").get_data(as_text=True)
    assert "/admin/users" not in html
    client.post("/logout")
    login(make_user("admin"))
    assert "/admin/users" in client.get("/").get_data(as_text=True)


def test_health_check_answers_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["checks"]["database"]["status"] == "ok"


def test_responses_vary_on_the_htmx_header(client):
    assert "HX-Request" in client.get("/login").headers["Vary"]
