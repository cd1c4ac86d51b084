"""Expectations for the managers' reports: the page, each report's exports, the board's print."""

from tests.web.authz.rules import Rule

READERS = {"admin", "manager"}  # the roles holding reports.view

EXPECTATIONS = {
    "reports.index": Rule(READERS),
    "reports.export": Rule(READERS, url_args={"key": "volume_channel", "kind": "xlsx"}),
    "reports.board": Rule(READERS),
}
