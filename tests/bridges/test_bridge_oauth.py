"""Shopify OAuth through a real bridge service: start, callback, single-use and expiring state."""

import datetime as dt
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone

from bridges.models import Bridge, OAuthState
from orderly.crypto import decrypt_json
from orderly.events.models import Event
from tests.conftest import bearer
from tests.factories import BridgeFactory

START = "/api/v1/embed/bridges/shopify/oauth/start"
CALLBACK = "/api/v1/embed/bridges/shopify/oauth/callback"
SHOP = "mystore.myshopify.com"


@pytest.fixture
def bridge_service(httpserver, settings):
    """A real HTTP bridge service on loopback; `<base>` is `http://localhost:<port>/<type>`."""
    settings.ORDERLY_BRIDGE_SERVICE_URL = httpserver.url_for("/") + "{type}"
    return httpserver


def start(client, token, body):
    return client.post(START, body, format="json", **bearer(token))


def state_of(auth_url: str) -> str:
    return parse_qs(urlsplit(auth_url).query)["state"][0]


@pytest.fixture
def started(client, tenant, bridge_service):
    """An OAuth flow started by an end user: (bridge, state)."""
    response = start(client, tenant.session(), {"shopDomain": "mystore"})
    assert response.status_code == 200
    data = response.json()["data"]
    return Bridge.objects.get(pk=data["bridgeId"]), state_of(data["authUrl"])


def callback(client, **params):
    return client.get(CALLBACK, params)


# Start -----------------------------------------------------------------------------------------


def test_start_creates_a_pending_bridge_and_a_hashed_state(client, tenant, bridge_service):
    # given
    me = tenant.end_user()

    # when
    response = start(client, tenant.session(me), {"shopDomain": "MyStore"})

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    parts = urlsplit(data["authUrl"])
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == bridge_service.url_for(
        "/shopify/oauth/authorize"
    )
    query = parse_qs(parts.query)
    assert query["shop"] == [SHOP]
    state = query["state"][0]
    assert len(state) >= 43
    bridge = Bridge.objects.get(pk=data["bridgeId"])
    assert (bridge.type, bridge.status, bridge.name, bridge.end_user_id) == (
        "shopify",
        "pending",
        f"Shopify - {SHOP}",
        me.pk,
    )
    assert bridge.config == {"shopDomain": SHOP}
    stored = OAuthState.objects.get(bridge=bridge)
    assert stored.digest == hashlib.sha256(state.encode()).hexdigest()
    assert stored.shop == SHOP
    assert stored.used_at is None
    assert dt.timedelta(seconds=590) < stored.expires_at - timezone.now() <= dt.timedelta(seconds=600)


def test_start_uses_the_given_name(client, tenant, bridge_service):
    response = start(client, tenant.session(), {"shopDomain": SHOP, "name": "Main store"})
    assert response.status_code == 200
    assert Bridge.objects.get().name == "Main store"


@pytest.mark.parametrize(
    "shop", ["my_store", "-store", "store.example.com", "", "mystore.myshopify.com.evil.com"]
)
def test_start_refuses_a_bad_shop_domain(client, tenant, bridge_service, shop):
    response = start(client, tenant.session(), {"shopDomain": shop})
    assert response.status_code == 400
    assert "shopDomain" in response.json()["error"]["details"]
    assert not Bridge.objects.exists()


def test_start_refuses_shopify_when_the_config_does_not_allow_it(client, tenant, bridge_service):
    # given
    tenant.config.allowed_bridge_types = ["shipstation"]
    tenant.config.save()

    # when
    response = start(client, tenant.session(), {"shopDomain": "mystore"})

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Bridge.objects.exists()


def test_start_refuses_shopify_when_the_session_does_not_allow_it(client, tenant, bridge_service):
    token = tenant.session(None, "bridges:write", allowed_bridge_types=["shipstation"])
    response = start(client, token, {"shopDomain": "mystore"})
    assert response.status_code == 403
    assert not Bridge.objects.exists()


def test_start_enforces_max_bridges_per_user(client, tenant, bridge_service):
    # given
    tenant.config.settings = {"maxBridgesPerUser": 1}
    tenant.config.save()
    me = tenant.end_user()
    BridgeFactory(end_user=me)

    # when
    response = start(client, tenant.session(me), {"shopDomain": "mystore"})

    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "limit_exceeded"
    assert Bridge.objects.filter(end_user=me).count() == 1


def test_start_needs_bridges_write(client, tenant, bridge_service):
    response = start(client, tenant.session(None, "bridges:read"), {"shopDomain": "mystore"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


# Callback --------------------------------------------------------------------------------------


def test_callback_exchanges_the_code_and_activates_the_bridge(client, started, bridge_service):
    # given
    bridge, state = started
    bridge_service.expect_oneshot_request("/shopify/oauth/token", method="POST").respond_with_json(
        {"accessToken": "shpat_live_token_9876"}
    )

    # when: the merchant's browser comes back, with no Orderly credential
    response = callback(client, state=state, code="auth-code-1", shop=SHOP)

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"bridgeId": str(bridge.pk), "status": "active"}}
    ((request, _),) = bridge_service.log
    assert json.loads(request.data) == {"code": "auth-code-1", "shop": SHOP}
    bridge.refresh_from_db()
    assert bridge.status == "active"
    assert "shpat_live_token_9876" not in bridge.secret_config
    assert decrypt_json(bridge.secret_config) == {"accessToken": "shpat_live_token_9876"}
    event = Event.objects.get(event_type="bridge.connected")
    assert event.data == {"bridge_id": str(bridge.pk), "type": "shopify", "name": f"Shopify - {SHOP}"}
    assert event.end_user_id == bridge.end_user_id
    assert OAuthState.objects.get(bridge=bridge).used_at is not None


