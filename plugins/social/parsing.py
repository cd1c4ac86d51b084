"""Pure: WhatsApp Cloud API webhook payloads → InboundMessage values (no Flask, no I/O).

Meta batches notifications (entries × changes × messages) and sends delivery receipts
(``statuses``) through the same webhook; receipts carry no message and yield nothing.
A payload that is not a WhatsApp Business notification, or a message without its id or
sender, raises ValueError so that the core records the delivery instead of dropping it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from helpdesk.plugin_api import InboundMessage

WHATSAPP_OBJECT = "whatsapp_business_account"
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
# Not something a person asked: a reaction to one of our replies, or WhatsApp's own notices
# (a changed number). They are acknowledged and left out rather than opening tickets.
SKIPPED_TYPES = frozenset({"reaction", "system"})
MAX_EXTERNAL_ID = 255


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} is not a JSON object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{where} is not a JSON array")
    return value


def load_payload(body: bytes) -> Mapping[str, Any]:
    """The decoded notification; ValueError when it is not one."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None
    payload = _object(payload, "the payload")
    if payload.get("object") != WHATSAPP_OBJECT:
        raise ValueError(f"the payload's object is {payload.get('object')!r}, "
                         f"not {WHATSAPP_OBJECT!r}")
    return payload


def _changes(payload: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for i, entry in enumerate(_list(payload.get("entry"), "entry")):
        entry = _object(entry, f"entry[{i}]")
        for j, change in enumerate(_list(entry.get("changes"), f"entry[{i}].changes")):
            change = _object(change, f"entry[{i}].changes[{j}]")
            if change.get("field") == "messages":
                yield _object(change.get("value"), f"entry[{i}].changes[{j}].value")


def _profile_names(value: Mapping[str, Any]) -> dict[str, str]:
    names = {}
    for contact in _list(value.get("contacts"), "contacts"):
        if isinstance(contact, Mapping):
            profile = contact.get("profile")
            name = profile.get("name") if isinstance(profile, Mapping) else None
            if contact.get("wa_id") and isinstance(name, str) and name.strip():
                names[str(contact["wa_id"])] = name.strip()
    return names


def _received_at(raw: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _content(message: Mapping[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    """The message's words (what staff read) and its details (kept in the event's data)."""
    part = message.get(kind)
    part = part if isinstance(part, Mapping) else {}
    if kind == "text":
        return _text(part.get("body")), {}
    if kind in MEDIA_TYPES:
        media = {key: part[key] for key in ("id", "mime_type", "sha256", "filename")
                 if isinstance(part.get(key), str)}
        return _text(part.get("caption")), {"media": media}
    if kind == "location":
        location = {key: part.get(key) for key in ("latitude", "longitude", "name", "address")
                    if part.get(key) is not None}
        lines = [_text(part.get("name")), _text(part.get("address"))]
        if "latitude" in location and "longitude" in location:
            lines.append(f"{location['latitude']}, {location['longitude']}")
        return "\n".join(line for line in lines if line), {"location": location}
    if kind == "interactive":
        reply = part.get(part.get("type")) if isinstance(part.get("type"), str) else None
        reply = reply if isinstance(reply, Mapping) else {}
        words = [_text(reply.get("title")), _text(reply.get("description"))]
        return "\n".join(w for w in words if w), {"reply_id": reply.get("id")}
    if kind == "button":
        return _text(part.get("text")), {"payload": part.get("payload")}
    if kind == "contacts":
        cards = []
        for card in _list(message.get("contacts"), "shared contacts"):
            if not isinstance(card, Mapping):
                continue
            name = card.get("name")
            name = _text(name.get("formatted_name")) if isinstance(name, Mapping) else ""
            phones = [_text(p.get("phone")) for p in _list(card.get("phones"), "phones")
                      if isinstance(p, Mapping) and _text(p.get("phone"))]
            cards.append(" ".join([name, *phones]).strip())
        return "\n".join(c for c in cards if c), {}
    # "unsupported" and types added later: kept with their error so staff see that
    # someone wrote, even if the text cannot be shown here.
    return "", {"errors": message.get("errors") or []}


def parse_whatsapp(body: bytes) -> list[InboundMessage]:
    """Every message a person sent in this notification, in the order Meta listed them."""
    messages: list[InboundMessage] = []
    for value in _changes(load_payload(body)):
        metadata = value.get("metadata")
        phone_number_id = metadata.get("phone_number_id") \
            if isinstance(metadata, Mapping) else None
        names = _profile_names(value)
        for k, raw in enumerate(_list(value.get("messages"), "messages")):
            message = _object(raw, f"messages[{k}]")
            external_id, sender = message.get("id"), message.get("from")
            if not isinstance(external_id, str) or not external_id.strip() \
                    or len(external_id) > MAX_EXTERNAL_ID:
                raise ValueError(f"messages[{k}] has no usable id")
            if not isinstance(sender, str) or not sender.isdigit():
                raise ValueError(f"messages[{k}] has no sender number")
            kind = message.get("type") if isinstance(message.get("type"), str) else "unknown"
            if kind in SKIPPED_TYPES:
                continue
            words, details = _content(message, kind)
            data: dict[str, Any] = {"platform": "whatsapp", "wa_id": sender, "type": kind,
                                    **details}
            if phone_number_id:
                data["phone_number_id"] = str(phone_number_id)
            context = message.get("context")
            if isinstance(context, Mapping) and context.get("id"):
                data["in_reply_to"] = str(context["id"])
            messages.append(InboundMessage(
                external_id=external_id.strip(),
                body=words,
                sender_name=names.get(sender),
                sender_phone=f"+{sender}",
                received_at=_received_at(message.get("timestamp")),
                data=data,
            ))
    return messages
