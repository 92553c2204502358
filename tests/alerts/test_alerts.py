"""Smart alerts: rules, matching conditions, an atomic cooldown, notifications and webhook delivery."""

import json
import threading

import pytest
from django.db import connection

from alerts.models import AlertNotification, AlertRule
from embed.models import EmbedConfig
from orderly.events.services import event_record
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

RULES = "/api/v1/embed/alerts/rules"
NOTES = "/api/v1/embed/alerts/notifications"


@pytest.fixture
def owner(tenant):
    end_user = tenant.end_user()
    return {"end_user": end_user, "token": tenant.session(end_user, "alerts:read", "alerts:write")}


def _rule(client, owner, **body):
    payload = {
        "name": "Delivery Exception Alert",
        "eventType": "shipment.exception",
        "condition": {"carrier": "ups"},
        **body,
    }
    return client.post(RULES, payload, format="json", **bearer(owner["token"]))


def _exception(tenant, end_user, carrier="ups"):
    return event_record(
        organization=tenant.organization,
        event_type="shipment.exception",
        end_user=end_user,
        data={"tracking_number": "1Z999AA1", "carrier": carrier},
    )


def test_create_rule_with_defaults(client, owner):
    response = _rule(client, owner)
    assert response.status_code == 201
    data = response.json()["data"]
    assert (
        data["delivery_method"] == "in_app" and data["cooldown_minutes"] == 60 and data["is_active"] is True
    )
    assert data["event_type"] == "shipment.exception" and data["condition"] == {"carrier": "ups"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "n" * 101}, "name"),
        ({"description": "d" * 501}, "description"),
        ({"cooldownMinutes": 4}, "cooldownMinutes"),
        ({"cooldownMinutes": 1441}, "cooldownMinutes"),
        ({"deliveryMethod": "sms"}, "deliveryMethod"),
        ({"deliveryMethod": "webhook"}, "webhookUrl"),
        ({"eventType": "nope"}, "eventType"),
        ({"deliveryMethod": "both", "webhookUrl": "http://169.254.169.254/"}, "webhookUrl"),
    ],
)
def test_rule_validation(client, owner, body, field):
    response = _rule(client, owner, **body)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_at_most_twenty_rules(client, owner):
    for _ in range(20):
        assert _rule(client, owner).status_code == 201
    assert _rule(client, owner).json()["error"]["code"] == "limit_exceeded"


def test_matching_event_fires_once_per_cooldown(client, tenant, owner):
    _rule(client, owner, condition={"carrier": ["ups", "fedex"]})
    _exception(tenant, owner["end_user"], carrier="usps")  # no match
    _exception(tenant, owner["end_user"], carrier="fedex")  # fires
    _exception(tenant, owner["end_user"], carrier="ups")  # within cooldown

    body = client.get(NOTES, **bearer(owner["token"])).json()
    assert body["unreadCount"] == 1
    [note] = body["data"]
    assert note["title"] == "Shipment exception detected"
    assert note["message"] == "Shipment 1Z999AA1 has an exception with FEDEX."


def test_notifications_read_dismiss_and_filter(client, tenant, owner):
    _rule(client, owner, cooldownMinutes=5)
    _exception(tenant, owner["end_user"])
    note_id = AlertNotification.objects.get().pk

    updated = client.patch(f"{NOTES}/{note_id}", {"isRead": True}, format="json", **bearer(owner["token"]))
    assert updated.json()["data"]["is_read"] is True
    assert client.get(f"{NOTES}?unread=true", **bearer(owner["token"])).json()["data"] == []
    client.patch(f"{NOTES}/{note_id}", {"isDismissed": True}, format="json", **bearer(owner["token"]))
    assert client.get(NOTES, **bearer(owner["token"])).json()["pagination"]["total"] == 0


