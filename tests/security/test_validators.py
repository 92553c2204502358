"""Validators that used to let things through (issue 13, items 15 and 17)."""

import pytest
from pytest_httpserver import HTTPServer

from orderly.events.catalog import topic_get
from orderly.events.services import event_record
from tests.conftest import bearer
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db

CONFIG = "/api/v1/embed/config"


def _patch_config(client, tenant, body):
    return client.patch(CONFIG, body, format="json", **bearer(tenant.api_key("embed:manage")))


@pytest.mark.parametrize(
    "body, field",
    [
        ({"branding": {"primary_color": "#112233\n"}}, "branding"),
        ({"branding": {"secondary_color": "#112233\n"}}, "branding"),
        ({"slug": "abc\n"}, "slug"),
        ({"slug": "abc-def\n"}, "slug"),
    ],
)
def test_a_trailing_newline_is_refused_not_matched_by_dollar(client, tenant, body, field):
    # when a value is valid but for a newline at its end (which `$` matches before)
    response = _patch_config(client, tenant, body)

    # then it is refused, and nothing is stored
    assert response.status_code == 400, response.json()
    assert any(key == field or key.startswith(f"{field}.") for key in response.json()["error"]["details"])
    tenant.config.refresh_from_db()
    assert "\n" not in tenant.config.slug
    assert "\n" not in str(tenant.config.branding)


def test_order_currency_with_a_trailing_newline_is_refused(client, tenant):
    owner = tenant.end_user()
    body = {"externalUserId": owner.external_id, "orderNumber": "1", "externalId": "e-1", "currency": "EUR\n"}
    response = client.post("/api/v1/orders", body, format="json", **bearer(tenant.api_key("orders:write")))
    assert response.status_code == 400
    assert "currency" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost@evil.test/x.png",
        "http://localhost:80@evil.test/x.png",
        "http://localhost.evil.test/x.png",
        "https://user:pass@cdn.example.com/x.png",
        "http://cdn.example.com/x.png",
    ],
)
def test_logo_url_host_is_the_parsed_host(client, tenant, url):
    response = _patch_config(client, tenant, {"branding": {"logo_url": url}})
    assert response.status_code == 400
    assert any(key.startswith("branding") for key in response.json()["error"]["details"])


@pytest.mark.parametrize(
    "url", ["https://cdn.example.com/logo.png", "http://localhost:8000/logo.png", "http://127.0.0.1/logo.png"]
)
def test_logo_url_https_or_local_http_is_accepted(client, tenant, url):
    response = _patch_config(client, tenant, {"branding": {"logo_url": url}})
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["branding"]["logo_url"] == url


@pytest.fixture
def ipv6_receiver():
    server = HTTPServer(host="::1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_ipv6_loopback_is_allowed_like_ipv4_loopback_when_private_is_allowed(
    client, tenant, ipv6_receiver, django_capture_on_commit_callbacks
):
    # given ORDERLY_WEBHOOKS_ALLOW_PRIVATE=1 (the test default) and a receiver on [::1]
    ipv6_receiver.expect_request("/hook", method="POST").respond_with_data("ok")
    end_user = tenant.end_user()
    token = tenant.session(end_user, "webhooks:read", "webhooks:write")
    url = f"http://[::1]:{ipv6_receiver.port}/hook"

    # when an end user registers it, and an event follows
    response = client.post(
        "/api/v1/embed/webhooks", {"url": url, "events": ["order.created"]}, format="json", **bearer(token)
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_record(
            organization=tenant.organization,
            event_type="order.created",
            end_user=end_user,
            data=topic_get("order.created").example,  # a real payload: deliveries are checked against the catalogue
        )

    # then it is accepted, and the delivery reaches the receiver
    assert response.status_code == 201, response.json()
    assert Webhook.objects.get().url == url
    assert len(ipv6_receiver.log) == 1
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


def test_ipv6_loopback_stays_refused_in_production(client, tenant, settings):
    settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE = False
    token = tenant.session(tenant.end_user(), "webhooks:read", "webhooks:write")
    response = client.post(
        "/api/v1/embed/webhooks",
        {"url": "https://[::1]/hook", "events": ["order.created"]},
        format="json",
        **bearer(token),
    )
    assert response.status_code == 400
    assert "private" in response.json()["error"]["details"]["url"][0]
