"""The ways in: `/` leads to the dashboard, `GET /api/v1/` to the schema and the docs."""

import pytest

from tests.conftest import bearer


@pytest.mark.django_db
def test_root_redirects_to_the_dashboard_and_on_to_its_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"

    followed = client.get("/", follow=True)
    assert followed.status_code == 200
    assert followed.redirect_chain[-1][0].startswith("/dashboard/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1"])
def test_api_index_links_to_the_schema_and_docs_that_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    index = response.json()["data"]
    assert index["version"] == "v1"
    links = index["links"]
    assert links["schema"] == "http://testserver/api/v1/schema"
    assert links["docs"] == "http://testserver/api/v1/docs"

    # Every link leads somewhere real.
    schema = client.get(links["schema"], HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert client.get(links["docs"]).status_code == 200
    assert client.get(links["healthz"]).status_code == 200
    assert client.get(links["dashboard"]).status_code == 302  # to the log-in page


@pytest.mark.django_db
def test_api_index_ignores_a_stale_credential(client):
    # Navigation needs no credential; one sent out of habit (or expired) is not a 401 here.
    response = client.get("/api/v1/", **bearer("oh_not_a_real_key"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_api_index_refuses_other_methods_with_the_envelope(client):
    response = client.post("/api/v1/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_api_index_is_not_an_operation_of_the_schema(client):
    paths = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()["paths"]
    assert "/api/v1/" not in paths and "/api/v1" not in paths
