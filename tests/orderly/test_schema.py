"""Every canonical API route is in the OpenAPI schema, which builds without warnings and documents
the wire format: the success envelope and the error responses (orderly/api/schema.py)."""

import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern
from drf_spectacular.drainage import reset_generator_stats

from orderly.urls import api_v1
from tests.conftest import bearer


def _openapi_path(pattern: URLPattern) -> str:
    route = str(pattern.pattern).rstrip("/")
    return "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


@pytest.mark.django_db
def test_every_route_is_documented(client):
    # given
    expected = {_openapi_path(p) for p in api_v1}

    # when
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    # then
    assert response.status_code == 200
    documented = {p.rstrip("/") for p in response.json()["paths"]}
    assert expected - documented == set()


@pytest.mark.django_db
def test_docs_page_uses_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    # given no warnings left over from schemas generated earlier in this process
    reset_generator_stats()

    # when the schema is generated as CI does, then it is valid OpenAPI 3 and drf-spectacular had
    # nothing to guess (an unresolved serializer or an enum name collision fails here)
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _resolve(document: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


@pytest.mark.django_db
def test_schema_documents_the_envelope_and_the_errors(client):
    # given the schema the API serves
    document = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    # the seeds show the connection and webhook tests' answers without the envelope
    unenveloped = {
        "POST /api/v1/embed/bridges/{pk}/test",
        "POST /api/v1/embed/webhooks/{pk}/test",
        "POST /api/v1/webhooks/{pk}/test",
    }

    for label, operation in _operations(document):
        responses = operation["responses"]
        success = next(code for code in sorted(responses) if code.startswith("2"))
        assert "content" in responses[success], f"{label}: the schema says it answers with no body"
        body = _resolve(document, responses[success]["content"]["application/json"]["schema"])

        # then each success is the envelope: `{"data": …}`, a page, or a DELETE's `{"success": true}`
        if label.startswith("DELETE"):
            assert set(body["properties"]) == {"success"}, label
        elif label not in unenveloped:
            assert "data" in body["properties"] and body["additionalProperties"] is False, label
            if body["properties"]["data"].get("type") == "array" and "pagination" in body["properties"]:
                assert body["properties"]["pagination"] == {"$ref": "#/components/schemas/Pagination"}

        # and every operation documents its errors, each with the error envelope
        errors = {code for code in responses if not code.startswith("2")}
        assert {"400", "404", "503"} <= errors, label
        if operation.get("security"):  # a public operation declares `security: []`
            assert {"401", "403"} <= errors, label
        for code in errors:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (label, code)
    assert set(_resolve(document, {"$ref": "#/components/schemas/Error"})["properties"]) == {"error"}


@pytest.mark.django_db
def test_every_paginated_list_documents_page_and_limit_from_the_paginator(client, tenant):
    # given the schema the API serves
    document = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paginated = {}
    for label, operation in _operations(document):
        success = next(code for code in sorted(operation["responses"]) if code.startswith("2"))
        content = operation["responses"][success].get("content", {}).get("application/json", {})
        body = _resolve(document, content.get("schema", {}))
        params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        if "pagination" in body.get("properties", {}):
            paginated[label] = params
        else:
            # then a list sent whole does not pretend to take a page
            assert "page" not in params and "limit" not in params, label

    # then every paginated list takes `page` and `limit`, both at least 1, limit with its bounds
    assert len(paginated) >= 11
    for label, params in paginated.items():
        assert params["page"]["schema"] == {"type": "integer", "minimum": 1, "default": 1}, label
        limit = params["limit"]["schema"]
        assert limit["type"] == "integer" and limit["minimum"] == 1, label
        # a larger limit is clamped, not refused: the schema says so, and does not call it invalid
        assert "maximum" not in limit and "clamped" in params["limit"]["description"], label
        assert limit["default"] >= 1, label
        assert params["page"]["description"] and params["limit"]["description"], label

    # and the documented bounds are the ones the paginator enforces
    key = tenant.api_key("embed:manage")
    for path, maximum in (("/api/v1/embed/action-requests/queue", 50), ("/api/v1/embed/events", 100)):
        assert f"clamped to {maximum}." in paginated[f"GET {path}"]["limit"]["description"]
        response = client.get(path, {"limit": maximum + 1}, **bearer(key))
        assert response.json()["pagination"]["limit"] == maximum
    assert paginated["GET /api/v1/embed/events"]["limit"]["schema"]["default"] == 50
    assert client.get("/api/v1/embed/events", **bearer(key)).json()["pagination"]["limit"] == 50


@pytest.mark.django_db
def test_creates_and_lists_link_to_the_operations_on_their_items(client):
    # given the schema the API serves
    document = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    by_id = {op["operationId"]: (label, op) for label, op in _operations(document)}

    # then a create links its 201 to reading, changing and deleting what it made, by the answer's id
    created = document["paths"]["/api/v1/webhooks"]["post"]["responses"]["201"]["links"]
    assert {"webhooks_retrieve", "webhooks_partial_update", "webhooks_destroy", "webhooks_test_create"} <= set(
        created
    )
    assert created["webhooks_retrieve"]["parameters"] == {"pk": "$response.body#/data/id"}
    # and a list links to its items, keeping its own path parameters
    listed = document["paths"]["/api/v1/webhooks/{pk}/deliveries"]["get"]["responses"]["200"]["links"]
    retry = listed["webhooks_deliveries_retry_create"]["parameters"]
    assert retry == {"pk": "$request.path.pk", "delivery_id": "$response.body#/data/0/id"}
    # and a session's answer names its id `sessionId`
    session = document["paths"]["/api/v1/embed/sessions"]["post"]["responses"]["201"]["links"]
    assert session["embed_sessions_destroy"]["parameters"] == {"pk": "$response.body#/data/sessionId"}

    # and every link names an operation, and exactly its path parameters
    count = 0
    for _label, operation in _operations(document):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                target_label, _target = by_id[link["operationId"]]
                assert set(link["parameters"]) == set(re.findall(r"\{(\w+)\}", target_label)), link
                count += 1
    assert count >= 60
