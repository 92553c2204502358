"""Orders, operations and webhooks pages in a real headless Chromium, with screenshots."""

import pytest

from operations.services import operation_create
from tests.factories import OrderFactory
from webhooks import services as webhook_services

pytestmark = pytest.mark.browser


def test_orders_operations_and_webhooks_pages(page, live_server, tenant, staff_login, screenshot):
    # given
    order = OrderFactory(end_user=tenant.end_user(), order_number="5550001")
    operation_create(
        organization=tenant.organization,
        type="add_order_note",
        order_id=order.pk,
        input={"note": "Gift wrap"},
    )
    webhook_services.webhook_create(
        organization=tenant.organization,
        end_user=None,
        url="https://hooks.example.com/orderly",
        events=["order.created"],
    )
    staff_login(page, tenant.user)

    # when / then: orders
    page.click("nav.sidebar >> text=Orders")
    assert page.locator("h1").inner_text() == "Orders"
    assert "5550001" in page.locator("main").inner_text()
    screenshot(page, "dashboard-orders")

    # operations
    page.click("nav.sidebar >> text=Operations")
    assert page.locator("h1").inner_text() == "Operations"
    assert "Add order note" in page.locator("main").inner_text()
    screenshot(page, "dashboard-operations")

    # webhooks
    page.click("nav.sidebar >> text=Webhooks")
    assert "https://hooks.example.com/orderly" in page.locator("#webhooks").inner_text()
    page.click("#webhooks >> text=https://hooks.example.com/orderly")
    assert "No deliveries yet." in page.locator("main").inner_text()
    screenshot(page, "dashboard-webhook-detail")
