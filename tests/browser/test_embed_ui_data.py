"""Orders, requests, alerts and webhooks through the embed UI, each effect checked through the API."""

import pytest

from tests.browser.embed_host import *  # noqa: F403 - the embed fixtures (host, embed, axe_source)
from tests.conftest import wait_for
from tests.factories import OrderFactory

pytestmark = pytest.mark.browser


def test_find_an_order_file_an_address_change_and_share_a_tracking_link(embed):
    # given: orders, one shipped through the ingest API with tracking
    merchant = embed.tenant.merchant
    OrderFactory(end_user=merchant, order_number="2001", status="pending")
    order = OrderFactory(end_user=merchant, order_number="2002", status="shipped")
    OrderFactory(end_user=merchant, order_number="2003", status="on_hold")
    key = embed.tenant.api_key()
    shipment = embed.api(
        "POST",
        "shipments",
        key,
        json={
            "orderId": str(order.pk),
            "trackingNumber": "1ZTRACK0002",
            "carrier": "ups",
            "status": "in_transit",
        },
    ).json()["data"]
    embed.api(
        "POST",
        f"shipments/{shipment['id']}/checkpoints",
        key,
        json={
            "status": "in_transit",
            "statusDetail": "Departed Chicago hub",
            "checkpointTime": "2026-01-16T08:00:00Z",
        },
    )
    embed.open(view="orders")
    frame = embed.frame

    # when: search, then filter by status
    frame.get_by_label("Search").fill("2002")
    frame.get_by_role("button", name="Apply").click()
    frame.get_by_text("1 orders").wait_for()
    assert frame.locator("tbody tr").count() == 1
    frame.get_by_label("Status").select_option("on_hold")
    frame.get_by_label("Search").fill("")
    frame.get_by_role("button", name="Apply").click()
    frame.get_by_role("button", name="#2003").wait_for()
    assert frame.locator("tbody tr").count() == 1
    frame.get_by_role("button", name="Reset").click()
    frame.get_by_text("3 orders").wait_for()

    # when: open the shipped order
    frame.get_by_role("button", name="#2002").click()
    frame.get_by_role("heading", name="Order #2002").wait_for()
    assert "Widget" in frame.locator(".o-table").first.inner_text()
    assert "123 Main St" in frame.locator("address").inner_text()
    frame.get_by_text("Departed Chicago hub").wait_for()
    assert "1ZTRACK0002" in frame.locator(".o-shipment").inner_text()

    # when: file an address change with the address form
    frame.get_by_label("What do you need?").select_option("address_change")
    frame.get_by_label("Street address").fill("456 New Street")
    frame.get_by_label("City").fill("San Francisco")
    frame.get_by_label("Postal code").fill("94102")
    frame.get_by_role("button", name="Send request").click()
    frame.get_by_text("Request sent.").wait_for()

    # then: it is in the ops review queue, and the host was told
    queue = embed.api("GET", "embed/action-requests/queue").json()["data"]
    [filed] = [r for r in queue if r["order_id"] == str(order.pk)]
    assert filed["action_type"] == "address_change"
    assert filed["requested_changes"]["address"]["street"] == "456 New Street"
    submitted = embed.wait_event("action_request_submitted")
    assert submitted[0]["detail"] == {"id": filed["id"], "actionType": "address_change"}

    # when: share a branded tracking link, then revoke it
    frame.get_by_role("button", name="Create a tracking link").click()
    link = frame.get_by_label("Tracking link")
    link.wait_for()
    url = link.input_value()
    assert url.startswith(embed.host.orderly_url + "/t/")
    session = embed.host.minted[-1]["token"]
    pages = embed.api("GET", "embed/tracking-pages", token=session).json()["data"]
    assert [(p["shipment_id"], p["is_active"]) for p in pages] == [(shipment["id"], True)]
    assert url.endswith("/t/" + pages[0]["token"])
    frame.get_by_role("button", name="Copy").click()
    frame.get_by_text("Cop").last.wait_for()
    frame.get_by_role("button", name="Revoke link").click()
    frame.get_by_role("group").get_by_role("button", name="Revoke link").click()
    frame.get_by_text("The link was revoked.").wait_for()
    pages = embed.api("GET", "embed/tracking-pages", token=session).json()["data"]
    assert [p["is_active"] for p in pages] == [False]


