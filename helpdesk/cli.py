"""``flask helpdesk …`` commands."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from helpdesk.accounts.roles import ROLES
from helpdesk.accounts.services import create_user, find_user_by_email
from helpdesk.api.services import create_token
from helpdesk.channels.registry import plugin_registry
from helpdesk.channels.services import channel_statuses
from helpdesk.devdata.demo import demo_command
from helpdesk.devdata.seed import seed_command
from helpdesk.notifications.tick import tick
from helpdesk.reports import rollup
from helpdesk.validation import ValidationError
from helpdesk.worker import create_consumer

helpdesk_cli = AppGroup("helpdesk", help="Sila administration commands.")
helpdesk_cli.add_command(demo_command)
helpdesk_cli.add_command(seed_command)


@helpdesk_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@click.option("--password", required=True, prompt=True, hide_input=True,
              confirmation_prompt=True)
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create a staff user."""
    try:
        user = create_user(email=email, name=name, role=role, password=password)
    except ValidationError as exc:
        for field, message in exc.errors.items():
            click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"created user {user.email} ({user.role})")


@helpdesk_cli.command("channels")
def channels_command() -> None:
    """List every registered channel: key, Arabic name, plugin, active or not."""
    with force_locale("ar"):
        rows = [(s.key, str(s.channel.meta.label), s.plugin, "active" if s.active else "inactive")
                for s in channel_statuses()]
    width = max((len(r[0]) for r in rows), default=3)
    for key, label, plugin, state in rows:
        click.echo(f"{key:<{width}}  {label}  [{plugin}]  {state}")
    for failure in plugin_registry().failures:
        click.echo(f"BROKEN {failure.plugin}: {failure.error}", err=True)


@helpdesk_cli.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads (each sends one message at a time).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also run the periodic tasks (outbox sweep, SLA check) from this worker.")
def worker_command(workers: int, periodic: bool) -> None:
    """Run the background worker: outbox delivery and periodic checks, until interrupted."""
    app = current_app._get_current_object()
    consumer = create_consumer(app, workers=workers, periodic=periodic)
    storage = "redis" if app.config.get("REDIS_URL") else "sqlite"
    click.echo(f"sila worker: {workers} thread(s), {storage} queue "
               f"{app.config['HUEY_NAME']!r}; Ctrl-C stops it")
    consumer.run()


@helpdesk_cli.command("tick")
def tick_command() -> None:
    """Run one pass of the periodic job (breaches, warnings, escalations, reminders, closing
    after silence); for cron and tests. Each action happens once however often it runs."""
    report = tick()
    click.echo(" ".join(f"{name}={count}" for name, count in report.as_dict().items()))


@helpdesk_cli.command("create-token")
@click.option("--user", "email", required=True, help="The e-mail of the user the token acts as.")
@click.option("--scopes", required=True,
              help="Comma-separated, e.g. tickets:read,tickets:write,contacts:read.")
@click.option("--name", default="API", show_default=True,
              help="What the token is for (the system that will use it).")
def create_token_command(email: str, scopes: str, name: str) -> None:
    """Create an API token; the secret is printed once and never stored."""
    user = find_user_by_email(email)
    if user is None:
        click.echo(f"no user with the e-mail {email}", err=True)
        raise SystemExit(1)
    try:
        token, secret = create_token(user, name, scopes.split(","))
    except ValidationError as exc:
        for field, message in exc.errors.items():
            click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"token {token.prefix} for {user.email}, scopes {','.join(token.scopes)}")
    click.echo(secret)


reports_cli = AppGroup("reports", help="The reports' daily rollup.")
helpdesk_cli.add_command(reports_cli)


@reports_cli.command("rebuild")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Rebuild the last N whole days (default: every day since the first ticket).")
def reports_rebuild_command(days: int | None) -> None:
    """Rebuild the reports' daily rollup from the tickets (idempotent)."""
    built = rollup.rebuild(days)
    click.echo(f"rolled up {built} day(s)")
