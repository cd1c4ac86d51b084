"""What the portal tells the person about their request: the status in their words, what
happens next. The portal's pages and the public tracking API (/api/v1/public/track) both
read it, so that the two always say the same."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The status as the person reads it, and what happens next.
STATUS_TEXTS = {
    "new": (_l("We have received your request"),
            _l("A member of our team will review it shortly.")),
    "awaiting_information": (
        _l("We are waiting for information from you"),
        _l("Please send us what we asked for below; we will continue as soon as it arrives.")),
    "in_progress": (_l("We are working on your request"),
                    _l("We will contact you if we need anything else.")),
    "referred": (_l("Your request is with a specialist"),
                 _l("A specialist is studying your request; we will tell you the outcome.")),
    "committee": (_l("Your request is before the research committee"),
                  _l("The committee studies the request and decides within its set window.")),
    "approved": (_l("Your request has been approved"),
                 _l("We will contact you to complete the registration.")),
    "rejected": (_l("Your request was not approved"),
                 _l("You can contact us to ask about the reasons or to apply again later.")),
    "registration": (_l("We are completing your registration"),
                     _l("We will tell you when the service is ready.")),
    "service_delivered": (_l("The service has been delivered"),
                          _l("Your request will be closed soon; you may rate our service.")),
    "resolved": (_l("Your request has been answered"),
                 _l("If you need anything else, reply below.")),
    "closed": (_l("Your request is closed"),
               _l("Thank you for contacting us. Please rate our service.")),
    "reopened": (_l("Your request has been reopened"),
                 _l("We are looking at it again.")),
    "cancelled": (_l("Your request was cancelled"),
                  _l("If you think this is a mistake, contact us.")),
}
