"""Contact kinds: keys in the database, labels in the catalog."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "beneficiary": _l("Beneficiary"),
    "supporter": _l("Supporter"),
    "volunteer": _l("Volunteer"),
    "organisation": _l("Organisation"),
}
