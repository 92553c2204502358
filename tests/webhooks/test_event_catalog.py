"""The event catalogue: each topic a webhook can receive, with a JSON Schema and an example, over the
API (key and session) and in the OpenAPI document; what the product sends matches it."""

import jsonschema
import pytest

from orderly.events.catalog import topic_get
from tests.catalog_check import catalog_violations
from tests.conftest import bearer
from webhooks.event_schemas import CATALOG_TOPICS
from webhooks.topics import SUBSCRIBABLE_TOPICS

pytestmark = pytest.mark.django_db


def _entries(client, path, token):
    response = client.get(path, **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()["data"]


@pytest.mark.parametrize(
    "path, credential",
    [
        ("/api/v1/webhooks/event-catalog", "api_key"),
        ("/api/v1/embed/webhooks/event-catalog", "session"),
        ("/api/embed/webhooks/event-catalog", "session"),
    ],
)
def test_every_topic_has_a_schema_and_an_example_that_matches_it(client, tenant, path, credential):
    token = tenant.api_key("embed:manage") if credential == "api_key" else tenant.session()

    entries = _entries(client, path, token)

    assert [e["id"] for e in entries] == list(CATALOG_TOPICS)
    assert set(SUBSCRIBABLE_TOPICS) <= {e["id"] for e in entries}
    for entry in entries:
        assert set(entry) == {"id", "description", "schema", "example"}
        assert entry["description"]
        jsonschema.Draft202012Validator.check_schema(entry["schema"])
        validator = jsonschema.Draft202012Validator(
            entry["schema"], format_checker=jsonschema.FormatChecker()
        )
        validator.validate(entry["example"])
        assert entry["example"]["topic"] == entry["id"]


def test_event_types_keeps_its_plain_list(client, tenant):
    response = client.get("/api/v1/embed/webhooks/event-types", **bearer(tenant.session()))
    assert response.json() == {"data": list(SUBSCRIBABLE_TOPICS)}


def test_the_catalogue_needs_the_right_credential(client, tenant):
    assert client.get("/api/v1/webhooks/event-catalog").status_code == 401
    assert client.get("/api/v1/webhooks/event-catalog", **bearer(tenant.session())).status_code == 401
    assert (
        client.get("/api/v1/webhooks/event-catalog", **bearer(tenant.api_key("orders:read"))).status_code
        == 403
    )
    no_read = tenant.session(None, "bridges:read")
    assert client.get("/api/v1/embed/webhooks/event-catalog", **bearer(no_read)).status_code == 403


def test_the_schemas_refuse_what_the_product_does_not_send():
    # a payload missing a field, with one too many, or with a wrong type is refused
    order = topic_get("order.created")
    body = dict(order.example_body)
    assert catalog_violations(_json(body)) == []
    assert catalog_violations(_json({**body, "data": {**order.example, "status": "teleported"}}))
    assert catalog_violations(_json({**body, "data": {**order.example, "surprise": 1}}))
    missing = {k: v for k, v in order.example.items() if k != "order_number"}
    assert catalog_violations(_json({**body, "data": missing}))
    assert catalog_violations(_json({**body, "createdAt": "2026-03-18 15:30:45"}))
    assert catalog_violations(_json({**body, "topic": "order.teleported"}))


def test_the_openapi_document_publishes_every_topic_as_a_webhook(client):
    document = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    webhooks = document.get("webhooks") or document.get("x-webhooks")
    assert set(webhooks) == set(CATALOG_TOPICS)
    for topic, item in webhooks.items():
        body = item["post"]["requestBody"]["content"]["application/json"]
        schema = body["schema"]
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
        assert schema["properties"]["topic"] == {"const": topic}
        assert body["example"]["topic"] == topic
        headers = {p["name"] for p in item["post"]["parameters"] if p["in"] == "header"}
        assert {"webhook-id", "webhook-timestamp", "webhook-signature", "X-Orderly-Signature"} <= headers


def _json(value) -> str:
    import json

    return json.dumps(value)
