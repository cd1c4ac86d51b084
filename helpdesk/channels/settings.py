"""The channel settings form: a channel's settings FieldSpecs, saved on its config row.

Secrets are never shown back (a blank secret keeps the saved one); values set by the
server's environment (HELPDESK_<PLUGIN>_<SETTING>) win over saved ones and are read-only;
every change is audited with the secrets' values left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from helpdesk.audit.services import SECRET_CHANGED, SECRET_SET, record_audit
from helpdesk.channels.fields import clean_fields
from helpdesk.channels.models import ChannelConfig
from helpdesk.channels.registry import registered_channels
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.plugin_api.types import Channel, FieldSpec
from helpdesk.validation import ValidationError

MAX_SETTING_LENGTH = 2000
CLEAR_SUFFIX = "__clear"  # the checkbox that removes a saved secret


@dataclass(frozen=True)
class SettingField:
    spec: FieldSpec
    from_env: bool     # set by the server: shown read-only, never saved from the form
    has_value: bool    # a value is saved (or set by the server)
    value: str         # what the form shows; always "" for a secret

    @property
    def is_secret(self) -> bool:
        return self.spec.type == "secret"


def _channel(key: str) -> Channel:
    channel = registered_channels().get(key)
    if channel is None:
        raise KeyError(key)
    return channel


def _env_settings(key: str) -> dict[str, str]:
    return dict(current_app.config["HELPDESK_CHANNEL_ENV_SETTINGS"].get(key, {}))


def _saved(key: str) -> dict[str, Any]:
    config = db.session.get(ChannelConfig, key)
    return dict(config.settings or {}) if config else {}


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def setting_fields(key: str) -> tuple[Channel, list[SettingField]]:
    """The channel and its settings as the form shows them. KeyError: no such channel."""
    channel = _channel(key)
    saved, env = _saved(key), _env_settings(key)
    fields = []
    for spec in channel.settings_fields():
        from_env = spec.name in env
        value = env[spec.name] if from_env else saved.get(spec.name)
        has_value = value not in (None, "", [])
        shown = "" if spec.type == "secret" else _shown(value)
        fields.append(SettingField(spec, from_env, has_value, shown))
    return channel, fields


def form_values(fields: list[SettingField]) -> dict[str, Any]:
    return {f.spec.name: f.value for f in fields if not f.is_secret}


def _check_url(value: Any) -> bool:
    parts = urlsplit(str(value))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _clean(fields: list[SettingField], form: Mapping[str, Any]
           ) -> tuple[dict[str, Any], set[str], dict[str, str]]:
    """(values to save, secrets to remove, errors) from the posted form."""
    checked: list[FieldSpec] = []
    removed: set[str] = set()
    errors: dict[str, str] = {}
    for field in fields:
        spec = field.spec
        if field.from_env:
            continue
        raw = str(form.get(spec.name) or "").strip()
        if field.is_secret and field.has_value and not raw:
            if form.get(spec.name + CLEAR_SUFFIX) and not spec.required:
                removed.add(spec.name)
            continue  # blank: the saved secret stays
        if len(raw) > MAX_SETTING_LENGTH and not spec.max_length:
            errors[spec.name] = _("Use at most %(n)d characters.", n=MAX_SETTING_LENGTH)
            continue
        checked.append(spec)
    cleaned, field_errors = clean_fields(checked, form)
    errors.update(field_errors)
    for name, value in cleaned.items():
        if name.endswith("_url") and not _check_url(value):
            errors[name] = _("Enter a full address starting with https://.")
    # An optional field left empty clears the saved value (secrets: only with the checkbox).
    for spec in checked:
        if spec.name not in cleaned and spec.name not in errors and spec.type != "secret":
            cleaned[spec.name] = None
    return cleaned, removed, errors


def _audit_value(spec: FieldSpec, value: Any, *, after: bool) -> Any:
    if spec.type != "secret":
        return value
    if value in (None, ""):
        return None
    return SECRET_CHANGED if after else SECRET_SET


def save_channel_settings(key: str, form: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    """Validate and save the posted settings; returns the changed names' new values as
    audited (secrets masked). ValidationError: messages by field; KeyError: no channel."""
    channel, fields = setting_fields(key)
    cleaned, removed, errors = _clean(fields, form)
    if errors:
        raise ValidationError(errors)
    config = db.session.get(ChannelConfig, key)
    if config is None:
        config = ChannelConfig(channel_key=key, active=True, settings={})
        db.session.add(config)
    saved = dict(config.settings or {})
    specs = {spec.name: spec for spec in channel.settings_fields()}
    updated = dict(saved)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in cleaned.items():
        if value is None:
            if name in updated:
                before[name] = _audit_value(specs[name], updated.pop(name), after=False)
                after[name] = None
        elif updated.get(name) != value:
            before[name] = _audit_value(specs[name], updated.get(name), after=False)
            after[name] = _audit_value(specs[name], value, after=True)
            updated[name] = value
    for name in removed:
        if name in updated:
            before[name] = _audit_value(specs[name], updated.pop(name), after=False)
            after[name] = None
    if not after:
        db.session.rollback()
        return {}
    config.settings = updated  # a new dict, so that the JSON column sees the change
    config.updated_at = utcnow()
    record_audit(actor, "channel.settings", "channel", key, before=before, after=after)
    db.session.commit()
    return after
