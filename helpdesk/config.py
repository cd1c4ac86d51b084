"""Settings read from the environment and validated once, at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from helpdesk.errors import StartupError

SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
SUPPORTED_LOCALES = ("ar", "en")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}

# Variables with the HELPDESK_ prefix that belong to the core; every other HELPDESK_ variable
# must name a plugin setting (HELPDESK_<PLUGIN>_<SETTING>), checked once plugins are loaded.
CORE_ENV_SETTINGS = {"HELPDESK_PLUGINS", "HELPDESK_DEFAULT_LOCALE", "HELPDESK_UPLOAD_DIR",
                     "HELPDESK_TESTING", "HELPDESK_INSTANCE_PATH"}


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise StartupError(f"{name} must be 1 or 0 (true/false), not {value!r}")


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator used."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    scheme = url.split(":", 1)[0]
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise StartupError(
            f"DATABASE_URL uses {scheme!r}; Sila supports sqlite:/// and postgresql://"
        )
    return url


SMTP_SECURITY_MODES = ("starttls", "ssl", "none")


def _number(env: Mapping[str, str], name: str, default: float, kind: type = int) -> Any:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise StartupError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise StartupError(f"{name} must be greater than zero")
    return value


def _base_url(env: Mapping[str, str], name: str) -> str | None:
    """An absolute http(s) address without a trailing slash, or None when unset."""
    raw = env.get(name, "").strip().rstrip("/")
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StartupError(f"{name} must be an http(s) address such as "
                           f"https://sila.example.org, not {raw!r}")
    return raw


MAX_TRUSTED_PROXIES = 5


def _trusted_proxy_count(env: Mapping[str, str]) -> int:
    """How many reverse proxies in front of the app add X-Forwarded-For (0: none, the
    header is ignored: a client could write anything in it)."""
    raw = env.get("TRUSTED_PROXY_COUNT", "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > MAX_TRUSTED_PROXIES:
        raise StartupError(f"TRUSTED_PROXY_COUNT must be a whole number from 0 to "
                           f"{MAX_TRUSTED_PROXIES}, not {raw!r}")
    return int(raw)


def _delivery_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The outbox worker (huey) and the core's SMS and email senders."""
    sms_url = env.get("SMS_GATEWAY_URL", "").strip() or None
    if sms_url and not sms_url.startswith(("https://", "http://")):
        raise StartupError("SMS_GATEWAY_URL must start with https:// or http://")
    smtp_host = env.get("SMTP_HOST", "").strip() or None
    smtp_from = env.get("SMTP_FROM", "").strip() or None
    if smtp_host and not smtp_from:
        raise StartupError("SMTP_FROM is required when SMTP_HOST is set")
    security = env.get("SMTP_SECURITY", "starttls").strip().lower()
    if security not in SMTP_SECURITY_MODES:
        raise StartupError(f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY_MODES)}")
    smtp_port = _number(env, "SMTP_PORT", 465 if security == "ssl" else 587)
    if smtp_port > 65535:
        raise StartupError("SMTP_PORT must be at most 65535")
    return {
        "HUEY_NAME": env.get("HUEY_NAME", "sila").strip() or "sila",
        # None: <INSTANCE_PATH>/huey.db, resolved by the worker (tests move INSTANCE_PATH).
        "HUEY_PATH": env.get("HUEY_PATH", "").strip() or None,
        "OUTBOX_MAX_ATTEMPTS": _number(env, "OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_RETRY_BASE_SECONDS": _number(env, "OUTBOX_RETRY_BASE_SECONDS", 60.0, float),
        "OUTBOX_RETRY_MAX_SECONDS": _number(env, "OUTBOX_RETRY_MAX_SECONDS", 3600.0, float),
        # A claim older than this means the worker died mid-send: retried, same key.
        "OUTBOX_SENDING_TIMEOUT_SECONDS": _number(env, "OUTBOX_SENDING_TIMEOUT_SECONDS",
                                                  300.0, float),
        "SMS_GATEWAY_URL": sms_url,
        "SMS_API_KEY": env.get("SMS_API_KEY") or None,
        "SMS_SENDER": env.get("SMS_SENDER", "").strip() or None,
        "SMS_TIMEOUT_SECONDS": _number(env, "SMS_TIMEOUT_SECONDS", 15.0, float),
        "SMTP_HOST": smtp_host,
        "SMTP_PORT": smtp_port,
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_FROM": smtp_from,
        "SMTP_SECURITY": security,
        "SMTP_TIMEOUT_SECONDS": _number(env, "SMTP_TIMEOUT_SECONDS", 30.0, float),
    }


def load_config(env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
                ) -> dict[str, Any]:
    """Build the Flask config from the environment, then apply explicit overrides (tests)."""
    env = os.environ if env is None else env
    overrides = dict(overrides or {})
    testing = bool(overrides.get("TESTING")) or _flag(env, "HELPDESK_TESTING")
    debug = _flag(env, "FLASK_DEBUG")
    instance = Path(env.get("HELPDESK_INSTANCE_PATH", PROJECT_ROOT / "instance"))

    secret = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret:
        if not (debug or testing):
            raise StartupError(
                "SECRET_KEY is not set; production refuses to start without one "
                "(set FLASK_DEBUG=1 for a development key)"
            )
        secret = "dev-only-secret-key-not-for-production"

    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or env.get("DATABASE_URL") \
        or f"sqlite:///{instance / 'sila.db'}"
    database_url = normalise_database_url(database_url)

    locale = env.get("HELPDESK_DEFAULT_LOCALE", "ar")
    if locale not in SUPPORTED_LOCALES:
        raise StartupError(f"HELPDESK_DEFAULT_LOCALE must be one of {SUPPORTED_LOCALES}")

    plugins_env = env.get("HELPDESK_PLUGINS", "").strip()
    enabled = [name.strip() for name in plugins_env.split(",") if name.strip()] or None

    redis_url = env.get("REDIS_URL") or None
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise StartupError("REDIS_URL must start with redis://, rediss:// or unix://")

    config: dict[str, Any] = {
        "SECRET_KEY": secret,
        "TESTING": testing,
        "DEBUG": debug,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_DIR": env.get("HELPDESK_UPLOAD_DIR", str(instance / "uploads")),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "HELPDESK_PLUGINS": enabled,
        "BABEL_DEFAULT_LOCALE": locale,
        "BABEL_DEFAULT_TIMEZONE": "Asia/Riyadh",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not (debug or testing),
        # A form's token lasts a working day (Flask-WTF's default is an hour): a long
        # application kept open without JavaScript (so without autosave) must still post.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not (debug or testing),
        "TRUSTED_PROXY_COUNT": _trusted_proxy_count(env),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down must not turn every limited page into a 500: the limits are counted
        # in this process's memory until it answers again (checked with backoff), and an
        # error the fallback cannot absorb lets the request through rather than fail it.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # A dead host must not hold a request for the OS's connect timeout.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}
        if redis_url else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute",
        # Per API token (per address without one); e.g. "600 per minute".
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "").strip() or "600 per minute",
        # The public address links sent by the worker are built on (a survey's reminder),
        # where no request tells the host.
        "PORTAL_BASE_URL": _base_url(env, "PORTAL_BASE_URL"),
        "NOTIFICATIONS_POLL_SECONDS": _number(env, "NOTIFICATIONS_POLL_SECONDS", 20, float),
        "MISSING_ITEMS_REMINDER_WORKING_DAYS": _number(
            env, "MISSING_ITEMS_REMINDER_WORKING_DAYS", 3),
        "REPORTS_ROLLUP_MIN_TICKETS": _number(env, "REPORTS_ROLLUP_MIN_TICKETS", 20000),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "PASSWORD_HASHER": {},  # argon2 defaults; tests pass light parameters
        "HELPDESK_ENV": {k: v for k, v in env.items() if k.startswith("HELPDESK_")},
        **_delivery_settings(env),
        # Outgoing messages recorded in the development inbox instead of being sent: on for
        # `make run` and the demo (FLASK_DEBUG), off in production and tests unless asked.
        "DEV_INBOX": _flag(env, "DEV_INBOX") if env.get("DEV_INBOX", "").strip()
        else debug and not testing,
    }
    config.update(overrides)
    return config


def plugin_env_settings(env_settings: Mapping[str, str], plugin_keys: list[str]
                        ) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Split HELPDESK_<PLUGIN>_<SETTING> variables by plugin; return them and unknown names."""
    by_plugin: dict[str, dict[str, str]] = {}
    unknown: list[str] = []
    # Longest keys first so that HELPDESK_HELP_REQUESTS_X is not read as plugin "help".
    keys = sorted(plugin_keys, key=len, reverse=True)
    for name, value in env_settings.items():
        if name in CORE_ENV_SETTINGS:
            continue
        rest = name[len("HELPDESK_"):]
        for key in keys:
            prefix = key.upper() + "_"
            if rest.startswith(prefix) and len(rest) > len(prefix):
                by_plugin.setdefault(key, {})[rest[len(prefix):].lower()] = value
                break
        else:
            unknown.append(name)
    return by_plugin, unknown
