"""Property-based API testing from our own OpenAPI schema: no 500, and every response is documented.

Schemathesis sends requests through the WSGI app with an API key (all scopes) and with an embed
session (all scopes). Each response must not be a server error, must have a documented status code
and content type, and its headers and body must match the schema — the envelope, pagination and
error bodies included (orderly/api/schema.py documents them).

The schema is checked as a closed world: the test adds `additionalProperties: false` to every
object a success response documents, so a field the API sends but the schema does not name fails
here. (The published schema closes only the envelopes: resources stay open to fields added later.)

Three passes: generated requests for every operation, against an organization that has data of
every kind (so lists are not empty); then a valid request per id route on an object the caller owns
(the isolation matrix's table), and a valid request per create and public route, so the success
answers of detail, create, update and action routes are checked too, not only their 400s and 404s.
Generated examples per operation are bounded (ORDERLY_SCHEMATHESIS_EXAMPLES, default 10).
"""

import os
import re
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orderly.wsgi import application
from tests.factories import OrderFactory, ShipmentFactory
from tests.reliability import test_isolation_matrix as matrix
from tracking.services import tracking_page_create

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore")]

EXAMPLES = int(os.environ.get("ORDERLY_SCHEMATHESIS_EXAMPLES", "10"))
PATH_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")  # in a Django route
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _offline(settings):
    # Bridge tests and webhook tests reach a port nothing listens on: they fail fast, offline.
    settings.ORDERLY_BRIDGE_SERVICE_URL = "http://127.0.0.1:9/{type}"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _closed(document: dict) -> dict:
    """The schema with every object a success response documents closed to undocumented keys."""
    schemas = document["components"]["schemas"]
    seen = set()

    def close(node):
        if isinstance(node, list):
            for item in node:
                close(item)
        elif isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in seen:
                    seen.add(name)
                    close(schemas[name])
                return
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)

    for path in document["paths"].values():
        for operation in path.values():
            for code, response in operation["responses"].items():
                if code.startswith("2"):
                    close(response.get("content", {}))
    return document


