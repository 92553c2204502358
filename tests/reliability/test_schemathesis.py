"""Property-based API testing from our own OpenAPI schema, with every check schemathesis has.

`schemathesis.toml` (the repository's root) configures the runs: each operation gets the credential
its `security` names (an API key, or an embed session, both with every scope), every generated
request a fresh `Idempotency-Key` (tests/reliability/schemathesis_hooks.py), and no NUL in strings.

1. `schemathesis run --checks all` (the CLI, as docs/api.md runs it) against a live server: the
   examples, coverage, fuzzing and stateful phases, with schema-valid (positive) and schema-invalid
   (negative) data. Among its checks: a valid request must not be refused (ST202, positive data
   acceptance) and an invalid one must be (ST201, negative data rejection), a missing required
   header is a 4xx, an undocumented method a 405 with `Allow`, a credential is enforced
   (`ignored_auth`), a created resource is readable and a deleted one gone (`ensure_resource_availability`,
   `use_after_free`), and every response is documented (status, content type, headers, body).
2. A stateful run in-process (`schema.as_state_machine()`): chains of requests that follow the
   schema's `links` (orderly/api/schema_links.py: create → get/update/delete, list → item), with
   every check, both credentials.
3. A valid request per id route on an object the caller owns (the isolation matrix's table), and per
   create and public route, so the success answers of detail, create, update and action routes are
   checked too, not only their 400s and 404s.

The schema is checked as a closed world: the tests add `additionalProperties: false` to every
object a success response documents, so a field the API sends but the schema does not name fails
here. (The published schema closes only the envelopes: resources stay open to fields added later.)

Bounded: ORDERLY_SCHEMATHESIS_EXAMPLES (default 5) generated examples per operation and phase,
ORDERLY_SCHEMATHESIS_STEPS (default 40) steps of the stateful run, ORDERLY_SCHEMATHESIS_PHASES (default
all four) the CLI's phases. The file takes 3–5 minutes on a loaded 2-core machine, most of it the
coverage phase; without it (`examples,fuzzing,stateful`), under a minute.
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup

from orderly.wsgi import application
from tests.factories import OrderFactory, ShipmentFactory
from tests.reliability import schemathesis_hooks  # noqa: F401 - registers the hooks for the in-process runs
from tests.reliability import test_isolation_matrix as matrix
from tracking.services import tracking_page_create

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore")]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("ORDERLY_SCHEMATHESIS_EXAMPLES", "5"))
STEPS = int(os.environ.get("ORDERLY_SCHEMATHESIS_STEPS", "40"))
# The coverage phase is most of the CLI run's time (2–4 minutes on a loaded 2-core machine): every
# boundary and every invalid variant of every parameter. A hurried run can leave it out.
PHASES = os.environ.get("ORDERLY_SCHEMATHESIS_PHASES", "examples,coverage,fuzzing,stateful")
PATH_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")  # in a Django route
load_all_checks()
# Every check there is: `--checks all` (max_response_time needs a limit to check against: none here).
CHECKS = [check for check in REGISTERED_CHECKS.get_all() if check.__name__ != "max_response_time"]


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


def _served_document() -> dict:
    return Client().get("/api/v1/schema", {"format": "json"}).json()


def _credentials(tenant) -> dict[str, str]:
    """An organization with data of every kind (so lists are not empty), and a credential per
    security scheme, with every scope."""
    owner = tenant.end_user()
    for make in dict.fromkeys(entry.make for entry in matrix.MATRIX):
        make(tenant, owner)
    return {"ApiKey": tenant.api_key(), "EmbedSession": tenant.session(owner)}


def _in_process_config() -> SchemathesisConfig:
    """schemathesis.toml without its credentials (the in-process runs send each operation's own)
    and its hooks (imported above)."""
    data = tomllib.loads((ROOT / "schemathesis.toml").read_text())
    data.pop("auth")
    data.pop("hooks")
    return SchemathesisConfig.from_dict(data)


@pytest.fixture
def api_schema():
    """The served schema, closed (above), for schemathesis to call the WSGI app with."""
    schema = schemathesis.openapi.from_dict(_closed(_served_document()), config=_in_process_config())
    schema.app = application
    # Called as a bare WSGI app, Django would close the test's DB connection between requests (as
    # its own test client prevents, and reconnects after each of its requests: hence only now).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _validate(case, response, failures: list[str], headers: dict | None = None, **validate) -> None:
    try:
        # The credential sent is the caller's own (explicit): `ignored_auth` probes without it.
        case.validate_response(response, checks=CHECKS, headers=headers, **validate)
    except (Failure, FailureGroup) as exc:  # collected, so one run reports every broken operation
        for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
            found = f"{case.operation.label} [{response.status_code}] {failure.title}: {failure.message}"
            if not any(known.startswith(found) for known in failures):
                failures.append(f"{found}\n{response.text[:500]}\nbody: {str(case.body)[:300]}")


@pytest.mark.django_db(transaction=True)  # the live server's threads read what the test wrote
def test_schemathesis_run_with_every_check_finds_nothing(tenant, live_server, tmp_path):
    # given an organization with data of every kind, a credential per scheme, and the closed schema
    credentials = _credentials(tenant)
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(_closed(_served_document())))

    # when the CLI runs every phase with every check, positive and negative data, as docs/api.md does
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(schema_file),
        f"--url={live_server.url}",
        "--checks=all",
        f"--max-examples={EXAMPLES}",
        f"--phases={PHASES}",
        "--seed=1",
        "--workers=2",
        "--no-color",
    ]
    env = {
        **os.environ,
        "ORDERLY_API_KEY": credentials["ApiKey"],
        "ORDERLY_SESSION_TOKEN": credentials["EmbedSession"],
    }
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)

    # then it finds nothing: no failure, no error, every operation tested
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    assert run.returncode == 0, run.stdout[-30000:] + run.stderr[-3000:]
    assert "Tested: 8" in summary or "Tested: 9" in summary, summary  # all of the 80-odd operations


class _Credentials:
    """Each operation's credential, by the scheme its `security` names (none for a public one)."""

    def __init__(self, tokens: dict[str, str]):
        self.tokens = tokens

    def headers(self, operation) -> dict:
        for requirement in operation.definition.raw.get("security", []):
            for scheme in requirement:
                return {"Authorization": f"Bearer {self.tokens[scheme]}"}
        return {}


def test_stateful_runs_follow_the_links_and_find_nothing(tenant, api_schema):
    # given an organization with data of every kind, and a credential per scheme
    credentials = _Credentials(_credentials(tenant))
    failures, steps = [], []
    links = [
        name
        for path in api_schema.raw_schema["paths"].values()
        for operation in path.values()
        for response in operation["responses"].values()
        for name in response.get("links", {})
    ]
    assert len(links) >= 60  # create → item and list → item, for every resource

    class Orderly(api_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": credentials.headers(case.operation)}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            steps.append((case.operation.label, response.status_code))
            _validate(
                case,
                response,
                failures,
                headers=kwargs.get("headers"),
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    # when chains of requests follow the links: create → read, update, act, delete; list → item
    Orderly.run(
        settings=settings(
            max_examples=max(1, STEPS // 8),
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )

    # then every check passed on every step, and the chains reached items through the links: an
    # operation on `…/{pk}` answered a success, which only an id taken from an answer gets
    assert failures == [], "\n\n".join(failures)
    reached = {label for label, status in steps if "{" in label and 200 <= status < 300}
    assert len(reached) >= 3, steps


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
            _validate(case, response, failures, headers={"Authorization": f"Bearer {token}"})

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
        _validate(case, response, failures, headers=auth or None)

    assert failures == [], "\n\n".join(failures)
    assert [(label, status) for label, status in statuses if not 200 <= status < 300] == []
