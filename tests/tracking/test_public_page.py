"""The public HTML page /t/<token>: branded, in the customer's language, cacheable, no PII,
a branded 410 when revoked or expired."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import CheckpointFactory, ShipmentFactory
from tracking.services import tracking_page_create, tracking_page_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(tenant):
    tenant.config.branding = {
        "primary_color": "#4F46E5",
        "company_name": "Acme Fulfillment",
        "logo_url": "https://cdn.acme.example/logo.png",
        "support_email": "help@acme.example",
    }
    tenant.config.save()
    end_user = tenant.end_user()
    shipment = ShipmentFactory(
        order__end_user=end_user,
        order__order_number="#1001",
        status="exception",
        tracking_number="1Z999AA10123456784",
        carrier="ups",
        estimated_delivery=dt.date(2030, 3, 8),
    )
    CheckpointFactory(
        shipment=shipment, status="exception", status_detail="Address unknown", location="Chicago, IL"
    )
    page, _ = tracking_page_create(end_user=end_user, shipment_id=shipment.id)
    return page


def test_page_shows_brand_status_journey_and_carrier_link(client, page):
    response = client.get(f"/t/{page.token}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Fulfillment" in html
    assert '<img src="https://cdn.acme.example/logo.png"' in html
    assert "Address unknown" in html
    assert "There is a problem with this delivery" in html
    # the carrier by its name, linked to its own tracking page; the number in one unbroken, copyable piece
    assert '<a href="https://www.ups.com/track?tracknum=1Z999AA10123456784"' in html
    assert ">UPS<" in html
    assert '<code id="tracking-number">1Z999AA10123456784</code>' in html
    assert 'data-copy="1Z999AA10123456784"' in html
    # the estimated delivery is the headline
    assert re.search(r'<h1 id="status-heading">Arriving Friday, March 8</h1>', html)
    assert 'href="mailto:help@acme.example"' in html
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]
    for pii in ("Jane Doe", "jane@example.com", "1 Secret Lane"):
        assert pii not in html
    # the order reference is the organization's choice, off by default
    assert "1001" not in html


def test_no_inline_script_or_style(client, page):
    html = client.get(f"/t/{page.token}").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert ' style="' not in html


def test_brand_colour_comes_from_a_stylesheet_with_readable_text(client, page, tenant):
    html = client.get(f"/t/{page.token}").content.decode()
    assert f'href="/track/{tenant.config.slug}/theme.css"' in html

    css = client.get(f"/track/{tenant.config.slug}/theme.css")
    assert css["Content-Type"].startswith("text/css")
    assert css.content.decode().strip() == ":root { --brand: #4F46E5; --brand-text: #ffffff; }"

    tenant.config.branding = {"primary_color": "#FDE68A"}  # a light yellow takes dark text
    tenant.config.save()
    assert "--brand-text: #111827" in client.get(f"/track/{tenant.config.slug}/theme.css").content.decode()


def test_unsafe_brand_values_are_not_put_into_the_page(client, page, tenant):
    tenant.config.branding = {
        "primary_color": "red;}</style><script>alert(1)</script>",
        "logo_url": "javascript:alert(2)",
        "support_url": "javascript:alert(3)",
    }
    tenant.config.save()
    html = client.get(f"/t/{page.token}").content.decode()
    css = client.get(f"/track/{tenant.config.slug}/theme.css").content.decode()
    assert "alert" not in html
    assert "--brand: #4F46E5" in css


def test_order_reference_shown_when_the_organization_chooses(client, page, tenant):
    tenant.config.settings = {"trackingShowOrderNumber": True}
    tenant.config.save()
    html = client.get(f"/t/{page.token}").content.decode()
    assert '<p class="order-ref">Order 1001</p>' in html  # never "##1001"


def test_swedish_by_accept_language_with_a_switcher(client, page):
    response = client.get(f"/t/{page.token}", HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9,en;q=0.5")

    html = response.content.decode()
    assert response["Content-Language"] == "sv"
    assert '<html lang="sv">' in html
    assert "Levereras fredag 8 mars" in html  # the date in Swedish, Swedish order
    assert "Leveransproblem" in html
    assert "Meddela mig" in html
    assert 'href="?lang=en"' in html and 'aria-current="true">Svenska</a>' in html

    english = client.get(f"/t/{page.token}?lang=en", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Arriving Friday, March 8" in english


def test_delivered_date_is_the_headline_and_notify_is_gone(client, tenant):
    end_user = tenant.end_user()
    delivered_at = timezone.now() - dt.timedelta(days=1)
    shipment = ShipmentFactory(order__end_user=end_user, status="delivered", actual_delivery=delivered_at)
    page, _ = tracking_page_create(end_user=end_user, shipment_id=shipment.id)

    html = client.get(f"/t/{page.token}").content.decode()

    assert f"Delivered {delivered_at:%A}, {delivered_at:%B} {delivered_at.day}</h1>" in html
    assert 'id="notify"' not in html


def test_unknown_carrier_is_named_without_a_guessed_link(client, tenant):
    end_user = tenant.end_user()
    shipment = ShipmentFactory(order__end_user=end_user, carrier="acme_freight", tracking_number="AF-1")
    page, _ = tracking_page_create(end_user=end_user, shipment_id=shipment.id)
    html = client.get(f"/t/{page.token}").content.decode()
    assert '<dd class="carrier">Acme Freight' in html


def test_revoked_page_is_a_branded_410(client, page):
    tracking_page_revoke(end_user=page.end_user, page_id=page.id)
    response = client.get(f"/t/{page.token}", HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    assert response.status_code == 410
    assert "inte längre tillgänglig" in html
    assert "Acme Fulfillment" in html
    assert f"/track/{page.organization.embed_config.slug}" in html  # the way to find the order again


def test_expired_page_is_a_branded_410(client, tenant, settings):
    end_user = tenant.end_user()
    delivered = timezone.now() - dt.timedelta(days=settings.ORDERLY_TRACKING_PAGE_TTL_DAYS + 1)
    shipment = ShipmentFactory(order__end_user=end_user, status="delivered", actual_delivery=delivered)
    page, _ = tracking_page_create(end_user=end_user, shipment_id=shipment.id)
    response = client.get(f"/t/{page.token}")
    assert response.status_code == 410
    assert "Acme Fulfillment" in response.content.decode()


def test_unknown_token_is_404(client, db):
    response = client.get("/t/not-a-real-token")
    assert response.status_code == 404
    assert "Tracking link not found" in response.content.decode()


def test_a_shared_rendering_follows_every_change_it_shows(client, page, tenant):
    # given the page, shown once (its rendering is kept in the shared cache)
    from embed.services import embed_config_upsert
    from orders.services import tracking_checkpoint_create
    from tracking.models import TrackingPage

    assert "Acme Fulfillment" in client.get(f"/t/{page.token}").content.decode()
    # when a checkpoint arrives and the brand is renamed, each through its service
    tracking_checkpoint_create(
        organization=tenant.organization,
        shipment_id=page.shipment_id,
        data={"status": "in_transit", "status_detail": "Departed Memphis hub", "checkpoint_time": timezone.now()},
    )
    first = client.get(f"/t/{page.token}").content.decode()
    tracking_checkpoint_create(  # older than the newest: the status stays, the journey grows
        organization=tenant.organization,
        shipment_id=page.shipment_id,
        data={"status": "picked_up", "status_detail": "Picked up in Reno", "checkpoint_time": timezone.now() - dt.timedelta(days=9)},
    )
    older = client.get(f"/t/{page.token}").content.decode()
    embed_config_upsert(
        organization=tenant.organization, changes={"branding": {**tenant.config.branding, "company_name": "Beta Logistics"}}
    )
    second = client.get(f"/t/{page.token}").content.decode()
    # then each view shows the change at once, and every view was counted
    assert "Departed Memphis hub" in first
    assert "Picked up in Reno" in older
    assert "Beta Logistics" in second and "Acme Fulfillment" not in second
    assert TrackingPage.objects.get(pk=page.pk).view_count == 4
