"""Every dashboard page and the customer's pages in a real Chromium, at 1440 px and 390 px.

For each page: what a user must see is there, nothing is wider than a phone's screen, "Log out"
stays visible, axe-core finds no serious or critical violation, and a screenshot of each width is
saved under test-artifacts/screenshots/. One browser, one live server and one data set serve all
pages (seeding per page would cost more than the pages).
"""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actions.services import action_request_create, action_request_resolve
from orderly.accounts.services import api_key_create
from orders.models import Order, Shipment
from orders.services import tracking_checkpoint_create
from tests.browser.embed_host import axe_source  # noqa: F401 - the axe-core fixture (npm ci on first use)
from tests.factories import ShipmentFactory
from tracking.services import tracking_page_create, tracking_page_revoke
from webhooks.models import Webhook
from webhooks.services import webhook_create

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def product(tenant):
    """The demo organization's data (orders, shipments, journeys, requests) plus one of everything."""
    from actions import demo as actions_demo
    from orders import demo as orders_demo

    tenant.config.branding = {
        "company_name": "Acme Fulfillment",
        "primary_color": "#0F766E",
        "support_url": "https://help.acme.example/parcels",
    }
    tenant.config.save()
    for n in range(3):
        tenant.end_user(name=f"Store {n}", email=f"store{n}@example.com")
    orders_demo.seed(organization=tenant.organization, user=tenant.user, stdout=io.StringIO())
    actions_demo.seed(organization=tenant.organization, user=tenant.user, stdout=io.StringIO())
    open_order = Order.objects.filter(organization=tenant.organization, status="confirmed").first()
    request = action_request_create(
        end_user=open_order.end_user, order_id=open_order.pk, action_type="hold", title="Hold until Monday"
    )
    Order.objects.filter(pk=open_order.pk).update(status="shipped")  # so the approval's operation fails
    action_request_resolve(
        request_id=request.pk, organization=tenant.organization, status="approved", note=None, actor=tenant.user
    )
    shipment = Shipment.objects.filter(organization=tenant.organization, status="in_transit").first()
    live, _ = tracking_page_create(organization=tenant.organization, shipment_id=shipment.pk)
    revoked_shipment = ShipmentFactory(order=shipment.order, tracking_number="1ZREVOKED")
    revoked, _ = tracking_page_create(organization=tenant.organization, shipment_id=revoked_shipment.pk)
    tracking_page_revoke(organization=tenant.organization, page_id=revoked.pk)
    tracking_checkpoint_create(
        organization=tenant.organization,
        shipment_id=shipment.pk,
        data={"status": "out_for_delivery", "status_detail": "With the driver", "location": "Lund",
              "checkpoint_time": timezone.now() - dt.timedelta(minutes=5)},
    )
    webhook, _secret = webhook_create(
        organization=tenant.organization, end_user=None, url="https://hooks.example.com/orderly",
        events=["order.created", "operation.failed"], description="ERP",
    )
    api_key_create(organization=tenant.organization, user=tenant.user, name="warehouse sync", scopes=["orders:read"])
    return {
        "order": shipment.order,
        "request": request,
        "operation_id": request.__class__.objects.get(pk=request.pk).operation_id,
        "end_user": shipment.order.end_user,
        "webhook": Webhook.objects.get(pk=webhook.pk),
        "live": live,
        "revoked": revoked,
    }