def test_requests_show_status_and_expiry_and_a_pending_one_can_be_cancelled(embed):
    from tests.actions.factories import ActionRequestFactory

    merchant = embed.tenant.merchant
    pending = ActionRequestFactory(
        order=OrderFactory(end_user=merchant), title="Hold please", action_type="hold"
    )
    ActionRequestFactory(
        order=OrderFactory(end_user=merchant),
        title="Cancel it",
        status="denied",
        resolution_note="Already shipped",
    )
    embed.open(view="requests")
    frame = embed.frame

    denied = frame.locator("li", has_text="Cancel it")
    assert "Denied" in denied.inner_text()
    denied.get_by_role("button", name="Details").click()
    denied.get_by_text("Already shipped").wait_for()

    row = frame.locator(f"[data-request-id='{pending.pk}']")
    assert "expires in" in row.inner_text()
    row.get_by_role("button", name="Cancel request").click()
    row.get_by_role("group").get_by_role("button", name="Cancel request").click()
    frame.locator(f"[data-request-id='{pending.pk}']", has_text="Cancelled").wait_for()
    pending.refresh_from_db()
    assert pending.status == "cancelled"


def test_alert_rules_and_notifications(embed):
    from alerts.models import AlertNotification, AlertRule

    merchant = embed.tenant.merchant
    note = AlertNotification.objects.create(
        organization=embed.tenant.organization,
        end_user=merchant,
        event_type="shipment.exception",
        title="Exception on 1Z999",
        message="UPS reports an exception.",
    )
    embed.open(view="alerts")
    frame = embed.frame
    frame.get_by_text("1 unread").first.wait_for()

    # when: mark the notification as read
    frame.get_by_role("button", name="Mark as read").click()
    frame.get_by_text("0 unread").wait_for()  # optimistic: the API accepts any visible notification
    wait_for(lambda: AlertNotification.objects.get(pk=note.pk).is_read)
    assert embed.frame.locator(".o-count").count() == 0  # the nav badge followed

    # when: create a rule with a condition and a cooldown
    frame.get_by_role("button", name="New alert rule").click()
    frame.get_by_role("textbox", name="Name", exact=True).fill("UPS exceptions")
    frame.get_by_label("When this happens").select_option("shipment.exception")
    frame.get_by_role("button", name="Add a condition").click()
    frame.get_by_label("Field").select_option("carrier")
    frame.get_by_label("Is one of").fill("ups, fedex")
    frame.get_by_label("Quiet period (minutes)").fill("30")
    frame.get_by_role("button", name="Create rule").click()
    frame.get_by_text("Rule “UPS exceptions” created.").wait_for()
    rule = AlertRule.objects.get(end_user=merchant)
    assert (rule.event_type, rule.condition, rule.cooldown_minutes, rule.is_active) == (
        "shipment.exception",
        {"carrier": ["ups", "fedex"]},
        30,
        True,
    )

    # when: a cooldown out of range is refused by the API, shown next to the field
    item = frame.locator(f"[data-rule-id='{rule.pk}']")
    item.get_by_role("button", name="Edit").click()
    item.get_by_label("Quiet period (minutes)").fill("2")
    item.get_by_role("button", name="Save").click()
    item.locator(".o-field-error", has_text="5").wait_for()
    item.get_by_label("Quiet period (minutes)").fill("90")
    item.get_by_role("button", name="Save").click()
    frame.get_by_text("Rule “UPS exceptions” saved.").wait_for()
    rule.refresh_from_db()
    assert rule.cooldown_minutes == 90

    # when: disable, then delete
    frame.locator(f"[data-rule-id='{rule.pk}']").get_by_role("button", name="Disable").click()
    frame.get_by_text("Rule “UPS exceptions” disabled.").wait_for()
    rule.refresh_from_db()
    assert rule.is_active is False
    item = frame.locator(f"[data-rule-id='{rule.pk}']")
    item.get_by_role("button", name="Delete").click()
    item.get_by_role("group").get_by_role("button", name="Delete").click()
    frame.get_by_text("Rule “UPS exceptions” deleted.").wait_for()
    assert not AlertRule.objects.filter(pk=rule.pk).exists()


