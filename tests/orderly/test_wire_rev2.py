"""CONTRACT §3 rev. 2, as a client sees it: 405 before authentication, strict types, request ids,
closest-field hints and the valid values of a refused choice."""

import logging
import re
import uuid

import pytest

from alerts.models import AlertRule
from orderly.api.context import RequestIdLogFilter
from orderly.events.models import Event
from tests.conftest import bearer
from webhooks.models import Webhook

pytestmark = pytest.mark.django_db


# 405 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("credential", ["full_key", "session", "none"])
def test_an_unsupported_method_is_405_with_allow_whoever_asks(client, tenant, credential):
    headers = {
        "full_key": bearer(tenant.api_key()),
        "session": bearer(tenant.session()),
        "none": {},
    }[credential]

    response = client.put("/api/v1/orders", {}, format="json", **headers)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert "PUT" not in response["Allow"]


def test_a_delete_on_a_route_without_one_is_405_not_403(client, tenant):
    response = client.delete("/api/v1/embed/webhooks/event-types", **bearer(tenant.session()))
    assert response.status_code == 405
    assert response["Allow"].startswith("GET")


# Strict types ---------------------------------------------------------------------------------


def test_a_string_is_not_an_integer(client, tenant):
    body = {"name": "Late", "eventType": "shipment.exception", "condition": {}, "cooldownMinutes": "30"}
    response = client.post("/api/v1/embed/alerts/rules", body, format="json", **bearer(tenant.session()))
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"cooldownMinutes": ["Must be an integer."]}
    assert not AlertRule.objects.exists()


@pytest.mark.parametrize(("value", "accepted"), [(30.0, True), (30.5, False), (1e300, False)])
def test_a_number_without_a_fraction_is_an_integer(client, tenant, value, accepted):
    # JSON Schema counts 30.0 an integer, so the schema allows it: the API takes it as 30
    body = {"name": "Late", "eventType": "shipment.exception", "condition": {}, "cooldownMinutes": value}
    response = client.post("/api/v1/embed/alerts/rules", body, format="json", **bearer(tenant.session()))
    assert response.status_code == (201 if accepted else 400)
    assert [rule.cooldown_minutes for rule in AlertRule.objects.all()] == ([30] if accepted else [])


@pytest.mark.parametrize("value", ["no", "true", 0, 1, "1"])
def test_only_true_and_false_are_booleans(client, tenant, httpserver, value):
    token = tenant.session()
    created = client.post(
        "/api/v1/embed/webhooks",
        {"url": httpserver.url_for("/h"), "events": ["order.created"]},
        format="json",
        **bearer(token),
    ).json()["data"]

    response = client.patch(
        f"/api/v1/embed/webhooks/{created['id']}", {"isActive": value}, format="json", **bearer(token)
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"isActive": ["Must be a boolean (true or false)."]}
    assert Webhook.objects.get().is_active is True


@pytest.mark.parametrize("value", [0, 1.5, True, ["x"], {"a": "b"}])
def test_a_number_is_not_a_string(client, tenant, httpserver, value):
    response = client.post(
        "/api/v1/embed/webhooks",
        {"url": httpserver.url_for("/h"), "events": ["order.created"], "description": value},
        format="json",
        **bearer(tenant.session()),
    )
    assert response.status_code == 400
    assert "description" in response.json()["error"]["details"]
    assert not Webhook.objects.exists()


def test_members_of_lists_and_nested_objects_are_strict_too(client, tenant):
    end_user = tenant.end_user()
    body = {
        "endUserId": str(end_user.pk),
        "orderNumber": "1001",
        "externalId": "ext-1",
        "tags": ["vip", 7],
        "lineItems": [{"title": "Mug", "quantity": "2"}],
        "totals": {"total": "12.50"},
    }
    response = client.post("/api/v1/orders", body, format="json", **bearer(tenant.api_key("orders:write")))
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "tags.1": ["Must be a string."],
        "lineItems.0.quantity": ["Must be an integer."],
        "totals.total": ["Must be a number."],
    }


def test_a_number_where_a_uuid_is_due_is_refused(client, tenant):
    response = client.post(
        "/api/v1/orders",
        {"endUserId": 5, "orderNumber": "1", "externalId": "e"},
        format="json",
        **bearer(tenant.api_key("orders:write")),
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"endUserId": ["Must be a string."]}


def test_well_typed_values_are_still_accepted(client, tenant):
    end_user = tenant.end_user()
    body = {
        "endUserId": str(end_user.pk),
        "orderNumber": "1001",
        "externalId": "ext-1",
        "lineItems": [{"title": "Mug", "quantity": 2, "price": 12}],
        "totals": {"total": 12.5},
    }
    response = client.post("/api/v1/orders", body, format="json", **bearer(tenant.api_key("orders:write")))
    assert response.status_code == 202, response.content


# Request ids ----------------------------------------------------------------------------------

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.mark.parametrize(
    "path", ["/api/v1/embed/users", "/healthz", "/dashboard/login/", "/nowhere", "/api/v1/x"]
)
def test_every_response_carries_a_generated_request_id(client, path):
    first, second = client.get(path), client.get(path)
    assert UUID_RE.fullmatch(first["X-Request-Id"])
    assert first["X-Request-Id"] != second["X-Request-Id"]


