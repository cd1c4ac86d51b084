"""The layer map: which part of the core may import which, as data a test reads.

Layers point one way: a module may import modules of its own layer or of a lower one, never
of a higher one. Inside the domain layers, sibling domains may use each other's services but
never in a cycle. Web-facing modules (views, blueprints, pages) of every domain belong to the
delivery layer wherever they live, so a domain's views may use the web helpers while its
services may not. tests/unit/test_layers.py enforces the map on every module of `helpdesk`.
"""

from __future__ import annotations

# Lowest first. Each entry maps a module prefix (dotted, below `helpdesk`) to its layer;
# the longest matching prefix wins.
LAYERS: tuple[str, ...] = (
    "foundation",
    "people_and_places",
    "tickets",
    "ticket_domains",
    "delivery",
    "devdata",
    "composition",
)

MODULE_LAYERS: dict[str, str] = {
    # foundation: settings, database plumbing, validation, files, time, language, plugin API
    "config": "foundation",
    "errors": "foundation",
    "extensions": "foundation",
    "db_types": "foundation",
    "database": "foundation",
    "validation": "foundation",
    "uploads": "foundation",
    "image_metadata": "foundation",
    "clock": "foundation",
    "i18n": "foundation",
    "session": "foundation",
    "delivery": "foundation",  # the claim/lease/backoff queue, generic over its rows
    "plugin_api": "foundation",
    "layers": "foundation",
    "calendar.working": "foundation",  # pure working-time arithmetic
    "calendar.saudi": "foundation",  # pure: the public holidays of a year
    # people and places: who acts, who is served, what the association offers and through
    # which channels, and the audit log of changes to them
    "audit": "people_and_places",
    "calendar": "people_and_places",  # the association's hours and holidays
    "accounts": "people_and_places",
    "contacts": "people_and_places",
    "admin": "people_and_places",
    "services_catalog": "people_and_places",
    "channels": "people_and_places",
    "admin.audit_log": "delivery",  # the audit page's read model: labels from every domain
    # tickets: the lifecycle, the unit of work, the timeline, intake and the outbox queue
    "tickets": "tickets",
    # the domains built on tickets
    "casework": "ticket_domains",
    "committee": "ticket_domains",
    "applications": "ticket_domains",
    "volunteers": "ticket_domains",
    "search": "ticket_domains",
    "outbox": "ticket_domains",
    "webhooks": "ticket_domains",
    "sla": "ticket_domains",
    "satisfaction": "ticket_domains",
    "routing": "ticket_domains",
    "reports": "ticket_domains",
    "notifications": "ticket_domains",
    # delivery: the web, the portal, the API, the worker and the command line
    "web": "delivery",
    "portal": "delivery",
    "api": "delivery",
    "worker": "delivery",
    # data that is not the product: the demo association and the benchmarks' seed
    "devdata": "devdata",
    # the composition root: the factory wires every part, the command line loads demo data
    "app": "composition",
    "cli": "composition",
    "models": "composition",
    "": "composition",  # the package itself re-exports create_app
}

# Module names (last dotted part) that face the web, whichever domain they belong to.
WEB_MODULE_NAMES = frozenset({"views", "blueprint", "page"})
WEB_MODULE_SUFFIXES = ("_views",)


def layer_of(module: str) -> str:
    """The layer of a dotted module name under `helpdesk` (e.g. 'helpdesk.tickets.views')."""
    parts = module.split(".")
    if parts[0] != "helpdesk":
        raise ValueError(f"not a helpdesk module: {module}")
    inner = parts[1:]
    if inner and (inner[-1] in WEB_MODULE_NAMES or inner[-1].endswith(WEB_MODULE_SUFFIXES)):
        if MODULE_LAYERS.get(inner[0]) != "devdata":
            return "delivery"
    for size in range(len(inner), -1, -1):
        prefix = ".".join(inner[:size])
        if prefix in MODULE_LAYERS:
            return MODULE_LAYERS[prefix]
    raise KeyError(f"{module} is in no layer: add it to helpdesk/layers.py")


def domain_of(module: str) -> str:
    """The domain a module belongs to: the first package below `helpdesk`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""
