"""The phone channel's words: call directions, outcomes and states (keys stored, labels read)."""

from flask_babel import lazy_gettext as _l

OUTCOMES = {"answered": _l("Answered"), "no_answer": _l("No answer"),
            "call_back": _l("Call back")}
DIRECTIONS = {"incoming": _l("Incoming"), "outgoing": _l("Outgoing")}
STATES = {"ringing": _l("Ringing"), "answered": _l("Answered"), "ended": _l("Ended"),
          "missed": _l("Missed")}
