"""Every example in the OpenAPI document matches its own schema, and real error bodies match the
`Error` schema, so a client generated from the document accepts what the API sends."""

import pytest

from tests.conftest import bearer
from tests.factories import OrderFactory
from tests.openapi_document import schema_errors

JSON = "application/json"


def _media(document: dict):
    """(where, media object) for every JSON request body, response and webhook in the document."""
    for section in ("paths", "webhooks"):
        for path, item in document.get(section, {}).items():
            for method, operation in item.items():
                body = operation.get("requestBody", {}).get("content", {}).get(JSON)
                if body:
                    yield f"{method.upper()} {path} request", body
                for status, response in operation.get("responses", {}).items():
                    media = response.get("content", {}).get(JSON)
                    if media:
                        yield f"{method.upper()} {path} {status}", media


def _examples(document: dict):
    for where, media in _media(document):
        if "example" in media:
            yield where, media["schema"], media["example"]
        for name, example in media.get("examples", {}).items():
            yield f"{where} ({name})", media["schema"], example["value"]


def test_every_example_matches_its_schema(openapi_document):
    # given every example the document carries (the seeds' for the main operations, the webhooks')
    examples = list(_examples(openapi_document))

    # then each validates against the schema it illustrates
    failures = {
        where: errors
        for where, schema, value in examples
        if (errors := schema_errors(openapi_document, schema, value))
    }
    assert failures == {}


def test_the_main_operations_have_request_and_response_examples(openapi_document):
    paths = openapi_document["paths"]
    main = {
        ("patch", "/api/v1/embed/config"): ("200",),
        ("post", "/api/v1/embed/sessions"): ("201",),
        ("post", "/api/v1/orders"): ("202", "400"),
        ("post", "/api/v1/shipments"): ("201",),
        ("post", "/api/v1/shipments/{pk}/checkpoints"): ("201",),
        ("post", "/api/v1/embed/action-requests"): ("201",),
        ("patch", "/api/v1/embed/action-requests/{pk}/resolve"): ("200",),
        ("post", "/api/v1/operations"): ("201",),
        ("post", "/api/v1/webhooks"): ("201",),
    }
    for (method, path), statuses in main.items():
        operation = paths[path][method]
        assert operation["requestBody"]["content"][JSON]["examples"], (method, path)
        for status in statuses:
            assert operation["responses"][status]["content"][JSON]["examples"], (method, path, status)
    assert paths["/api/v1/embed/config"]["get"]["responses"]["200"]["content"][JSON]["examples"]
    assert paths["/api/v1/operations/{pk}/execute"]["post"]["responses"]["200"]["content"][JSON]["examples"]


def test_the_example_check_catches_a_wrong_example(openapi_document):
    # given the seed's shipment with a status the API does not know and an order id that is no UUID
    shipment = openapi_document["paths"]["/api/v1/shipments"]["post"]["requestBody"]["content"][JSON]
    wrong = {**shipment["examples"]["seed"]["value"], "status": "lost", "orderId": "not-a-uuid"}
    # and the seed's order naming its end user both ways (the body is `oneOf` the two)
    order = openapi_document["paths"]["/api/v1/orders"]["post"]["requestBody"]["content"][JSON]
    both = {**order["examples"]["seed"]["value"], "endUserId": "0d9b8a0e-3c55-4e0c-b2a7-6f1d2c3b4a50"}

    # then the check names each wrong field (formats are checked) and refuses the ambiguous order
    errors = schema_errors(openapi_document, shipment["schema"], wrong)
    assert {e.split(":")[0] for e in errors} == {"status", "orderId"}, errors
    assert schema_errors(openapi_document, order["schema"], both)


@pytest.mark.django_db
def test_real_error_bodies_match_the_error_schema(client, tenant, openapi_document):
    # given a request of each kind of refusal, each with the `details` its code sends
    reader = tenant.api_key("orders:read")
    writer = tenant.api_key()
    tenant.config.enabled_features = ["bridges"]
    tenant.config.save()
    session = tenant.session(None, "actions:read")
    order = OrderFactory(end_user=tenant.end_user(), version_tag="v1", customer_email="", customer_phone="")
    too_deep = "[" * 40 + "]" * 40
    answers = [
        ("validation_error", client.post("/api/v1/orders", {"orderNumber": 7}, format="json", **bearer(writer))),
        ("validation_error", client.get("/api/v1/orders", {"page": "x"}, **bearer(reader))),
        ("invalid_json", client.post("/api/v1/orders", too_deep, content_type=JSON, **bearer(writer))),
        ("invalid_json", client.post("/api/v1/orders", "{", content_type=JSON, **bearer(writer))),
        ("insufficient_scope", client.post("/api/v1/orders", {}, format="json", **bearer(reader))),
        ("unauthenticated", client.get("/api/v1/orders")),
        ("not_found", client.get(f"/api/v1/orders/{tenant.organization.pk}", **bearer(reader))),
        ("method_not_allowed", client.put("/api/v1/orders", {}, format="json", **bearer(reader))),
        ("feature_disabled", client.get("/api/v1/embed/action-requests", **bearer(session))),
        (
            "unprocessable",
            client.post(
                f"/api/v1/orders/{order.pk}/action",
                {"action": "x", "versionTag": "v1"},
                format="json",
                **bearer(writer),
            ),
        ),
    ]
    schema = {"$ref": "#/components/schemas/Error"}

    # then each is the documented envelope, with that code's documented details
    for code, response in answers:
        body = response.json()
        assert body["error"]["code"] == code, body
        assert schema_errors(openapi_document, schema, body) == [], body
    # and a body the schema must refuse is refused: field messages that are not lists of strings
    wrong = {"error": {**answers[0][1].json()["error"], "details": {"orderNumber": "Required."}}}
    assert schema_errors(openapi_document, schema, wrong)


def _raised_codes_with_details() -> set[str]:
    """Every ErrorCode the code base raises with `details=…` (DomainError calls, `invalid_state`)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.glob("*/**/*.py"):
        if any(part in (".venv", "tests", "node_modules", "migrations") for part in path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "invalid_state" and node.keywords:
                codes.add("INVALID_STATE")
            if name in ("DomainError", "json_error") and any(k.arg == "details" for k in node.keywords):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Attribute):
                    codes.add(first.attr)
    return codes


def test_every_code_raised_with_details_documents_them():
    from orderly.api.schema import ERROR_DETAILS
    from orderly.errors import ErrorCode

    # given the codes the code base raises with details
    raised = _raised_codes_with_details()
    assert {"VALIDATION_ERROR", "INSUFFICIENT_SCOPE", "GONE"} <= raised  # the scan finds them

    # then each has its `details` shape in the schema (every other code is documented as `{}`)
    documented = {code.name for code in ERROR_DETAILS} | {ErrorCode.VALIDATION_ERROR.name}
    assert raised - documented == set()