def test_webhook_delivered_alert_goes_through_the_pipeline(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/alerts").respond_with_data("ok")
    _rule(client, owner, deliveryMethod="both", webhookUrl=httpserver.url_for("/alerts"))
    with django_capture_on_commit_callbacks(execute=True):
        _exception(tenant, owner["end_user"])
    [(request, _)] = httpserver.log
    body = json.loads(request.get_data())
    assert body["topic"] == "alert.triggered"
    assert body["data"]["rule_name"] == "Delivery Exception Alert"
    assert "X-Orderly-Signature" in request.headers
    assert AlertNotification.objects.count() == 1
    # the rule's target is not one of the end user's listed webhooks
    assert (
        client.get("/api/v1/embed/webhooks", **bearer(tenant.session(owner["end_user"]))).json()["data"] == []
    )


def test_update_delete_and_isolation(client, tenant, owner):
    rule_id = _rule(client, owner).json()["data"]["id"]
    patched = client.patch(f"{RULES}/{rule_id}", {"isActive": False}, format="json", **bearer(owner["token"]))
    assert patched.json()["data"]["is_active"] is False
    stranger = tenant.session(tenant.end_user(), "alerts:read", "alerts:write")
    assert (
        client.patch(f"{RULES}/{rule_id}", {"isActive": True}, format="json", **bearer(stranger)).status_code
        == 404
    )
    assert client.delete(f"{RULES}/{rule_id}", **bearer(stranger)).status_code == 404
    assert client.delete(f"{RULES}/{rule_id}", **bearer(owner["token"])).json() == {"success": True}
    assert not AlertRule.objects.exists()


def test_feature_and_scope(client, tenant, owner):
    read_only = tenant.session(owner["end_user"], "alerts:read")
    assert _rule(client, {"token": read_only}).status_code == 403
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(enabled_features=[])
    assert client.get(RULES, **bearer(owner["token"])).json()["error"]["code"] == "feature_disabled"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs a server database")
def test_cooldown_holds_under_concurrent_events(tenant, owner):
    from rest_framework.test import APIClient

    _rule(APIClient(), owner)

    def emit():
        _exception(tenant, owner["end_user"])
        connection.close()  # each thread has its own connection; close it so teardown can drop the DB

    threads = [threading.Thread(target=emit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert AlertNotification.objects.count() == 1


def test_an_in_app_rule_s_webhook_url_is_validated_too(client, owner):
    # given an in-app rule with a link-local webhook URL (it could be switched to webhook later)
    response = _rule(client, owner, deliveryMethod="in_app", webhookUrl="http://169.254.169.254/")
    # then it is refused, keyed as the client spelled the field, and nothing is stored
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["webhookUrl"]
    assert not AlertRule.objects.exists()


def test_changing_a_rule_s_webhook_url_keeps_one_target_and_deleting_the_rule_removes_it(client, owner):
    from webhooks.models import Webhook

    # given a webhook-delivered rule
    rule_id = _rule(client, owner, deliveryMethod="webhook", webhookUrl="http://127.0.0.1:9/a").json()[
        "data"
    ]["id"]
    # when its URL changes five times
    for n in range(5):
        response = client.patch(
            f"{RULES}/{rule_id}",
            {"webhookUrl": f"http://127.0.0.1:9/b{n}"},
            format="json",
            **bearer(owner["token"]),
        )
        assert response.status_code == 200
    # then there is one hidden target, pointing at the last URL
    targets = Webhook.objects.filter(end_user=owner["end_user"], for_alert_rule=True)
    assert [t.url for t in targets] == ["http://127.0.0.1:9/b4"]
    # when the rule turns in-app, the target goes; when turned back, one comes again
    client.patch(f"{RULES}/{rule_id}", {"deliveryMethod": "in_app"}, format="json", **bearer(owner["token"]))
    assert not Webhook.objects.filter(for_alert_rule=True).exists()
    client.patch(f"{RULES}/{rule_id}", {"deliveryMethod": "both"}, format="json", **bearer(owner["token"]))
    assert Webhook.objects.filter(for_alert_rule=True).count() == 1
    # when the rule is deleted, no target survives
    assert client.delete(f"{RULES}/{rule_id}", **bearer(owner["token"])).status_code == 200
    assert not Webhook.objects.filter(for_alert_rule=True).exists()
