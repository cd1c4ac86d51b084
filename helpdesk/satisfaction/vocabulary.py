"""The words of satisfaction's pages, translated once."""

from flask_babel import lazy_gettext as _l

REVIEW_KIND_LABELS = {
    "suggestion": _l("Suggestion"),
    "comment": _l("Rating comment"),
}
REVIEW_STATUS_LABELS = {
    "new": _l("Not reviewed yet"),
    "read": _l("Read"),
    "acted_on": _l("Acted on"),
    "not_applicable": _l("Not applicable"),
}
