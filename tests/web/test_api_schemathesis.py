"""Schemathesis against the live app's OpenAPI document: every operation, generated valid
and invalid requests, no server error and no answer outside the document; then sequences
of calls that follow the document's links (open a ticket, read it, answer it, act on it).

Schemathesis's pytest plugin does not run under pytest 9 here, so the test walks the
operations itself and drives each one's Hypothesis strategy.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from helpdesk.api.services import SCOPES, create_token

MAX_EXAMPLES = 25


def test_every_api_operation_answers_as_its_document_says(app, make_user, make_ticket):
    make_ticket(kind="complaint")  # something for the list and the actions to find
    _token, secret = create_token(make_user("manager"), "schemathesis", SCOPES)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)

    @schema.auth()
    class Token:
        """Schemathesis sends the token itself, and leaves it out when it tests that the
        API refuses a request without one."""

        def get(self, case, context):
            return secret

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def check(case):
                # A schema-valid body may still name an unknown channel or a closed
                # action: that 422 is the API's rule, not a schema violation.
                case.call_and_validate(excluded_checks=[positive_data_acceptance])

            check()


# ---------------------------------------------------------------------------------------
# Stateful: sequences of calls along the document's links (a new ticket read, answered and
# acted on with the version each answer gave)

STATEFUL_SCENARIOS = 15
STATEFUL_STEPS = 6


def test_the_openapi_document_is_valid_openapi_3_1_and_its_links_fit_their_targets(client):
    document = client.get("/api/openapi.json").get_json()
    schemathesis.openapi.from_dict(document).validate()  # the OpenAPI 3.1 meta-schema
    by_id = {operation["operationId"]: operation for methods in document["paths"].values()
             for operation in methods.values()}
    components = document["components"]["schemas"]
    links = [link for operation in by_id.values()
             for response in operation["responses"].values()
             for link in response.get("links", {}).values()]
    assert len(links) == 15
    for link in links:
        target = by_id[link["operationId"]]
        declared = {f"{p['in']}.{p['name']}" for p in target["parameters"]}
        assert set(link.get("parameters", {})) <= declared, link
        if "requestBody" in link:
            body = target["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            properties = components[body.rsplit("/", 1)[-1]]["properties"]
            assert set(link["requestBody"]) <= set(properties), link
    create = document["paths"]["/api/v1/tickets"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in create.values()} == \
        {"get_ticket", "add_message", "take_action"}
    read = document["paths"]["/api/v1/tickets/{number}"]["get"]["responses"]["200"]["links"]
    assert read["TakeAction"] == {
        "operationId": "take_action", "description": "Take an action on the version seen.",
        "parameters": {"path.number": "$response.body#/number"},
        "requestBody": {"version": "$response.body#/version"}}


def test_sequences_of_api_calls_along_the_documents_links_answer_as_documented(
        app, make_user, make_ticket):
    make_ticket(kind="complaint")  # something for the list's link to open
    _token, secret = create_token(make_user("manager"), "schemathesis-stateful", SCOPES)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # Valid requests only, so that a scenario gets past the first call: the stateless test
    # above already sends every operation invalid ones.
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])

    @schema.auth()
    class Token:
        def get(self, case, context):
            return secret

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    class Workflow(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # As above: a schema-valid action may still be closed in the ticket's state.
            case.validate_response(response, additional_checks=additional_checks,
                                   excluded_checks=[positive_data_acceptance],
                                   transport_kwargs=kwargs or None)

    Workflow.run(settings=settings(
        Workflow.TestCase.settings, max_examples=STATEFUL_SCENARIOS,
        stateful_step_count=STATEFUL_STEPS, deadline=None, database=None,
        suppress_health_check=list(HealthCheck)))
