"""A live Sila on 127.0.0.1 driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from helpdesk import create_app
from helpdesk.extensions import db
from tests.conftest import PASSWORD, base_config
from tests.support.browser import BrowserProblems

CHROMIUM = os.environ.get("SILA_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("SILA_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    for item in items:
        if "tests/browser" in str(item.fspath):
            if REQUIRE_BROWSER:
                item.add_marker(pytest.mark.xfail(reason=reason, run=False, strict=True))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_problems() -> Iterator[BrowserProblems]:
    """Fails the test, at teardown, on any console error, uncaught exception or CSP
    violation in any page it opened."""
    problems = BrowserProblems()
    yield problems
    found = problems.report()
    if found:
        pytest.fail(f"{len(found)} problem(s) in the browser:\n" + "\n".join(found),
                    pytrace=False)


@pytest.fixture
def new_context(new_context, browser_problems):
    """pytest-playwright's context factory (behind ``context`` and ``page``), watched."""

    def watched(**kwargs):
        context = new_context(**kwargs)
        browser_problems.watch(context)
        return context

    return watched


@dataclass
class LiveServer:
    url: str
    app: object

    def create_user(self, role: str, email: str, name: str) -> str:
        from helpdesk.accounts.services import create_user

        with self.app.app_context():
            create_user(email=email, name=name, role=role, password=PASSWORD)
        return email


def closing_responses(wsgi_app):
    """Werkzeug's development server skips `close()` on a response when the browser resets
    the connection while the server drains the request (a `read` in its `finally` raises
    first). A static file's handle then leaks and pytest reports its ResourceWarning. A
    generator closes the inner response in its own `finally`, also when it is collected."""

    def app(environ, start_response):
        response = wsgi_app(environ, start_response)
        try:
            yield from response
        finally:
            if hasattr(response, "close"):
                response.close()

    return app


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    app = create_app(base_config(f"sqlite:///{tmp_path / 'browser.db'}",
                                 INSTANCE_PATH=str(tmp_path), WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, closing_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def sign_in(page, live_server):
    def do(email: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/login")
        page.locator("#field-email").fill(email)
        page.locator("#field-password").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")

    return do
