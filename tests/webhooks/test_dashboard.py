"""Webhook pages in the dashboard: list with why disabled, delivery log, re-send, recover, isolation."""

import pytest
from django.test import Client

from orderly.events.catalog import topic_get
from orderly.events.services import event_record
from webhooks import services
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tenant):
    browser = Client()
    browser.force_login(tenant.user)
    return browser


def test_list_detail_resend_and_recover(
    staff, tenant, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.ORDERLY_WEBHOOK_RETRY_SCHEDULE = []
    httpserver.expect_ordered_request("/org").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/org").respond_with_data("ok")
    webhook, _ = services.webhook_create(
        organization=tenant.organization,
        end_user=None,
        url=httpserver.url_for("/org"),
        events=["order.created"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_record(
            organization=tenant.organization, event_type="order.created", data=topic_get("order.created").example
        )
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"

    assert httpserver.url_for("/org") in staff.get("/dashboard/webhooks/").content.decode()
    detail = staff.get(f"/dashboard/webhooks/{webhook.pk}/").content.decode()
    assert "HTTP 500" in detail and "down" in detail

    response = staff.post(f"/dashboard/webhooks/{webhook.pk}/deliveries/{delivery.pk}/resend/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_disabled_reason_shown_and_re_enable(staff, tenant):
    webhook, _ = services.webhook_create(
        organization=tenant.organization,
        end_user=None,
        url="https://hooks.example.com/x",
        events=["order.created"],
    )
    Webhook.objects.filter(pk=webhook.pk).update(
        is_active=False, disabled_reason="The endpoint answered 410 Gone.", consecutive_failures=4
    )
    assert "410 Gone" in staff.get("/dashboard/webhooks/").content.decode()
    staff.post(f"/dashboard/webhooks/{webhook.pk}/enable/")
    webhook.refresh_from_db()
    assert webhook.is_active and webhook.consecutive_failures == 0


def test_other_organizations_webhooks_are_404(staff, other_tenant):
    theirs, _ = services.webhook_create(
        organization=other_tenant.organization,
        end_user=None,
        url="https://hooks.example.com/theirs",
        events=["order.created"],
    )
    assert staff.get(f"/dashboard/webhooks/{theirs.pk}/").status_code == 404
    assert (
        staff.post(f"/dashboard/webhooks/{theirs.pk}/recover/", {"since": "2026-01-01T00:00"}).status_code
        == 404
    )
    assert "theirs" not in staff.get("/dashboard/webhooks/").content.decode()
