"""The API kernel: envelopes for Django-level errors, health probes, body limits, credentials."""

import pytest

from orderly.api.tokens import API_KEY_PREFIX, SESSION_PREFIX, token_generate, token_is_well_formed
from tests.conftest import bearer


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_unknown_api_path_is_a_404_envelope(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_schema_is_served(client):
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200


def test_huge_body_is_refused_before_parsing(client):
    response = client.generic(
        "POST", "/api/v1/embed/sessions", "x" * (1024 * 1024 + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_token_checksum_detects_a_typo():
    token = token_generate(API_KEY_PREFIX)
    assert token_is_well_formed(token, API_KEY_PREFIX)
    typo = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert not token_is_well_formed(typo, API_KEY_PREFIX)
    assert not token_is_well_formed(token, SESSION_PREFIX)
    assert len(token) - len(API_KEY_PREFIX) >= 43


@pytest.mark.django_db
def test_malformed_key_is_refused_without_a_query(client, django_assert_num_queries):
    token = token_generate(API_KEY_PREFIX)[:-2] + "zz"
    with django_assert_num_queries(0):
        response = client.get("/api/v1/embed/config/me", **bearer(token))
    assert response.status_code in (401, 404)
