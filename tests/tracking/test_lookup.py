"""The public order lookup /track/<slug>: order number + e-mail or postal code → the tracking pages.

The answer for "no such order" and for "wrong e-mail" is the same (status and page), and both
the client and the order number are throttled, so the form cannot be used to probe.
"""

import pytest

from tests.factories import OrderFactory, ShipmentFactory
from tracking.models import TrackingPage
from tracking.services import tracking_page_create, tracking_page_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(tenant):
    return OrderFactory(
        end_user=tenant.end_user(),
        order_number="#1001",
        customer_email="Jane@Example.com",
        shipping_address={"address1": "Storgatan 1", "city": "Lund", "zip": "223 50", "country": "SE"},
    )


def _lookup(client, tenant, **data):
    return client.post(f"/track/{tenant.config.slug}", data)


def test_lookup_by_email_goes_to_the_tracking_page(client, tenant, order):
    shipment = ShipmentFactory(order=order)

    response = _lookup(client, tenant, order_number="1001", contact="jane@example.com", lang="sv")

    page = TrackingPage.objects.get(shipment=shipment, is_active=True)  # created for the customer
    assert response.status_code == 303
    assert response["Location"] == f"/t/{page.token}?lang=sv"


def test_lookup_by_postal_code_ignores_spaces_and_reuses_the_page(client, tenant, order):
    shipment = ShipmentFactory(order=order)
    page, _ = tracking_page_create(end_user=order.end_user, shipment_id=shipment.id)

    response = _lookup(client, tenant, order_number="#1001", contact="22350")

    assert response.status_code == 303
    assert response["Location"].startswith(f"/t/{page.token}")


def test_several_parcels_are_listed(client, tenant, order):
    ShipmentFactory(order=order, tracking_number="1ZFIRST", carrier="postnord")
    ShipmentFactory(order=order, tracking_number="1ZSECOND", carrier="dhl")

    response = _lookup(client, tenant, order_number="1001", contact="223 50")

    html = response.content.decode()
    assert response.status_code == 200
    assert "This order is in 2 parcels." in html
    assert "PostNord" in html and "1ZFIRST" in html and "1ZSECOND" in html
    assert html.count('href="/t/') == 2


def test_matched_order_not_shipped_yet(client, tenant, order):
    response = _lookup(client, tenant, order_number="1001", contact="jane@example.com")
    assert response.status_code == 200
    assert "Your order has not shipped yet" in response.content.decode()


def test_a_revoked_link_is_not_handed_out_again(client, tenant, order):
    shipment = ShipmentFactory(order=order)
    page, _ = tracking_page_create(end_user=order.end_user, shipment_id=shipment.id)
    tracking_page_revoke(end_user=order.end_user, page_id=page.id)

    response = _lookup(client, tenant, order_number="1001", contact="jane@example.com")

    assert "Your order has not shipped yet" in response.content.decode()
    assert not TrackingPage.objects.filter(is_active=True).exists()


def test_no_such_order_and_wrong_contact_get_the_same_answer(client, tenant, order, other_tenant):
    ShipmentFactory(order=order)
    OrderFactory(end_user=other_tenant.end_user(), order_number="2002", customer_email="x@example.com")

    answers = [
        _lookup(client, tenant, order_number="9999", contact="jane@example.com"),  # no such order
        _lookup(client, tenant, order_number="1001", contact="someone@example.com"),  # wrong e-mail
        _lookup(client, tenant, order_number="1001", contact="99999"),  # wrong postal code
        _lookup(client, tenant, order_number="2002", contact="x@example.com"),  # another tenant's order
    ]

    bodies = {a.content.decode().replace('value="9999"', "").replace('value="1001"', "").replace('value="2002"', "")
              .replace('value="jane@example.com"', "").replace('value="someone@example.com"', "")
              .replace('value="99999"', "").replace('value="x@example.com"', "") for a in answers}
    assert {a.status_code for a in answers} == {404}
    assert len(bodies) == 1
    assert "We could not find an order with these details." in bodies.pop()
    assert not TrackingPage.objects.exists()


def test_lookup_is_throttled_per_client(client, tenant, order, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "tracking_lookup": "3/min"},
    }
    for n in range(3):
        assert _lookup(client, tenant, order_number=str(5000 + n), contact="a@b.example").status_code == 404

    response = _lookup(client, tenant, order_number="1001", contact="jane@example.com")  # even a right answer

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Too many attempts" in response.content.decode()


def test_lookup_is_throttled_per_order_number_across_clients(client, tenant, order, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "tracking_lookup_order": "2/h",
        },
    }
    # given guesses at one order's postal code from many addresses
    for n in range(2):
        response = client.post(
            f"/track/{tenant.config.slug}", {"order_number": "1001", "contact": f"1000{n}"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 404

    response = client.post(
        f"/track/{tenant.config.slug}", {"order_number": "#1001", "contact": "223 50"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429


def test_lookup_page_is_branded_and_needs_branded_tracking(client, tenant):
    response = client.get(f"/track/{tenant.config.slug}", HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Spåra din order" in html and "Acme Fulfillment" in html
    assert '<label for="lookup-order">Ordernummer</label>' in html

    tenant.config.enabled_features = ["bridges"]
    tenant.config.save()
    assert client.get(f"/track/{tenant.config.slug}").status_code == 404


def test_missing_fields_are_a_400(client, tenant):
    response = _lookup(client, tenant, order_number="1001", contact=" ")
    assert response.status_code == 400
    assert "Enter both" in response.content.decode()
