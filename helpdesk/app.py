"""The application factory: small configure_* steps, no database access."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from helpdesk.config import load_config, plugin_env_settings
from helpdesk.errors import StartupError
from helpdesk.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from helpdesk.plugin_api.manager import PluginSource, build_registry, select_plugins

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Mapping[str, Any] | None = None, *,
               plugins: Iterable[PluginSource] | None = None) -> Flask:
    settings = load_config(overrides=config)
    Path(settings["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    app = Flask("helpdesk", instance_path=settings["INSTANCE_PATH"],
                instance_relative_config=False)
    app.config.update(settings)
    configure_proxies(app)
    configure_logging(app)
    configure_plugins(app, plugins)
    configure_extensions(app)
    configure_events(app)
    configure_lifecycle(app)
    configure_templates(app)
    configure_blueprints(app)
    configure_security_headers(app)
    configure_cli(app)
    return app


def configure_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXY_COUNT reverse proxies, the client's address and scheme are the
    ones they forward (rate limits, the audit log, https links); with none, the headers
    are ignored, since any client could write them."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure_plugins(app: Flask, plugins: Iterable[PluginSource] | None) -> None:
    sources = list(plugins) if plugins is not None else \
        select_plugins(app.config["HELPDESK_PLUGINS"])
    registry = build_registry(sources)
    by_plugin, unknown = plugin_env_settings(app.config["HELPDESK_ENV"],
                                             list(registry.channels))
    for key, values in by_plugin.items():
        known = {field.name for field in registry.channels[key].settings_fields()}
        unknown.extend(f"HELPDESK_{key.upper()}_{name.upper()}"
                       for name in values if name not in known)
    if unknown:
        raise StartupError(f"unknown setting(s) in the environment: {', '.join(sorted(unknown))}")
    app.config["HELPDESK_CHANNEL_ENV_SETTINGS"] = by_plugin
    app.extensions["helpdesk_plugins"] = registry


def configure_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk import models  # noqa: F401  (every model joins the metadata)
    from helpdesk.accounts.auth import load_user
    from helpdesk.database import configure_sqlite
    from helpdesk.web.i18n import register_i18n, select_locale
    from helpdesk.web.navigation import register_navigation

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)  # creates the engine object only; connects lazily
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    registry = app.extensions["helpdesk_plugins"]
    translation_dirs = [app.config["BABEL_TRANSLATION_DIRECTORIES"],
                        *registry.translation_folders()]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs)
    babel.init_app(app, locale_selector=select_locale)
    register_i18n(app)
    register_navigation(app)
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    # Flask-Login's own message is English; ours is translated when it is flashed.
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.localize_callback = str
    login_manager.session_protection = "strong"


def configure_events(app: Flask) -> None:
    """Every reaction to what the unit of work records, in the order it runs."""
    from helpdesk.notifications import handlers as notifications
    from helpdesk.routing import services as routing
    from helpdesk.satisfaction import services as satisfaction
    from helpdesk.search import index
    from helpdesk.session import UNIT_OF_WORK
    from helpdesk.sla import clocks as sla
    from helpdesk.tickets import events, plugin_hooks
    from helpdesk.tickets.unit_of_work import EventHandlers, Phase
    from helpdesk.volunteers import sync as volunteers
    from helpdesk.webhooks import dispatch as webhooks
    from helpdesk.worker import queue_outbox_message, queue_webhook_subscriber

    handlers = EventHandlers()
    for event_type, handler, phase in (
        # Inside the transaction, as each flush is written (the clocks first: the rest
        # read the due times they set):
        (events.TicketChanged, sla.set_due_times, Phase.FLUSH),
        (events.TicketTransitioned, sla.follow_status, Phase.FLUSH),
        (events.MessageAdded, sla.record_first_response, Phase.FLUSH),
        (events.TicketChanged, index.index_ticket, Phase.FLUSH),
        (events.ContactChanged, index.index_contact, Phase.FLUSH),
        (events.TimelineEvent, index.index_timeline_entry, Phase.FLUSH),
        (events.TimelineEntryEdited, index.index_edited_entry, Phase.FLUSH),
        (events.TicketOpened, volunteers.take_application, Phase.FLUSH),
        (events.TicketTransitioned, volunteers.follow_decision, Phase.FLUSH),
        # Inside the transaction, on its final state (routing first, so that the webhook
        # deliveries and the notifications see the routed ticket and its timeline events):
        (events.TicketOpened, routing.route_opened, Phase.BEFORE_COMMIT),
        (events.TicketChanged, routing.route_changed, Phase.BEFORE_COMMIT),
        (events.TicketTransitioned, satisfaction.invite_after_transition,
         Phase.BEFORE_COMMIT),
        (events.ServiceRated, satisfaction.open_follow_up, Phase.BEFORE_COMMIT),
        (events.TimelineEvent, webhooks.write_deliveries_for, Phase.BEFORE_COMMIT),
        (events.TicketAssigned, notifications.assigned, Phase.BEFORE_COMMIT),
        (events.TicketReferred, notifications.referred, Phase.BEFORE_COMMIT),
        (events.MessageAdded, notifications.reply_received, Phase.BEFORE_COMMIT),
        (events.TicketTransitioned, notifications.put_on_agenda, Phase.BEFORE_COMMIT),
        (events.TimelineEvent, notifications.breached, Phase.BEFORE_COMMIT),
        # After the commit, each one isolated:
        (events.TicketOpened, plugin_hooks.ticket_created, Phase.AFTER_COMMIT),
        (events.TicketTransitioned, plugin_hooks.ticket_transitioned, Phase.AFTER_COMMIT),
        (events.MessageAdded, plugin_hooks.message_added, Phase.AFTER_COMMIT),
        (events.MessageQueued, queue_outbox_message, Phase.AFTER_COMMIT),
        (events.WebhookDeliveriesQueued, queue_webhook_subscriber, Phase.AFTER_COMMIT),
    ):
        handlers.subscribe(event_type, handler, phase)
    app.extensions[UNIT_OF_WORK] = handlers


def configure_lifecycle(app: Flask) -> None:
    """What higher domains add to the tickets layer: the rules the lifecycle asks before an
    action, the decisions they own, and the queue's text search."""
    from helpdesk.casework.services import require_nothing_missing, require_study
    from helpdesk.committee.services import decide
    from helpdesk.plugin_api.core import register_core_services
    from helpdesk.search.queries import ticket_search_clause
    from helpdesk.tickets.actions import register_decision_owner
    from helpdesk.tickets.guards import register_guard
    from helpdesk.tickets.plugin_services import CoreServicesForPlugins
    from helpdesk.tickets.queue import register_text_search

    register_guard(app, "information_received", require_nothing_missing)
    register_guard(app, "send_to_committee", require_study)
    register_decision_owner(app, "committee", decide)
    register_text_search(app, ticket_search_clause)
    register_core_services(app, CoreServicesForPlugins())


