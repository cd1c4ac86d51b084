"""The OpenAPI 3.1 document, generated from the operations' declarations, and its page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template

from helpdesk.api import schemas
from helpdesk.api import views as _views  # noqa: F401  (registers every operation)
from helpdesk.api.operations import OPERATIONS, Link, Operation, Parameter
from helpdesk.api.schema import Array, components
from helpdesk.api.services import SCOPES

bp = Blueprint("api_docs", __name__, url_prefix="/api")

API_VERSION = "1.0.0"
WEBHOOKS_NOTE = (
    "Webhooks (configured by an administrator): each event is POSTed as JSON "
    "`{id, type, occurred_at, ticket: {number, status, version, kind, channel, ...}, data}` "
    "with the headers `X-Sila-Event`, `X-Sila-Delivery` (stable across retries: dedupe on it), "
    "`X-Sila-Timestamp` and `X-Sila-Signature: sha256=<hex HMAC-SHA256 of "
    "\"<timestamp>.<body>\" under the subscription's secret>`. Types: ticket.created, "
    "ticket.status_changed, ticket.message_added, ticket.decided, ticket.closed, "
    "ticket.rated, ping. Answer 2xx; anything else is retried with exponential backoff, and "
    "later events to the same address wait for the earlier one.")


def _parameter(parameter: Parameter) -> dict[str, Any]:
    schema = parameter.schema
    document: dict[str, Any] = {"name": parameter.name, "in": parameter.location,
                                "required": parameter.required or parameter.location == "path",
                                "schema": schema.document()}
    if parameter.many and isinstance(schema, Array):
        document.update(style="form", explode=True)
    if parameter.description:
        document["description"] = parameter.description
    return document


def _link(link: Link) -> dict[str, Any]:
    document: dict[str, Any] = {"operationId": link.operation_id,
                                "description": link.description}
    if link.parameters:
        document["parameters"] = dict(link.parameters)
    if link.request_body is not None:
        document["requestBody"] = dict(link.request_body)
    return document


def _response(op: Operation, status: int, description: str, schema: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"description": description}
    if schema is not None:
        document["content"] = {"application/json": {"schema": schema.document()}}
    if op.links.get(status):
        document["links"] = {link.name: _link(link) for link in op.links[status]}
    return document


def _operation(op: Operation) -> dict[str, Any]:
    unanswered = set(op.links) - set(op.responses)
    if unanswered:
        raise ValueError(f"{op.endpoint}: links on undeclared answers {sorted(unanswered)}")
    document: dict[str, Any] = {
        "operationId": op.endpoint.split(".")[-1],
        "summary": op.summary,
        "tags": [op.path.split("/")[3]],
        "parameters": [_parameter(p) for p in (*op.parameters, *op.headers)],
        "responses": {
            str(status): _response(op, status, description, schema)
            for status, (description, schema) in sorted(op.responses.items())
        },
    }
    if op.scope is not None:
        document["security"] = [{"bearer": [op.scope]}]
    if op.request is not None:
        document["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{op.request.name}"}}}}
    return document


def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sila API", "version": API_VERSION,
                 "description": "Create and follow tickets. Authenticate with "
                                "`Authorization: Bearer <token>`; scopes: "
                                + ", ".join(SCOPES) + ".\n\n" + WEBHOOKS_NOTE},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components(schemas.COMPONENTS),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "An API token."}},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())


@bp.get("/docs")
def docs():
    document = openapi_document()
    return render_template("api/docs.html", document=document, operations=OPERATIONS,
                           components=document["components"]["schemas"])
