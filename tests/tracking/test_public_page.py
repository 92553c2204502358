"""The public HTML page /t/<token>: branded, cacheable, no PII, a clear 410 when revoked."""

import pytest

from tests.factories import CheckpointFactory, ShipmentFactory
from tracking.services import tracking_page_create, tracking_page_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(tenant):
    end_user = tenant.end_user()
    shipment = ShipmentFactory(
        order__end_user=end_user, status="exception", tracking_number="1Z999AA10123456784"
    )
    CheckpointFactory(
        shipment=shipment, status="exception", status_detail="Address unknown", location="Chicago, IL"
    )
    page, _ = tracking_page_create(end_user=end_user, shipment_id=shipment.id)
    return page


def test_page_shows_brand_status_and_journey(client, page):
    response = client.get(f"/t/{page.token}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Fulfillment" in html
    assert "1Z999AA10123456784" in html
    assert "Address unknown" in html
    assert "There is a problem with this delivery" in html
    assert "--brand: #4F46E5" in html
    assert response["Cache-Control"] == "public, max-age=60"
    for pii in ("Jane Doe", "jane@example.com", "1 Secret Lane"):
        assert pii not in html
    assert "https://" not in html.replace(page.organization.embed_config.branding.get("logo_url") or "-", "")


def test_unsafe_brand_colour_is_not_put_into_css(client, page, tenant):
    tenant.config.branding = {"primary_color": "red;}</style><script>alert(1)</script>"}
    tenant.config.save()
    html = client.get(f"/t/{page.token}").content.decode()
    assert "alert(1)" not in html
    assert "--brand: #4F46E5" in html


def test_revoked_page_renders_410(client, page):
    tracking_page_revoke(end_user=page.end_user, page_id=page.id)
    response = client.get(f"/t/{page.token}")
    assert response.status_code == 410
    assert "no longer available" in response.content.decode()
