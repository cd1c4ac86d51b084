"""The audit log and the channel settings form."""

from tests.web.authz.rules import Rule

MANAGERS = {"admin", "manager"}

EXPECTATIONS = {
    "admin.audit": Rule(MANAGERS),
    "admin.channel_settings": Rule(MANAGERS, methods=("GET", "POST"),
                                   url_args={"key": "social"}, ok={200, 302, 422}),
}