def test_a_webhook_is_created_tested_logged_retried_disabled_and_deleted(embed, httpserver):
    # given: a loopback receiver that fails once, then accepts
    from werkzeug.wrappers import Response

    from webhooks.models import Webhook

    answers = iter([200, 500, 200])
    received = []

    def receive(request):
        received.append(request.headers.get("X-Orderly-Event"))
        return Response("ok", status=next(answers, 200))

    httpserver.expect_request("/hooks/orderly", method="POST").respond_with_handler(receive)
    embed.open(view="webhooks")
    frame = embed.frame

    # when: create an endpoint with two events
    frame.get_by_role("button", name="Add an endpoint").click()
    frame.get_by_label("Endpoint URL").fill(httpserver.url_for("/hooks/orderly"))
    frame.get_by_label("Description").fill("ERP")
    frame.get_by_label("A shipment is delivered").check()
    frame.get_by_label("An order is created").check()
    frame.get_by_role("button", name="Create endpoint").click()

    # then: the secret is shown once, with a copy button
    secret = frame.get_by_label("Signing secret")
    secret.wait_for()
    assert secret.input_value().startswith("whsec_")
    webhook = Webhook.objects.get(end_user=embed.tenant.merchant)
    assert sorted(webhook.events) == ["order.created", "shipment.delivered"]
    frame.get_by_role("button", name="I have saved the secret").click()
    assert frame.get_by_label("Signing secret").count() == 0

    # when: send a test, delivered; a second test fails; retry it from the log
    item = frame.locator(f"[data-webhook-id='{webhook.pk}']")
    item.get_by_role("button", name="Send test event").click()
    item.get_by_text("Test delivered (HTTP 200).").wait_for()
    item.get_by_role("button", name="Send test event").click()
    item.get_by_text("Test failed (HTTP 500).").wait_for()
    item.get_by_role("button", name="Delivery log").click()
    failed_row = item.locator("tbody tr", has_text="HTTP 500")
    failed_row.wait_for()
    assert item.locator("tbody tr").count() == 2
    # each attempt is in the log with what the receiver answered
    failed_row.locator("summary", has_text="Attempts (1)").click()
    assert "HTTP 500" in failed_row.locator("[data-attempt='1']").inner_text()
    failed_row.get_by_role("button", name="Retry").click()
    item.locator("tbody tr", has_text="HTTP 500").wait_for(state="detached")
    assert received == ["webhook.test", "webhook.test", "webhook.test"]
    assert set(webhook.deliveries.values_list("status", flat=True)) == {"delivered"}

    # when: disable, enable, delete
    item.get_by_role("button", name="Disable").click()
    frame.get_by_text("Endpoint disabled.").wait_for()
    webhook.refresh_from_db()
    assert webhook.is_active is False
    frame.locator(f"[data-webhook-id='{webhook.pk}']").get_by_role("button", name="Enable").click()
    frame.get_by_text("Endpoint enabled.").wait_for()
    item = frame.locator(f"[data-webhook-id='{webhook.pk}']")
    item.get_by_role("button", name="Delete").click()
    item.get_by_role("group").get_by_role("button", name="Delete").click()
    frame.get_by_text("Endpoint deleted.").wait_for()
    assert not Webhook.objects.filter(pk=webhook.pk).exists()
