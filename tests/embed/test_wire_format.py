"""The CONTRACT §3 envelope for every kind of client mistake: never a 500, never a stack trace."""

import pytest

from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_unknown_body_field_is_named(client, tenant):
    response = client.post(
        "/api/v1/embed/sessions",
        {"externalId": "u", "isAdmin": True},
        format="json",
        **bearer(tenant.api_key()),
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "validation_error",
        "message": "Invalid input.",
        "details": {"isAdmin": ["Unknown field."]},
        "request_id": response["X-Request-Id"],
    }


def test_a_nul_in_free_form_json_is_refused_not_stored(client, tenant):
    # given an alert rule whose free-form condition holds a NUL, which PostgreSQL's jsonb cannot store
    body = {"name": "Exceptions", "eventType": "shipment.exception", "condition": {"carrier\u0000": "ups"}}

    # when
    response = client.post("/api/v1/embed/alerts/rules", body, format="json", **bearer(tenant.session()))

    # then a 400 naming the field, on every database (it was a 500 on PostgreSQL)
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"condition": ["Null characters are not allowed."]}


def test_non_json_body(client, tenant):
    response = client.generic(
        "POST",
        "/api/v1/embed/sessions",
        "{not json",
        content_type="application/json",
        **bearer(tenant.api_key()),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_json_that_is_not_an_object(client, tenant):
    response = client.post("/api/v1/embed/sessions", [1, 2], format="json", **bearer(tenant.api_key()))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_wrong_content_type(client, tenant):
    response = client.generic(
        "POST",
        "/api/v1/embed/sessions",
        "externalId=u",
        content_type="text/plain",
        **bearer(tenant.api_key()),
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_wrong_method(client, tenant):
    response = client.put("/api/v1/embed/sessions", {}, format="json", **bearer(tenant.api_key()))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_unauthenticated_has_a_bearer_challenge(client):
    response = client.get("/api/v1/embed/users")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthenticated"