@pytest.fixture
def api_schema():
    """The served schema, closed (above), for schemathesis to call the WSGI app with."""
    document = Client().get("/api/v1/schema", {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(_closed(document))
    schema.app = application
    # Called as a bare WSGI app, Django would close the test's DB connection between requests (as
    # its own test client prevents, and reconnects after each of its requests: hence only now).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _validate(case, response, failures: list[str]) -> None:
    try:
        case.validate_response(response, checks=CHECKS)
    except (Failure, FailureGroup) as exc:  # collected, so one run reports every broken operation
        for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
            found = f"{case.operation.label} [{response.status_code}] {failure.title}: {failure.message}"
            if found not in failures:
                failures.append(found)


def _exercise(operation, tokens, failures):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case):
        for token in tokens:
            _validate(case, case.call(headers={"Authorization": f"Bearer {token}"}), failures)

    run()


def test_generated_requests_get_documented_responses(tenant, api_schema):
    # given an organization with data of every kind, and credentials for both kinds of caller
    owner = tenant.end_user()
    for make in dict.fromkeys(entry.make for entry in matrix.MATRIX):
        make(tenant, owner)
    tokens = [tenant.api_key(), tenant.session(owner)]
    failures = []

    # when every operation is fed generated requests
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        _exercise(operation, tokens, failures)

    # then none answered with a server error or anything the schema does not document
    assert len(operations) >= 20
    assert failures == [], "\n\n".join(failures)


def test_requests_on_owned_objects_get_documented_responses(tenant, api_schema):
    failures, statuses = [], []
    for entry in matrix.MATRIX:
        for method in entry.methods:
            # given an object owned by a fresh end user of the organization, and its owner's credential
            owner = tenant.end_user()
            made = entry.make(tenant, owner)
            token = tenant.api_key() if matrix.API_KEY in entry.kinds else tenant.session(owner)
            operation = api_schema[PATH_PARAMETER.sub(r"{\1}", entry.route)][method]
            names = PATH_PARAMETER.findall(entry.route)
            body = entry.body(method, made)
            case = operation.Case(
                path_parameters={name: str(made[name]) for name in names},
                **({"body": body, "media_type": "application/json"} if body is not None else {}),
            )

            # when the owner sends a valid request
            response = case.call(headers={"Authorization": f"Bearer {token}"})

            # then the answer is a success, and the schema documents it
            statuses.append((operation.label, response.status_code))
            _validate(case, response, failures)

    assert failures == [], "\n\n".join(failures)
    assert [(label, status) for label, status in statuses if not 200 <= status < 300] == []


@dataclass
class Valid:
    """A valid request: credential kind (None: public) and the parts schemathesis's `Case` takes."""

    method: str
    path: str
    kind: str | None
    parts: dict = field(default_factory=dict)


def _valid_requests(tenant, owner) -> list[Valid]:
    """One per route without an id in its path, and per public route: a generated request rarely
    gets through their validation or guesses their token, so their success is checked here."""
    order = OrderFactory(end_user=owner)
    shipment = ShipmentFactory(order=order)
    tracked = ShipmentFactory(order__end_user=owner)
    page, _created = tracking_page_create(end_user=owner, shipment_id=tracked.pk)
    address = {"address1": "1 Main St", "city": "Berlin", "zip": "10115", "country": "DE"}
    webhook = {"url": matrix.RECEIVER, "events": ["order.created"], "description": "Ops"}
    origin = "https://shop.example.com"
    key, session = matrix.API_KEY, matrix.SESSION
    order_body = {
        "externalUserId": owner.external_id,
        "orderNumber": "SC-1001",
        "externalId": "sc-1001",
        "customer": {"name": "Ada", "email": "ada@example.com", "phone": None},
        "lineItems": [{"title": "Widget", "sku": "W-1", "quantity": 2, "price": 9.5}],
        "totals": {"subtotal": 19, "total": 19},
        "tags": ["vip"],
        "shippingAddress": address,
    }
    shipment_body = {
        "orderId": str(order.pk),
        "trackingNumber": "1Z999AA10123456784",
        "carrier": "UPS",
        "weight": {"value": 1.5, "unit": "kg"},
        "dimensions": {"length": 10, "width": 20, "height": 5, "unit": "cm"},
        "shipFrom": address,
        "shipTo": address,
    }
    operation_body = {
        "type": "update_order_status",
        "order_id": str(order.pk),
        "input": {"status": "processing"},
    }
    bridge_body = {
        "type": "shipstation",
        "name": "Main",
        "config": {"apiKey": "k-123456", "apiSecret": "s-123456"},
    }
    action_request_body = {"orderId": str(order.pk), "actionType": "note", "title": "Leave at the back door"}
    rule_body = {"name": "Exceptions", "eventType": "shipment.exception", "condition": {"carrier": "ups"}}
    auto_session_body = {"key": tenant.config.publishable_key, "externalId": "sc-auto"}
    return [
        Valid("POST", "/api/v1/orders", key, {"body": order_body}),
        Valid("POST", "/api/v1/shipments", key, {"body": shipment_body}),
        Valid("POST", "/api/v1/operations", key, {"body": operation_body}),
        Valid("POST", "/api/v1/webhooks", key, {"body": webhook}),
        Valid("POST", "/api/v1/embed/sessions", key, {"body": {"externalId": "sc-user", "name": "Ada"}}),
        Valid("PATCH", "/api/v1/embed/config", key, {"body": {"allowed_origins": [origin]}}),
        Valid("POST", "/api/v1/embed/webhooks", session, {"body": webhook}),
        Valid("POST", "/api/v1/embed/bridges", session, {"body": bridge_body}),
        Valid(
            "POST",
            "/api/v1/embed/bridges/shopify/oauth/start",
            session,
            {"body": {"shopDomain": "a.myshopify.com"}},
        ),
        Valid("POST", "/api/v1/embed/action-requests", session, {"body": action_request_body}),
        Valid("POST", "/api/v1/embed/alerts/rules", session, {"body": rule_body}),
        Valid("POST", "/api/v1/embed/tracking-pages", session, {"body": {"shipmentId": str(shipment.pk)}}),
        # from the origin the config now allows
        Valid(
            "POST",
            "/api/v1/embed/sessions/auto",
            None,
            {"body": auto_session_body, "headers": {"Origin": origin}},
        ),
        Valid("GET", "/api/v1/embed/config", None, {"query": {"slug": tenant.config.slug}}),
        Valid(
            "GET",
            "/api/v1/embed/tracking-pages/view/{token}",
            None,
            {"path_parameters": {"token": page.token}},
        ),
    ]


def test_valid_requests_to_create_and_public_routes_get_documented_responses(tenant, api_schema):
    # given an end user with an order and a shipment, and credentials of every kind
    owner = tenant.end_user()
    tokens = {matrix.API_KEY: tenant.api_key(), matrix.SESSION: tenant.session(owner)}
    failures, statuses = [], []

    for valid in _valid_requests(tenant, owner):
        # when each route gets a valid request
        media_type = {"media_type": "application/json"} if "body" in valid.parts else {}
        case = api_schema[valid.path][valid.method].Case(**valid.parts, **media_type)
        auth = {"Authorization": f"Bearer {tokens[valid.kind]}"} if valid.kind else {}
        response = case.call(headers={**valid.parts.get("headers", {}), **auth})

        # then it succeeds, and the schema documents the answer
        statuses.append((case.operation.label, response.status_code))
        _validate(case, response, failures)

    assert failures == [], "\n\n".join(failures)
    assert [(label, status) for label, status in statuses if not 200 <= status < 300] == []
