"""A tracking link stops working when the sender turns tracking off (issue 13, item 11)."""

import pytest

from embed.services import embed_config_upsert
from tests.factories import ShipmentFactory
from tracking.models import TrackingPage
from tracking.services import tracking_page_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(tenant):
    owner = tenant.end_user()
    shipment = ShipmentFactory(order__end_user=owner)
    page, _created = tracking_page_create(end_user=owner, shipment_id=shipment.pk)
    return page


def _turn_off(tenant, how: str) -> None:
    if how == "inactive":
        embed_config_upsert(organization=tenant.organization, changes={"is_active": False})
    else:
        features = [f for f in tenant.config.enabled_features if f != "branded_tracking"]
        embed_config_upsert(organization=tenant.organization, changes={"enabled_features": features})


@pytest.mark.parametrize("how", ["inactive", "branded_tracking_off"])
def test_the_page_and_its_json_are_gone_with_the_reason(client, tenant, page, how):
    # given a link that works
    assert client.get(f"/t/{page.token}").status_code == 200

    # when the organization makes its config inactive, or turns branded tracking off
    _turn_off(tenant, how)
    html = client.get(f"/t/{page.token}")
    api = client.get(f"/api/v1/embed/tracking-pages/view/{page.token}")

    # then the page says why, with 410, and the JSON view agrees; the view is not counted
    assert html.status_code == 410
    assert "The sender has turned off tracking pages." in html.content.decode()
    assert api.status_code == 410
    assert api.json()["error"]["code"] == "gone"
    assert api.json()["error"]["details"] == {"reason": "tracking_disabled"}
    assert TrackingPage.objects.get(pk=page.pk).view_count == 1


def test_turning_tracking_back_on_brings_the_link_back(client, tenant, page):
    features = list(tenant.config.enabled_features)
    _turn_off(tenant, "branded_tracking_off")
    assert client.get(f"/t/{page.token}").status_code == 410

    embed_config_upsert(organization=tenant.organization, changes={"enabled_features": features})

    assert client.get(f"/t/{page.token}").status_code == 200


def test_a_revoked_page_says_it_was_turned_off(client, tenant, page):
    TrackingPage.objects.filter(pk=page.pk).update(is_active=False)
    response = client.get(f"/api/v1/embed/tracking-pages/view/{page.token}")
    assert response.status_code == 410
    assert response.json()["error"]["details"] == {"reason": "revoked"}
    assert "turned off by the sender" in client.get(f"/t/{page.token}").content.decode()
