"""The watch every browser test keeps: CSP violations, console errors and uncaught exceptions
are reported; the app's deliberate 4xx answers to htmx are not."""

from __future__ import annotations

from tests.support.browser import BrowserProblems

STRICT = {"Content-Type": "text/html; charset=utf-8",
          "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'"}
PAGE = ("<!doctype html><html><head><link rel='stylesheet' href='/missing.css'></head>"
        "<body><div style='color: red'>x</div>"
        "<script>inlineScript()</script><script src='/app.js'></script></body></html>")
APP_JS = "fetch('/refused'); setTimeout(() => { throw new Error('boom'); });"


def _serve(context) -> None:
    context.route("http://sila.test/page", lambda route: route.fulfill(body=PAGE, headers=STRICT))
    context.route("http://sila.test/app.js", lambda route: route.fulfill(
        body=APP_JS, headers={"Content-Type": "text/javascript"}))
    context.route("http://sila.test/refused", lambda route: route.fulfill(
        status=422, body="<p>refused</p>", headers={"Content-Type": "text/html"}))
    context.route("http://sila.test/missing.css", lambda route: route.fulfill(status=404))


def test_violations_errors_and_exceptions_are_reported_but_not_the_apps_own_refusals(browser):
    problems = BrowserProblems()
    context = browser.new_context()
    try:
        problems.watch(context)
        _serve(context)
        page = context.new_page()
        page.goto("http://sila.test/page")
        page.wait_for_function("() => true")
        page.wait_for_timeout(300)
        found = problems.report()
    finally:
        context.close()
    violations = [line for line in found if line.startswith("CSP violation")]
    assert any("style-src" in line for line in violations), found
    assert any("script-src" in line for line in violations), found
    assert any(line.startswith("uncaught exception: boom") for line in found), found
    console = [line for line in found if line.startswith("console error")]
    assert any("Content Security Policy" in line for line in console), found
    assert any("missing.css" in line for line in console), found   # a missing asset is an error
    # The browser logged the refusal, and the report leaves it out: it is the app's answer.
    assert any(url.endswith("/refused") for _text, url in problems.console_errors)
    assert not any("/refused" in line for line in found), found