@pytest.mark.parametrize("offered", ["abc", "req_01HZX-9:/=+", "x" * 200, "~!"])
def test_a_clients_own_request_id_is_kept(client, offered):
    response = client.get("/api/v1/embed/users", HTTP_X_REQUEST_ID=offered)
    assert response["X-Request-Id"] == offered
    assert response.json()["error"]["request_id"] == offered


@pytest.mark.parametrize("offered", ["", "with space", "x" * 201, "caf\u00e9", "tab\there"])
def test_a_request_id_that_is_not_1_to_200_visible_ascii_is_replaced(client, offered):
    response = client.get("/api/v1/embed/users", HTTP_X_REQUEST_ID=offered)
    assert UUID_RE.fullmatch(response["X-Request-Id"])


def test_every_error_body_carries_the_request_id(client, tenant):
    responses = [
        client.get("/api/v1/embed/users"),  # 401 from DRF
        client.get("/api/v1/embed/users", **bearer(tenant.session())),  # 401: wrong credential kind
        client.get("/api/v1/orders", **bearer(tenant.api_key("embed:manage"))),  # 403
        client.get(f"/api/v1/orders/{uuid.uuid4()}", **bearer(tenant.api_key())),  # 404 from a service
        client.get("/api/v1/no-such-route"),  # 404 from Django, in the middleware
        client.post("/api/v1/orders", "{", content_type="application/json", **bearer(tenant.api_key())),
        client.put("/api/v1/orders", **bearer(tenant.api_key())),  # 405
    ]
    for response in responses:
        assert response.status_code >= 400
        assert response.json()["error"]["request_id"] == response["X-Request-Id"], response.content


def test_the_event_log_records_the_request_id(client, tenant, httpserver):
    response = client.post(
        "/api/v1/webhooks",
        {"url": httpserver.url_for("/h"), "events": ["order.created"]},
        format="json",
        HTTP_X_REQUEST_ID="integrator-trace-42",
        **bearer(tenant.api_key("embed:manage")),
    )
    assert response.status_code == 201
    event = Event.objects.get(event_type="webhook.created")
    assert event.metadata["request_id"] == "integrator-trace-42"

    # and the event log API shows it
    events = client.get(
        "/api/v1/embed/events?event_type=webhook.created", **bearer(tenant.api_key("embed:manage"))
    ).json()["data"]
    assert events[0]["metadata"]["request_id"] == "integrator-trace-42"


def test_log_records_carry_the_request_id(client, caplog):
    caplog.handler.addFilter(RequestIdLogFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/api/v1/embed/users", HTTP_X_REQUEST_ID="trace-in-the-logs")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert response.status_code == 401
    assert record.request_id == "trace-in-the-logs"
    # and outside a request there is none
    logging.getLogger("orderly.test").warning("after the request")
    assert caplog.records[-1].request_id == "-"


def test_the_console_log_format_shows_the_request_id(settings):
    from django.conf import settings as live

    assert "%(request_id)s" in live.LOGGING["formatters"]["plain"]["format"]
    assert "request_id" in live.LOGGING["handlers"]["console"]["filters"]


# Hints ----------------------------------------------------------------------------------------


def test_an_unknown_field_names_the_closest_known_one(client, tenant):
    end_user = tenant.end_user()
    response = client.post(
        "/api/v1/orders",
        {"endUserId": str(end_user.pk), "order_number": "1", "externalId": "e", "zzz": 1},
        format="json",
        **bearer(tenant.api_key("orders:write")),
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "order_number": ['Unknown field. Did you mean "orderNumber"?'],
        "zzz": ["Unknown field."],
    }


def test_an_unknown_session_scope_lists_the_valid_ones(client, tenant):
    response = client.post(
        "/api/v1/embed/sessions",
        {"externalId": "u-1", "scopes": ["bridges:read", "orders:wirte"]},
        format="json",
        **bearer(tenant.api_key("embed:manage")),
    )
    assert response.status_code == 400
    [message] = response.json()["error"]["details"]["scopes.1"]  # the member, by its index
    assert "orders:wirte" in message
    assert "Valid values: bridges:read, bridges:write, orders:read" in message


def test_an_unknown_feature_lists_the_valid_ones(client, tenant):
    response = client.patch(
        "/api/v1/embed/config",
        {"enabled_features": ["teleport"]},
        format="json",
        **bearer(tenant.api_key("embed:manage")),
    )
    assert response.status_code == 400
    [message] = response.json()["error"]["details"]["enabled_features.0"]
    assert "teleport" in message
    for feature in ("bridges", "data_room", "action_requests", "smart_alerts", "end_user_webhooks"):
        assert feature in message


def test_an_unknown_api_key_scope_lists_the_valid_ones():
    from orderly.accounts.services import api_key_validate_scopes
    from orderly.errors import DomainError

    with pytest.raises(DomainError) as caught:
        api_key_validate_scopes(["orders:raed"])
    [message] = caught.value.details["scopes"]
    assert "orders:raed" in message and "orders:read" in message and "operations:execute" in message
