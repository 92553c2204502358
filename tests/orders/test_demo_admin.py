"""Demo data (idempotent, quick, realistic) and the admin pages for orders and shipments."""

import io
import time

import pytest

from orders import demo
from orders.models import Order, Shipment, TrackingCheckpoint
from tests.factories import CheckpointFactory, MembershipFactory, OrderActivityFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_quick():
    # given
    membership = MembershipFactory()
    org = membership.organization

    # when
    started = time.monotonic()
    demo.seed(organization=org, user=membership.user, stdout=io.StringIO())
    elapsed = time.monotonic() - started
    demo.seed(organization=org, user=membership.user, stdout=io.StringIO())

    # then
    assert elapsed < 5
    assert Order.objects.filter(organization=org).count() == 40
    assert org.end_users.count() == 5
    shipments = Shipment.objects.filter(organization=org)
    assert {s.carrier for s in shipments} == {"ups", "fedex", "usps", "dhl"}
    assert {"delivered", "in_transit", "exception", "out_for_delivery"} <= {s.status for s in shipments}
    assert all(o.version_tag for o in Order.objects.filter(organization=org))
    for shipment in shipments:
        newest = TrackingCheckpoint.objects.filter(shipment=shipment).order_by("-checkpoint_time").first()
        assert newest.status == shipment.status
        assert shipment.end_user_id == shipment.order.end_user_id


def test_admin_pages_render(client, tenant):
    # given
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789")
    activity = OrderActivityFactory(order__end_user=tenant.end_user())
    checkpoint = CheckpointFactory(shipment__order=activity.order)
    client.force_login(admin)

    # when / then
    for url in [
        "/admin/orders/order/",
        f"/admin/orders/order/{activity.order.pk}/change/",
        "/admin/orders/shipment/?carrier=ups",
        f"/admin/orders/shipment/{checkpoint.shipment.pk}/change/",
        "/admin/orders/order/?q=ext_",
        "/admin/orders/orderingest/",
    ]:
        assert client.get(url).status_code == 200, url


def test_dashboard_order_pages_show_only_own_org(client, tenant, other_tenant):
    # given
    mine = CheckpointFactory(shipment__order__end_user=tenant.end_user(), status="delivered").shipment.order
    shipped = OrderActivityFactory(order__end_user=tenant.end_user(), order__status="shipped").order
    theirs = OrderActivityFactory(order__end_user=other_tenant.end_user()).order
    client.force_login(tenant.user)

    # when
    listing = client.get("/dashboard/orders/")
    filtered = client.get("/dashboard/orders/?status=shipped")
    invalid = client.get("/dashboard/orders/?status=lost")
    detail = client.get(f"/dashboard/orders/{mine.pk}/")
    foreign = client.get(f"/dashboard/orders/{theirs.pk}/")

    # then
    assert listing.status_code == 200
    html = listing.content.decode()
    assert str(mine.pk) in html and str(shipped.pk) in html and str(theirs.pk) not in html
    assert str(mine.pk) not in filtered.content.decode() and str(shipped.pk) in filtered.content.decode()
    assert invalid.status_code == 200 and str(mine.pk) not in invalid.content.decode()
    assert detail.status_code == 200
    assert mine.order_number in detail.content.decode()
    assert foreign.status_code == 404
    client.logout()
    assert client.get("/dashboard/orders/").status_code == 302