def _pages(product, slug):
    order, request = product["order"], product["request"]
    return [
        # (name, path, what the user must see: (selector, text contained))
        ("overview", "/dashboard/", [(".stats", "Orders"), ("svg.bar-chart", "")]),
        ("review-queue", "/dashboard/requests/", [("#queue", "Hold until Monday")]),
        ("review-queue-approved", "/dashboard/requests/?status=approved", [("#queue", "Operation failed")]),
        ("request", f"/dashboard/requests/{request.pk}/", [("#operation-outcome", "The approval's operation failed")]),
        ("orders", "/dashboard/orders/", [("#orders", "#10")]),
        ("order", f"/dashboard/orders/{order.pk}/", [(".order-actions", "Add note"), (".link-controls a.link-url", "/t/")]),
        ("operations", "/dashboard/operations/", [("#operations", "Hold order")]),
        ("operation", f"/dashboard/operations/{product['operation_id']}/", [("main", "An order that is shipped cannot be put on hold.")]),
        ("end-users", "/dashboard/embed/end-users/", [("#end-users", "Store 0")]),
        ("end-user", f"/dashboard/embed/end-users/{product['end_user'].pk}/", [("#orders", "#")]),
        ("events", "/dashboard/embed/events/", [("#events tbody tr", "")]),
        ("webhooks", "/dashboard/webhooks/", [("#webhooks", "https://hooks.example.com/orderly")]),
        ("webhook", f"/dashboard/webhooks/{product['webhook'].pk}/", [("main", "order.created")]),
        ("webhook-new", "/dashboard/webhooks/new/", [("#webhook-form", "Endpoint URL")]),
        ("tracking-links", "/dashboard/tracking/", [("#tracking-pages", "Revoke")]),
        ("config", "/dashboard/embed/config/", [("#config-form", "Brand colour"), (".previews", "Tracking page")]),
        ("api-keys", "/dashboard/api-keys/", [("#api-keys", "warehouse sync")]),
        ("password", "/dashboard/password/", [("main", "Change password")]),
        ("not-found", "/dashboard/orders/00000000-0000-0000-0000-000000000000/", [("main", "Page not found")]),
    ], [
        ("tracking-page", f"/t/{product['live'].token}", [("h1", "Arriving"), (".status-line", "Out for delivery"), ("#notify", "Notify me")]),
        ("tracking-page-sv", f"/t/{product['live'].token}?lang=sv", [("#notify", "Meddela mig")]),
        ("tracking-revoked", f"/t/{product['revoked'].token}", [("h1", "no longer available")]),
        ("tracking-lookup", f"/track/{slug}", [("h1", "Track your order")]),
    ]


def _axe(page, source, context):
    page.evaluate(source + "\n;0")
    violations = page.evaluate(
        """async () => { const r = await axe.run(document, { resultTypes: ['violations'] });
             return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })); }"""
    )
    return [f"{context}: {json.dumps(v)}" for v in violations if v["impact"] in ("serious", "critical")]


def _check(page, live_server, path, expected, *, name, width, screenshot, axe, dashboard):
    problems = []
    page.goto(f"{live_server.url}{path}")
    for selector, text in expected:
        locator = page.locator(selector).first
        if not locator.count():
            problems.append(f"{name}@{width}: no {selector}")
        elif text and text not in locator.inner_text():
            problems.append(f"{name}@{width}: {selector} lacks {text!r}")
    if width == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{name}@phone: {overflow}px wider than the screen")
        if dashboard and not page.get_by_role("button", name="Log out").is_visible():
            problems.append(f"{name}@phone: 'Log out' is not visible")
    problems += _axe(page, axe, f"{name}@{width}")
    screenshot(page, f"{name}-{page.viewport_size['width']}")
    return problems


def test_every_page_reads_right_fits_a_phone_and_passes_axe(
    chromium, live_server, tenant, product, staff_login, screenshot, axe_source  # noqa: F811
):
    dashboard_pages, customer_pages = _pages(product, tenant.config.slug)
    problems = []
    for width, viewport in WIDTHS.items():
        context = chromium.new_context(viewport=viewport, is_mobile=width == "phone")
        page = context.new_page()
        staff_login(page, tenant.user)
        for name, path, expected in dashboard_pages:
            problems += _check(page, live_server, path, expected, name=name, width=width,
                               screenshot=screenshot, axe=axe_source, dashboard=True)
        context.close()
        customer = chromium.new_context(viewport=viewport, is_mobile=width == "phone", locale="en-US")
        page = customer.new_page()
        for name, path, expected in customer_pages:
            problems += _check(page, live_server, path, expected, name=name, width=width,
                               screenshot=screenshot, axe=axe_source, dashboard=False)
        customer.close()
    assert problems == [], "\n".join(problems)


def test_superuser_without_membership_sees_why(chromium, live_server, db, screenshot, axe_source):  # noqa: F811
    get_user_model().objects.create_superuser("root", "root@example.com", "correct horse battery")
    context = chromium.new_context(viewport=WIDTHS["phone"], is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/dashboard/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    assert "belongs to no organization" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Open the admin").is_visible()
    assert _axe(page, axe_source, "no-membership") == []
    screenshot(page, "no-membership-390")
    context.close()
