"""What staff can do from the dashboard: act on orders, follow an approval to its outcome, add a
webhook, manage tracking links; and the pages around it (password, errors) are the dashboard's own."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from actions.models import ActionRequest
from actions.services import action_request_create, action_request_resolve
from operations.models import Operation
from orders.models import Order
from tests.factories import OrderFactory, ShipmentFactory
from tracking.models import TrackingPage
from webhooks.models import Webhook

# Real commits: operations run in on-commit tasks (eager here), as the worker runs them.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(tenant):
    browser = Client()
    browser.force_login(tenant.user)
    return browser


def _act(staff, order, op_type, **fields):
    return staff.post("/dashboard/operations/new/", {"order_id": order.pk, "type": op_type, **fields}, follow=True)


def test_order_page_offers_the_actions_that_can_succeed(staff, tenant):
    order = OrderFactory(end_user=tenant.end_user(), status="confirmed")
    html = staff.get(f"/dashboard/orders/{order.pk}/").content.decode()
    assert 'value="hold_order"' in html and 'value="cancel_order"' in html
    assert 'value="release_hold"' not in html  # not on hold
    assert 'value="add_order_note"' in html and 'value="update_shipping_address"' in html
    assert 'value="create_shipment"' in html

    order.status = "shipped"
    order.save()
    html = staff.get(f"/dashboard/orders/{order.pk}/").content.decode()
    assert 'value="hold_order"' not in html and 'value="cancel_order"' not in html
    assert "An order that is shipped cannot be cancelled." in html


def test_hold_then_release_from_the_order_page(staff, tenant):
    order = OrderFactory(end_user=tenant.end_user(), status="confirmed")

    response = _act(staff, order, "hold_order", reason="Customer asked")

    operation = Operation.objects.get(type="hold_order")
    assert response.redirect_chain[-1][0] == f"/dashboard/operations/{operation.pk}/"
    html = response.content.decode()
    assert "Hold order: done." in html
    assert '<span class="badge badge-completed">Completed</span>' in html
    order.refresh_from_db()
    assert order.status == "on_hold" and operation.created_by == order.organization.memberships.get().user

    _act(staff, order, "release_hold")
    order.refresh_from_db()
    assert order.status == "confirmed"


def test_note_address_and_shipment_from_the_order_page(staff, tenant):
    order = OrderFactory(end_user=tenant.end_user(), status="processing", notes=None)
    _act(staff, order, "add_order_note", note="Fragile")
    _act(staff, order, "update_shipping_address", name="Jane", address1="Storgatan 1", city="Lund", zip="22350", country="SE")
    _act(staff, order, "create_shipment", carrier="postnord", service="parcel", trackingNumber="PN123")
    order.refresh_from_db()
    assert order.notes == "Fragile"
    assert order.shipping_address == {"name": "Jane", "address1": "Storgatan 1", "city": "Lund", "zip": "22350", "country": "SE"}
    assert order.shipments.get().tracking_number == "PN123"


def test_invalid_input_is_refused_as_the_api_refuses_it(staff, tenant):
    order = OrderFactory(end_user=tenant.end_user())
    response = _act(staff, order, "add_order_note", note="")
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/dashboard/orders/{order.pk}/"
    assert "Not done: Invalid input. Note: This field is required." in html, re.findall(r'msg-error[^>]*>([^<]*)', html)
    assert "ErrorDetail" not in html and "{&#x27;" not in html
    assert not Operation.objects.exists()


def test_another_organizations_order_is_a_404(staff, other_tenant):
    order = OrderFactory(end_user=other_tenant.end_user())
    assert staff.post("/dashboard/operations/new/", {"order_id": order.pk, "type": "hold_order"}).status_code == 404


def test_an_approval_shows_its_operations_outcome(staff, tenant):
    # given a hold request on an order that has shipped since
    order = OrderFactory(end_user=tenant.end_user(), status="confirmed")
    request = action_request_create(end_user=order.end_user, order_id=order.pk, action_type="hold", title="Hold it")
    Order.objects.filter(pk=order.pk).update(status="shipped")

    # when staff approve it
    response = staff.post(f"/dashboard/requests/{request.pk}/resolve/", {"decision": "approved"}, follow=True)

    # then the request page says the operation failed and why, linked, not just "approved"
    html = response.content.decode()
    operation = Operation.objects.get(action_request_id=request.pk)
    assert response.redirect_chain[-1][0] == f"/dashboard/requests/{request.pk}/"
    assert "The approval's operation failed:" in html
    assert "An order that is shipped cannot be put on hold." in html
    assert f'href="/dashboard/operations/{operation.pk}/"' in html
    # and the queue shows it too
    queue = staff.get("/dashboard/requests/?status=approved").content.decode()
    assert f'href="/dashboard/operations/{operation.pk}/" title="An order that is shipped cannot be put on hold.">Operation failed</a>' in queue


def test_a_successful_approval_says_done(staff, tenant):
    order = OrderFactory(end_user=tenant.end_user(), status="confirmed")
    request = action_request_create(end_user=order.end_user, order_id=order.pk, action_type="hold", title="Hold it")
    html = staff.post(f"/dashboard/requests/{request.pk}/resolve/", {"decision": "approved"}, follow=True).content.decode()
    assert "Done: the order was changed as requested." in html


def test_demo_requests_can_all_be_approved(tenant):
    from actions import demo
    from orders import demo as orders_demo

    orders_demo.seed(organization=tenant.organization, user=tenant.user, stdout=io.StringIO())
    demo.seed(organization=tenant.organization, user=tenant.user, stdout=io.StringIO())
    requests = list(ActionRequest.objects.for_organization(tenant.organization))
    assert len(requests) >= 6

    for request in requests:
        action_request_resolve(
            request_id=request.pk, organization=tenant.organization, status="approved", note=None, actor=tenant.user
        )

    failed = list(Operation.objects.filter(status="failed").values_list("type", "error"))
    assert failed == []
    assert Operation.objects.filter(status="completed").count() == Operation.objects.count() > 0


def test_add_a_webhook_endpoint_and_see_the_secret_once(staff, tenant):
    response = staff.post(
        "/dashboard/webhooks/new/",
        {"url": "https://hooks.example.com/orderly", "description": "ERP", "events": ["order.created", "operation.failed"]},
    )
    html = response.content.decode()
    webhook = Webhook.objects.get(organization=tenant.organization)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = re.search(r'<code id="webhook-secret">(whsec_[^<]+)</code>', html).group(1)
    assert webhook.end_user is None and webhook.events == ["order.created", "operation.failed"]
    assert secret not in staff.get(f"/dashboard/webhooks/{webhook.pk}/").content.decode()


def test_webhook_form_errors_are_sentences(staff, settings):
    settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE = False
    response = staff.post("/dashboard/webhooks/new/", {"url": "http://10.0.0.1/hook", "events": ["order.created"]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "https" in html and "ErrorDetail" not in html
    assert not Webhook.objects.exists()
    response = staff.post("/dashboard/webhooks/new/", {"url": "https://hooks.example.com/x"})
    assert "This field is required." in response.content.decode()


def test_create_copy_and_revoke_a_tracking_link(staff, tenant):
    order = OrderFactory(end_user=tenant.end_user())
    shipment = ShipmentFactory(order=order)
    page_url = f"/dashboard/orders/{order.pk}/"

    html = staff.post("/dashboard/tracking/new/", {"shipment_id": shipment.pk, "next": page_url}, follow=True).content.decode()

    page = TrackingPage.objects.get(shipment=shipment, is_active=True)
    assert "Tracking link created." in html
    assert f'data-copy="http://testserver/t/{page.token}"' in html

    html = staff.post(f"/dashboard/tracking/{page.pk}/revoke/", {"next": page_url}, follow=True).content.decode()
    page.refresh_from_db()
    assert not page.is_active and "Tracking link revoked" in html
    assert "Create a tracking link" in html


def test_tracking_links_of_another_organization_are_404(staff, other_tenant):
    shipment = ShipmentFactory(order__end_user=other_tenant.end_user())
    assert staff.post("/dashboard/tracking/new/", {"shipment_id": shipment.pk}).status_code == 404
    assert staff.post("/dashboard/tracking/new/", {"shipment_id": "not-a-uuid"}).status_code == 404


def test_config_form_errors_are_sentences(staff, tenant):
    response = staff.post(
        "/dashboard/embed/config/",
        {"slug": tenant.config.slug, "primary_color": "#123456", "logo_url": "http://cdn.example.com/logo.png", "is_active": "on"},
    )
    html = response.content.decode()
    assert "Must be an https URL." in html
    assert "ErrorDetail" not in html and "logo_url:" not in html


def test_config_keeps_branding_keys_the_form_does_not_show(staff, tenant):
    tenant.config.branding = {"company_name": "Acme", "secondary_color": "#111111"}
    tenant.config.save()
    staff.post(
        "/dashboard/embed/config/",
        {"slug": tenant.config.slug, "company_name": "Acme Fulfillment", "primary_color": "#123456",
         "support_email": "help@acme.example", "tracking_show_order_number": "on", "is_active": "on"},
    )
    tenant.config.refresh_from_db()
    assert tenant.config.branding["secondary_color"] == "#111111"
    assert tenant.config.branding["support_email"] == "help@acme.example"
    assert tenant.config.settings["trackingShowOrderNumber"] is True


def test_previews_render_the_real_templates(staff):
    tracking = staff.get("/dashboard/tracking/preview/?company_name=Nordic+3PL&primary_color=%23FDE68A")
    assert tracking["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in tracking["Content-Security-Policy"]
    assert "Nordic 3PL" in tracking.content.decode() and 'id="tracking-number"' in tracking.content.decode()
    theme = staff.get("/dashboard/tracking/preview/theme.css?primary_color=%23FDE68A").content.decode()
    assert "--brand: #FDE68A; --brand-text: #111827;" in theme
    embed = staff.get("/dashboard/embed/config/preview/?company_name=Nordic+3PL&primary_color=javascript:x")
    assert "Nordic 3PL" in embed.content.decode() and "embed/app/app.css" in embed.content.decode()
    assert "--o-primary: #4F46E5" in staff.get("/dashboard/embed/config/preview/theme.css?primary_color=bad").content.decode()


def test_password_change_is_the_dashboards_own_page(staff):
    html = staff.get("/dashboard/password/").content.decode()
    assert 'class="sidebar"' in html and "Change password" in html
    assert "Django administration" not in html and 'href="/admin/' not in html


def test_a_superuser_without_membership_is_told_why(db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789")
    browser = Client()
    browser.force_login(admin)
    response = browser.get("/dashboard/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "belongs to no organization" in html and "Open the admin" in html
    assert "Orderly" in html


def test_404_and_500_pages_are_branded(staff, client):
    response = staff.get("/dashboard/orders/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() and "app.css" in response.content.decode()
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and "app.css" in html
