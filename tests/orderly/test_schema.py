"""Every canonical API route is in the OpenAPI schema, and the schema builds without errors."""

import re

import pytest
from django.urls import URLPattern

from orderly.urls import api_v1


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