def test_callback_then_get_shows_the_token_masked(client, tenant, bridge_service):
    # given
    me = tenant.end_user()
    token = tenant.session(me)
    data = start(client, token, {"shopDomain": "mystore"}).json()["data"]
    bridge_service.expect_oneshot_request("/shopify/oauth/token").respond_with_json(
        {"accessToken": "shpat_live_token_9876"}
    )
    callback(client, state=state_of(data["authUrl"]), code="c", shop=SHOP)

    # when
    response = client.get(f"/api/v1/embed/bridges/{data['bridgeId']}", **bearer(token))

    # then
    assert response.json()["data"]["config"] == {"shopDomain": SHOP, "accessToken": "****9876"}
    assert response.json()["data"]["status"] == "active"


def test_a_state_works_only_once(client, started, bridge_service):
    # given
    bridge, state = started
    bridge_service.expect_request("/shopify/oauth/token").respond_with_json(
        {"accessToken": "shpat_first_token"}
    )
    assert callback(client, state=state, code="c1", shop=SHOP).status_code == 200

    # when
    replay = callback(client, state=state, code="c2", shop=SHOP)

    # then
    assert replay.status_code == 404
    assert replay.json()["error"]["code"] == "not_found"
    assert "state" in replay.json()["error"]["details"]
    assert len(bridge_service.log) == 1
    bridge.refresh_from_db()
    assert decrypt_json(bridge.secret_config) == {"accessToken": "shpat_first_token"}
    assert Event.objects.filter(event_type="bridge.connected").count() == 1


def test_an_expired_state_is_refused(client, started, bridge_service):
    # given
    bridge, state = started

    # when: 10 minutes and a second later
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=601), tick=False):
        response = callback(client, state=state, code="c", shop=SHOP)

    # then
    assert response.status_code == 404
    assert "state" in response.json()["error"]["details"]
    assert bridge_service.log == []
    bridge.refresh_from_db()
    assert bridge.status == "pending"
    assert OAuthState.objects.get(bridge=bridge).used_at is None


def test_a_state_for_another_shop_is_refused_and_not_consumed(client, started, bridge_service):
    # given
    bridge, state = started
    bridge_service.expect_request("/shopify/oauth/token").respond_with_json(
        {"accessToken": "shpat_right_shop"}
    )

    # when
    wrong = callback(client, state=state, code="c", shop="attacker.myshopify.com")

    # then
    assert wrong.status_code == 400
    assert "shop" in wrong.json()["error"]["details"]
    assert bridge_service.log == []
    bridge.refresh_from_db()
    assert bridge.status == "pending"
    assert callback(client, state=state, code="c", shop=SHOP).status_code == 200


def test_an_unknown_state_is_refused(client, started, bridge_service):
    response = callback(client, state="not-a-state-we-issued", code="c", shop=SHOP)
    assert response.status_code == 404
    assert "state" in response.json()["error"]["details"]
    assert bridge_service.log == []


def test_callback_needs_state_code_and_shop(client, started, bridge_service):
    _bridge, state = started
    response = callback(client, state=state, shop=SHOP)
    assert response.status_code == 400
    assert "code" in response.json()["error"]["details"]
    assert OAuthState.objects.get().used_at is None


def test_a_failed_token_exchange_is_a_bad_gateway_and_marks_the_bridge(client, started, bridge_service):
    # given
    bridge, state = started
    bridge_service.expect_oneshot_request("/shopify/oauth/token").respond_with_data("down", status=503)

    # when
    response = callback(client, state=state, code="c", shop=SHOP)

    # then
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "bad_gateway"
    bridge.refresh_from_db()
    assert bridge.status == "error"
    assert "HTTP 503" in bridge.error_message
    assert bridge.secret_config == ""
    assert not Event.objects.filter(event_type="bridge.connected").exists()


def test_a_token_answer_without_a_token_is_a_bad_gateway(client, started, bridge_service):
    bridge, state = started
    bridge_service.expect_oneshot_request("/shopify/oauth/token").respond_with_json(
        {"error": "invalid_grant"}, status=400
    )

    response = callback(client, state=state, code="c", shop=SHOP)

    assert response.status_code == 502
    bridge.refresh_from_db()
    assert bridge.status == "error"


def test_callback_refuses_when_bridges_were_disabled_meanwhile(client, tenant, started, bridge_service):
    # given
    bridge, state = started
    tenant.config.enabled_features = ["data_room"]
    tenant.config.save()

    # when
    response = callback(client, state=state, code="c", shop=SHOP)

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "feature_disabled"
    assert bridge_service.log == []
    bridge.refresh_from_db()
    assert bridge.status == "pending"


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_gets_a_connected_page_that_notifies_the_allowed_origins(
    client, tenant, started, bridge_service
):
    # given
    bridge, state = started
    tenant.config.allowed_origins = ["https://app.acme.example"]
    tenant.config.save()
    bridge_service.expect_oneshot_request("/shopify/oauth/token").respond_with_json(
        {"accessToken": "shpat_browser_flow"}
    )

    # when
    response = client.get(CALLBACK, {"state": state, "code": "c", "shop": SHOP}, HTTP_ACCEPT=BROWSER_ACCEPT)

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Store connected" in html
    assert "https://app.acme.example" in html
    assert str(bridge.pk) in html
    assert "shpat_browser_flow" not in html
    bridge.refresh_from_db()
    assert bridge.status == "active"


def test_a_browser_with_a_used_state_gets_a_failure_page(client, started, bridge_service):
    # when
    response = client.get(
        CALLBACK, {"state": "forged", "code": "c", "shop": SHOP}, HTTP_ACCEPT=BROWSER_ACCEPT
    )

    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Connection failed" in response.content.decode()
    assert bridge_service.log == []
