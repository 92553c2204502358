"""Bridges API: bridge types, CRUD, secrets at rest, test connection against a real bridge service."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bridges.models import Bridge
from orderly.crypto import decrypt_json, encrypt_json
from orderly.events.models import Event
from tests.conftest import bearer
from tests.factories import BridgeFactory

BRIDGES = "/api/v1/embed/bridges"
SHIPSTATION = {
    "type": "shipstation",
    "name": "My ShipStation",
    "config": {"apiKey": "ss_abc123", "apiSecret": "ss_secret456"},
}


@pytest.fixture
def bridge_service(httpserver, settings):
    """A real HTTP bridge service on loopback; `<base>` is `http://localhost:<port>/<type>`."""
    settings.ORDERLY_BRIDGE_SERVICE_URL = httpserver.url_for("/") + "{type}"
    return httpserver


def create(client, token, body):
    return client.post(BRIDGES, body, format="json", **bearer(token))


def shipstation_bridge(end_user, **kwargs):
    return BridgeFactory(
        end_user=end_user,
        type="shipstation",
        config={},
        secret_config=encrypt_json({"apiKey": "ss_abc123", "apiSecret": "ss_secret456"}),
        **kwargs,
    )


# Bridge types ----------------------------------------------------------------------------------


def test_bridge_types_are_the_registry_filtered_by_config_and_session(client, tenant):
    # given: the config allows shopify and shipstation, the session only shipstation and etsy
    restricted = tenant.session(None, "bridges:read", allowed_bridge_types=["shipstation", "etsy"])
    unrestricted = tenant.session(None, "bridges:read")

    # when
    narrow = client.get("/api/v1/embed/bridge-types", **bearer(restricted))
    wide = client.get("/api/v1/embed/bridge-types", **bearer(unrestricted))

    # then
    assert narrow.status_code == 200
    assert [t["id"] for t in narrow.json()["data"]] == ["shipstation"]
    assert sorted(t["id"] for t in wide.json()["data"]) == ["shipstation", "shopify"]
    shipstation = narrow.json()["data"][0]
    assert shipstation["name"] == "ShipStation"
    assert shipstation["auth_methods"] == ["api_key"]
    assert {
        "name": "apiKey",
        "label": "API key",
        "type": "string",
        "required": True,
        "secret": True,
    } in shipstation["config_fields"]


def test_bridge_types_need_the_bridges_feature(client, tenant):
    # given
    tenant.config.enabled_features = ["data_room"]
    tenant.config.save()
    token = tenant.session()

    # when
    response = client.get("/api/v1/embed/bridge-types", **bearer(token))

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "feature_disabled"


def test_bridge_types_refuse_an_api_key(client, tenant):
    response = client.get("/api/v1/embed/bridge-types", **bearer(tenant.api_key()))
    assert response.status_code == 401


# List ------------------------------------------------------------------------------------------


def test_list_shows_only_the_end_users_own_bridges(client, tenant, other_tenant):
    # given
    me, neighbour = tenant.end_user(), tenant.end_user()
    mine = BridgeFactory(end_user=me, name="Mine", error_message=None)
    BridgeFactory(end_user=neighbour)
    BridgeFactory(end_user=other_tenant.end_user())

    # when
    response = client.get(BRIDGES, **bearer(tenant.session(me, "bridges:read")))

    # then
    assert response.status_code == 200
    body = response.json()
    assert [b["id"] for b in body["data"]] == [str(mine.pk)]
    assert set(body["data"][0]) == {
        "id",
        "name",
        "type",
        "status",
        "last_sync_at",
        "error_message",
        "created_at",
        "updated_at",
    }
    assert body["data"][0]["created_at"].endswith("Z")
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 1, "totalPages": 1, "hasMore": False}


def test_list_paginates(client, tenant):
    # given
    me = tenant.end_user()
    for _ in range(3):
        BridgeFactory(end_user=me)

    # when
    response = client.get(BRIDGES + "?page=2&limit=2", **bearer(tenant.session(me)))

    # then
    assert len(response.json()["data"]) == 1
    assert response.json()["pagination"]["hasMore"] is False
    assert client.get(BRIDGES + "?page=0", **bearer(tenant.session(me))).status_code == 400


def test_list_query_count_does_not_grow_with_page_size(client, tenant):
    # given
    me = tenant.end_user()
    token = tenant.session(me)
    BridgeFactory(end_user=me)
    with CaptureQueriesContext(connection) as one:
        client.get(BRIDGES, **bearer(token))
    for _ in range(9):
        BridgeFactory(end_user=me)

    # when
    with CaptureQueriesContext(connection) as ten:
        response = client.get(BRIDGES, **bearer(token))

    # then
    assert len(response.json()["data"]) == 10
    assert len(ten) == len(one)


def test_list_needs_bridges_read(client, tenant):
    response = client.get(BRIDGES, **bearer(tenant.session(None, "bridges:write")))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_list_is_served_under_the_alias_path_too(client, tenant):
    response = client.get("/api/embed/bridges/", **bearer(tenant.session()))
    assert response.status_code == 200


def test_list_needs_credentials(client, db):
    response = client.get(BRIDGES)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


# Create ----------------------------------------------------------------------------------------


def test_create_stores_secrets_encrypted_and_answers_them_masked(client, tenant):
    # given
    me = tenant.end_user()

    # when
    response = create(client, tenant.session(me), SHIPSTATION)

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["type"] == "shipstation"
    assert data["name"] == "My ShipStation"
    assert data["status"] == "active"
    assert data["organization_id"] == str(tenant.organization.pk)
    assert data["end_user_id"] == str(me.pk)
    assert data["config"] == {"apiKey": "****c123", "apiSecret": "****t456"}
    assert "ss_abc123" not in response.content.decode()
    bridge = Bridge.objects.get(pk=data["id"])
    assert bridge.config == {}
    assert "ss_abc123" not in bridge.secret_config and "ss_secret456" not in bridge.secret_config
    assert decrypt_json(bridge.secret_config) == {"apiKey": "ss_abc123", "apiSecret": "ss_secret456"}
    event = Event.objects.get(event_type="bridge.created")
    assert event.metadata == {
        "type": "shipstation",
        "name": "My ShipStation",
        "request_id": response["X-Request-Id"],
    }
    assert event.end_user_id == me.pk
    assert event.resource_id == str(bridge.pk)


def test_create_keeps_non_secret_fields_in_plain_config(client, tenant):
    # given
    body = {
        "type": "shopify",
        "name": "Store",
        "config": {"shopDomain": "mystore.myshopify.com", "accessToken": "shpat_1234567890"},
    }

    # when
    response = create(client, tenant.session(), body)

    # then
    assert response.status_code == 201
    assert response.json()["data"]["config"] == {
        "shopDomain": "mystore.myshopify.com",
        "accessToken": "****7890",
    }
    bridge = Bridge.objects.get()
    assert bridge.config == {"shopDomain": "mystore.myshopify.com"}
    assert decrypt_json(bridge.secret_config) == {"accessToken": "shpat_1234567890"}


def test_create_refuses_a_type_the_config_does_not_allow(client, tenant):
    # given: woocommerce is registered but not in the config's allowed_bridge_types
    body = {
        "type": "woocommerce",
        "name": "Woo",
        "config": {"storeUrl": "https://x", "consumerKey": "k", "consumerSecret": "s"},
    }

    # when
    response = create(client, tenant.session(), body)

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "woocommerce" in response.json()["error"]["message"]
    assert not Bridge.objects.exists()


def test_create_refuses_a_type_the_session_does_not_allow(client, tenant):
    # given
    token = tenant.session(None, "bridges:write", allowed_bridge_types=["shopify"])

    # when
    response = create(client, token, SHIPSTATION)

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Bridge.objects.exists()


def test_create_refuses_an_unknown_type(client, tenant):
    response = create(client, tenant.session(), {**SHIPSTATION, "type": "myspace"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "type" in response.json()["error"]["details"]


def test_create_enforces_max_bridges_per_user(client, tenant):
    # given
    tenant.config.settings = {"maxBridgesPerUser": 2}
    tenant.config.save()
    me, someone_else = tenant.end_user(), tenant.end_user()
    BridgeFactory(end_user=me)
    BridgeFactory(end_user=me)

    # when
    refused = create(client, tenant.session(me), SHIPSTATION)
    allowed = create(client, tenant.session(someone_else), SHIPSTATION)

    # then
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "limit_exceeded"
    assert Bridge.objects.filter(end_user=me).count() == 2
    assert allowed.status_code == 201


@pytest.mark.parametrize(
    ("config", "field", "message"),
    [
        ({"apiKey": "ss_abc123"}, "apiSecret", "This field is required."),
        ({"apiKey": "ss_abc123", "apiSecret": "  "}, "apiSecret", "This field is required."),
        (
            {"apiKey": "ss_abc123", "apiSecret": "x", "webhookUrl": "https://evil"},
            "webhookUrl",
            "Unknown field",
        ),
        ({"apiKey": 12345, "apiSecret": "x"}, "apiKey", "Must be a string."),
    ],
)
def test_create_validates_config_against_the_type(client, tenant, config, field, message):
    # when
    response = create(client, tenant.session(), {**SHIPSTATION, "config": config})

    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert message in error["details"][f"config.{field}"][0]
    assert not Bridge.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SHIPSTATION, "name": "x" * 201}, "name"),
        ({**SHIPSTATION, "status": "active"}, "status"),
        ({"type": "shipstation", "name": "n"}, "config"),
        ({**SHIPSTATION, "config": ["not", "an", "object"]}, "config"),
    ],
)
def test_create_validates_the_body(client, tenant, body, field):
    response = create(client, tenant.session(), body)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_create_needs_bridges_write(client, tenant):
    response = create(client, tenant.session(None, "bridges:read"), SHIPSTATION)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert not Bridge.objects.exists()


def test_create_needs_the_bridges_feature(client, tenant):
    # given
    tenant.config.enabled_features = ["data_room"]
    tenant.config.save()

    # when
    response = create(client, tenant.session(), SHIPSTATION)

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "feature_disabled"


# Get / update / delete -------------------------------------------------------------------------


def test_get_shows_one_bridge_with_masked_config(client, tenant):
    me = tenant.end_user()
    bridge = shipstation_bridge(me)

    response = client.get(f"{BRIDGES}/{bridge.pk}", **bearer(tenant.session(me, "bridges:read")))

    assert response.status_code == 200
    assert response.json()["data"]["config"] == {"apiKey": "****c123", "apiSecret": "****t456"}


def test_patch_merges_config_shallowly_and_reencrypts_secrets(client, tenant):
    # given
    me = tenant.end_user()
    bridge = shipstation_bridge(me, name="My ShipStation")

    # when
    response = client.patch(
        f"{BRIDGES}/{bridge.pk}",
        {"name": "Updated ShipStation", "config": {"apiKey": "ss_new_key"}},
        format="json",
        **bearer(tenant.session(me)),
    )

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "Updated ShipStation"
    assert data["config"] == {"apiKey": "****_key", "apiSecret": "****t456"}
    bridge.refresh_from_db()
    assert bridge.name == "Updated ShipStation"
    assert "ss_new_key" not in bridge.secret_config
    assert decrypt_json(bridge.secret_config) == {"apiKey": "ss_new_key", "apiSecret": "ss_secret456"}
    assert Event.objects.filter(event_type="bridge.updated", resource_id=str(bridge.pk)).count() == 1
    assert not Event.objects.filter(event_type="bridge.disconnected").exists()


def test_patch_with_a_masked_secret_sent_back_keeps_the_stored_secret(client, tenant):
    # given
    me = tenant.end_user()
    bridge = shipstation_bridge(me)

    # when: a form round-trips what GET showed it
    response = client.patch(
        f"{BRIDGES}/{bridge.pk}",
        {"config": {"apiKey": "****c123", "apiSecret": "ss_rotated_secret"}},
        format="json",
        **bearer(tenant.session(me)),
    )

    # then
    assert response.status_code == 200
    bridge.refresh_from_db()
    assert decrypt_json(bridge.secret_config) == {"apiKey": "ss_abc123", "apiSecret": "ss_rotated_secret"}


def test_patch_refuses_unknown_config_keys_and_blank_required_ones(client, tenant):
    me = tenant.end_user()
    bridge = shipstation_bridge(me)
    token = tenant.session(me)

    unknown = client.patch(f"{BRIDGES}/{bridge.pk}", {"config": {"foo": "x"}}, format="json", **bearer(token))
    blank = client.patch(f"{BRIDGES}/{bridge.pk}", {"config": {"apiKey": ""}}, format="json", **bearer(token))

    assert unknown.status_code == 400
    assert "config.foo" in unknown.json()["error"]["details"]
    assert blank.status_code == 400
    bridge.refresh_from_db()
    assert decrypt_json(bridge.secret_config)["apiKey"] == "ss_abc123"


def test_patch_to_disconnected_records_bridge_disconnected(client, tenant):
    # given
    me = tenant.end_user()
    bridge = shipstation_bridge(me)

    # when
    response = client.patch(
        f"{BRIDGES}/{bridge.pk}", {"status": "disconnected"}, format="json", **bearer(tenant.session(me))
    )

    # then
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "disconnected"
    bridge.refresh_from_db()
    assert bridge.status == "disconnected"
    event = Event.objects.get(event_type="bridge.disconnected")
    assert event.data == {"bridge_id": str(bridge.pk), "type": "shipstation", "name": bridge.name}
    assert event.end_user_id == me.pk
    assert Event.objects.filter(event_type="bridge.updated").count() == 1


def test_patch_refuses_an_unknown_status(client, tenant):
    me = tenant.end_user()
    bridge = shipstation_bridge(me)
    response = client.patch(
        f"{BRIDGES}/{bridge.pk}", {"status": "exploded"}, format="json", **bearer(tenant.session(me))
    )
    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]


def test_patch_needs_bridges_write(client, tenant):
    me = tenant.end_user()
    bridge = shipstation_bridge(me, name="Before")
    response = client.patch(
        f"{BRIDGES}/{bridge.pk}",
        {"name": "After"},
        format="json",
        **bearer(tenant.session(me, "bridges:read")),
    )
    assert response.status_code == 403
    bridge.refresh_from_db()
    assert bridge.name == "Before"


def test_delete_removes_the_bridge_and_records_an_event(client, tenant):
    # given
    me = tenant.end_user()
    bridge = shipstation_bridge(me)

    # when
    response = client.delete(f"{BRIDGES}/{bridge.pk}", **bearer(tenant.session(me)))

    # then
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert not Bridge.objects.filter(pk=bridge.pk).exists()
    assert Event.objects.get(event_type="bridge.deleted").resource_id == str(bridge.pk)


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("get", "", None), ("patch", "", {"name": "Hijacked"}), ("delete", "", None), ("post", "/test", None)],
)
def test_another_end_users_bridge_is_not_found(
    client, tenant, other_tenant, bridge_service, method, suffix, body
):
    # given: a neighbour in the same organization and a user of another tenant each own a bridge
    me = tenant.end_user()
    neighbours = shipstation_bridge(tenant.end_user(), name="Theirs")
    foreign = shipstation_bridge(other_tenant.end_user(), name="Foreign")
    token = tenant.session(me)

    for bridge in (neighbours, foreign):
        # when
        response = getattr(client, method)(
            f"{BRIDGES}/{bridge.pk}{suffix}", body, format="json", **bearer(token)
        )

        # then
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        bridge.refresh_from_db()
        assert bridge.name in ("Theirs", "Foreign")
        assert bridge.status == "active"
    assert bridge_service.log == []


# Test connection -------------------------------------------------------------------------------


def test_test_connection_sends_the_full_config_and_reports_success(client, tenant, bridge_service):
    # given
    me = tenant.end_user()
    bridge = BridgeFactory(
        end_user=me,
        type="shopify",
        config={"shopDomain": "mystore.myshopify.com"},
        secret_config=encrypt_json({"accessToken": "shpat_abcdef123456"}),
        status="error",
        error_message="old failure",
    )
    bridge_service.expect_oneshot_request("/shopify/test", method="POST").respond_with_json(
        {"success": True, "message": "Connection successful"}
    )

    # when
    response = client.post(f"{BRIDGES}/{bridge.pk}/test", **bearer(tenant.session(me, "bridges:read")))

    # then
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Connection successful"}
    ((request, _response),) = bridge_service.log
    assert json.loads(request.data) == {
        "config": {"shopDomain": "mystore.myshopify.com", "accessToken": "shpat_abcdef123456"}
    }
    bridge.refresh_from_db()
    assert bridge.status == "active"
    assert bridge.error_message is None


def test_test_connection_reports_a_refusal_from_the_service(client, tenant, bridge_service):
    # given
    me = tenant.end_user()
    bridge = shipstation_bridge(me)
    bridge_service.expect_oneshot_request("/shipstation/test", method="POST").respond_with_json(
        {"success": False, "message": "Invalid API key"}, status=401
    )

    # when
    response = client.post(f"{BRIDGES}/{bridge.pk}/test", **bearer(tenant.session(me)))

    # then
    assert response.status_code == 200
    assert response.json() == {"success": False, "message": "Invalid API key"}
    ((request, _response),) = bridge_service.log
    assert json.loads(request.data) == {"config": {"apiKey": "ss_abc123", "apiSecret": "ss_secret456"}}
    bridge.refresh_from_db()
    assert bridge.status == "error"
    assert bridge.error_message == "Invalid API key"


def test_test_connection_with_a_broken_service_is_a_failed_test(client, tenant, bridge_service):
    # given
    me = tenant.end_user()
    bridge = shipstation_bridge(me)
    bridge_service.expect_oneshot_request("/shipstation/test", method="POST").respond_with_data(
        "oops", status=500
    )

    # when
    response = client.post(f"{BRIDGES}/{bridge.pk}/test", **bearer(tenant.session(me)))

    # then
    assert response.status_code == 200
    assert response.json() == {"success": False, "message": "The bridge service answered with HTTP 500."}
    bridge.refresh_from_db()
    assert bridge.status == "error"
    assert bridge.error_message == "The bridge service answered with HTTP 500."


def test_test_connection_does_not_follow_redirects(client, tenant, bridge_service):
    # given: a redirect would carry the decrypted credentials elsewhere
    me = tenant.end_user()
    bridge = shipstation_bridge(me)
    bridge_service.expect_request("/shipstation/test").respond_with_data(
        "", status=307, headers={"Location": bridge_service.url_for("/elsewhere")}
    )

    # when
    response = client.post(f"{BRIDGES}/{bridge.pk}/test", **bearer(tenant.session(me)))

    # then
    assert response.json()["success"] is False
    assert [r.path for r, _ in bridge_service.log] == ["/shipstation/test"]


def test_test_connection_with_an_unreachable_service_is_a_failed_test(client, tenant, settings):
    # given: nothing listens on port 9 of loopback
    settings.ORDERLY_BRIDGE_SERVICE_URL = "http://127.0.0.1:9/{type}"
    me = tenant.end_user()
    bridge = shipstation_bridge(me)

    # when
    response = client.post(f"{BRIDGES}/{bridge.pk}/test", **bearer(tenant.session(me)))

    # then
    assert response.status_code == 200
    assert response.json() == {"success": False, "message": "The bridge service could not be reached."}
    bridge.refresh_from_db()
    assert bridge.status == "error"


def test_test_connection_needs_bridges_read(client, tenant, bridge_service):
    me = tenant.end_user()
    bridge = shipstation_bridge(me)
    response = client.post(f"{BRIDGES}/{bridge.pk}/test", **bearer(tenant.session(me, "bridges:write")))
    assert response.status_code == 403
    assert bridge_service.log == []


def test_create_checks_url_config_fields(client, tenant):
    # given
    tenant.config.allowed_bridge_types = ["woocommerce"]
    tenant.config.save()
    body = {
        "type": "woocommerce",
        "name": "Woo",
        "config": {
            "storeUrl": "javascript:alert(1)",
            "consumerKey": "ck_12345",
            "consumerSecret": "cs_12345",
        },
    }

    # when
    refused = create(client, tenant.session(), body)
    accepted = create(
        client,
        tenant.session(),
        {**body, "config": {**body["config"], "storeUrl": "https://shop.example.com"}},
    )

    # then
    assert refused.status_code == 400
    assert "config.storeUrl" in refused.json()["error"]["details"]
    assert accepted.status_code == 201
    assert accepted.json()["data"]["config"]["storeUrl"] == "https://shop.example.com"


def test_list_clamps_limit_to_fifty(client, tenant):
    response = client.get(BRIDGES + "?limit=500", **bearer(tenant.session()))
    assert response.status_code == 200
    assert response.json()["pagination"]["limit"] == 50


def test_a_session_with_an_empty_type_list_may_use_no_type(client, tenant):
    # given
    token = tenant.session(None, "bridges:read", "bridges:write", allowed_bridge_types=[])

    # when
    types = client.get("/api/v1/embed/bridge-types", **bearer(token))
    created = create(client, token, SHIPSTATION)

    # then
    assert types.json()["data"] == []
    assert created.status_code == 403


# A session limited to some bridge types (issue 13, item 13) ------------------------------------


def test_a_session_limited_by_type_cannot_manage_a_bridge_of_another_type(client, tenant, bridge_service):
    # given a shipstation bridge, and a session of its owner allowed only shopify
    me = tenant.end_user()
    bridge = shipstation_bridge(me, name="Mine")
    token = tenant.session(me, allowed_bridge_types=["shopify"])
    bridge_service.expect_request("/shipstation/test").respond_with_json({"success": True})

    # when it tries to change, test, sync or delete it
    patch = client.patch(f"{BRIDGES}/{bridge.pk}", {"name": "Taken"}, format="json", **bearer(token))
    test = client.post(f"{BRIDGES}/{bridge.pk}/test", **bearer(token))
    sync = client.post(f"{BRIDGES}/{bridge.pk}/sync", **bearer(token))
    delete = client.delete(f"{BRIDGES}/{bridge.pk}", **bearer(token))

    # then each is a 403, nothing reached the bridge service, and the bridge is unchanged
    for response in (patch, test, sync, delete):
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "forbidden"
    assert bridge_service.log == []
    bridge.refresh_from_db()
    assert bridge.name == "Mine" and bridge.status == "active"
    assert not bridge.sync_runs.exists()
    # while reading it is still allowed, and a session allowed the type may manage it
    assert client.get(f"{BRIDGES}/{bridge.pk}", **bearer(token)).status_code == 200
    allowed = tenant.session(me, allowed_bridge_types=["shipstation"])
    assert client.post(f"{BRIDGES}/{bridge.pk}/test", **bearer(allowed)).json()["success"] is True