def configure_templates(app: Flask) -> None:
    registry = app.extensions["helpdesk_plugins"]
    folders = registry.template_folders()
    if folders:
        app.jinja_loader = ChoiceLoader([app.jinja_loader,
                                         *(FileSystemLoader(f) for f in folders)])


def configure_blueprints(app: Flask) -> None:
    from helpdesk.accounts import views as _accounts_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.accounts.blueprint import bp as auth_bp
    from helpdesk.admin import views as _admin_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.admin.blueprint import bp as admin_bp
    from helpdesk.api.openapi import bp as api_docs_bp
    from helpdesk.api.views import bp as api_bp
    from helpdesk.api.views import http_error
    from helpdesk.applications import views as _applications_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.applications.blueprint import bp as applications_bp
    from helpdesk.calendar import views as _calendar_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.calendar.blueprint import bp as calendar_bp
    from helpdesk.casework import views as _casework_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.casework.blueprint import bp as casework_bp
    from helpdesk.channels import views as _channels_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.channels.blueprint import bp as channels_bp
    from helpdesk.channels.webhook_views import bp as webhooks_bp
    from helpdesk.committee import views as _committee_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.committee.blueprint import bp as committee_bp
    from helpdesk.contacts import views as _contacts_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.contacts.blueprint import bp as contacts_bp
    from helpdesk.notifications import views as _notifications_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.notifications.blueprint import bp as notifications_bp
    from helpdesk.outbox import views as _outbox_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.outbox.blueprint import bp as dev_inbox_bp
    from helpdesk.portal import attachment_views as _portal_downloads  # noqa: F401
    from helpdesk.portal import views as _portal_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.portal.blueprint import bp as portal_bp
    from helpdesk.reports import views as _reports_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.reports.blueprint import bp as reports_bp
    from helpdesk.routing import views as _routing_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.routing.blueprint import bp as routing_bp
    from helpdesk.satisfaction import views as _satisfaction_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.satisfaction.blueprint import bp as satisfaction_bp
    from helpdesk.search import views as _search_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.search.blueprint import bp as search_bp
    from helpdesk.services_catalog import views as _services_catalog_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.services_catalog.blueprint import bp as services_bp
    from helpdesk.sla import views as _sla_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.sla.blueprint import bp as sla_bp
    from helpdesk.tickets import action_views as _actions  # noqa: F401
    from helpdesk.tickets import attachment_views as _attachments  # noqa: F401
    from helpdesk.tickets import export_views as _export  # noqa: F401
    from helpdesk.tickets import receipt_views as _receipts  # noqa: F401
    from helpdesk.tickets import views as _ticket_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.tickets.blueprint import bp as tickets_bp
    from helpdesk.tickets.intake_views import bp as intake_bp
    from helpdesk.volunteers import views as _volunteers_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.volunteers.blueprint import bp as volunteers_bp
    from helpdesk.web.assets import bp as assets_bp
    from helpdesk.web.errors import register_error_handlers
    from helpdesk.web.health import bp as health_bp
    from helpdesk.web.home import bp as home_bp
    from helpdesk.web.input_guard import register_input_guard
    from helpdesk.webhooks import views as _webhooks_views  # noqa: F401  (routes join the blueprint)
    from helpdesk.webhooks.blueprint import bp as outgoing_webhooks_bp

    register_input_guard(app)  # first: it bounds every route's <int:…> ids
    for blueprint in (assets_bp, health_bp, auth_bp, home_bp, channels_bp, webhooks_bp,
                      intake_bp, tickets_bp, committee_bp, admin_bp, services_bp, contacts_bp,
                      search_bp, portal_bp, applications_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(casework_bp)
    app.register_blueprint(volunteers_bp)
    app.register_blueprint(outgoing_webhooks_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(dev_inbox_bp)
    app.register_blueprint(satisfaction_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(routing_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(sla_bp)
    for blueprint in app.extensions["helpdesk_plugins"].blueprints:
        key = blueprint.name.removeprefix("channel_")
        app.register_blueprint(blueprint, url_prefix=f"/channels/{key}")
    register_error_handlers(app, api_error=http_error)


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


def configure_security_headers(app: Flask) -> None:
    from helpdesk.web.htmx import add_vary_header

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return add_vary_header(response)


def configure_cli(app: Flask) -> None:
    from helpdesk.cli import helpdesk_cli

    app.cli.add_command(helpdesk_cli)
