"""Paths, queries and hosts no route accepts are refused before any query (issue 13, items 5 and 16)."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# Without Redis the throttle counters are cache rows in the database (orderly/cache.py), so "no
# query" means none that looks anything up: none on a table of the project's own models.
CACHE_TABLE = "orderly_cache"


@contextmanager
def no_lookup():
    with CaptureQueriesContext(connection) as captured:
        yield
    lookups = [
        q["sql"]
        for q in captured.captured_queries
        if CACHE_TABLE not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    assert lookups == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/embed/tracking-pages/view/ab%00c",
        "/api/embed/tracking-pages/view/ab%00c",
        "/api/v1/embed/bridges/ab%00c",
        "/api/v1/orders/%00",
    ],
)
def test_a_nul_in_an_api_path_is_a_404_envelope_without_a_query(client, path):
    # when
    with no_lookup():
        response = client.get(path)

    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_nul_in_a_public_tracking_link_is_a_404_page_without_a_query(client):
    with no_lookup():
        response = client.get("/t/ab%00c")
    assert response.status_code == 404


@pytest.mark.parametrize("token", ["ab.c", "short", "a" * 65, "abc%20def", "%E2%82%AC" * 20])
def test_a_token_it_could_never_be_is_404_without_a_query(client, token):
    # given tokens with characters (or lengths) tracking_page_token() never produces
    # when
    with no_lookup():
        api = client.get(f"/api/v1/embed/tracking-pages/view/{token}")
        page = client.get(f"/t/{token}")

    # then
    assert (api.status_code, api.json()["error"]["code"]) == (404, "not_found")
    assert page.status_code == 404
    assert "Tracking link not found" in page.content.decode()


def test_a_nul_in_the_query_is_a_400_naming_the_parameter(client, tenant):
    with no_lookup():
        response = client.get("/api/v1/embed/config?slug=ab%00c")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.pop("request_id") == response["X-Request-Id"]  # CONTRACT §3 rev. 2
    assert error == {
        "code": "validation_error",
        "message": "Invalid query parameter.",
        "details": {"slug": ["Null characters are not allowed."]},
    }


def test_a_config_slug_with_a_trailing_newline_is_not_looked_up(client, tenant):
    # given a real slug, asked for with a newline after it (a `$`-anchored regex let that through)
    with no_lookup():
        response = client.get("/api/v1/embed/config", {"slug": tenant.config.slug + "\n"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/embed/config?slug=x", "/api/v1/orders", "/api/embed/sessions/auto"]
)
def test_a_bad_host_header_on_an_api_path_is_the_json_envelope(client, path):
    # when a request names a host the server does not answer for
    response = client.get(path, HTTP_HOST="evil.example")

    # then the answer is the envelope, as for every other API error, not Django's HTML page
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"] == {"Host": ["Not an allowed host."]}


def test_a_bad_host_header_elsewhere_stays_a_plain_400(client):
    response = client.get("/dashboard/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
