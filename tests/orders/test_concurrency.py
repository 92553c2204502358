"""Concurrent checkpoints: whatever the arrival order, the shipment ends on the newest one."""

import datetime as dt
import threading

import pytest
from django.db import connection

from orders.models import Shipment
from orders.services import tracking_checkpoint_create
from tests.factories import OrderFactory, ShipmentFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkpoints_never_regress_status(tenant):
    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database refuses concurrent writers ('table is locked')")
    # given
    t0 = dt.datetime(2026, 1, 15, 8, tzinfo=dt.UTC)
    steps = [
        ("picked_up", 0),
        ("in_transit", 6),
        ("out_for_delivery", 30),
        ("delivered", 36),
        ("in_transit", 12),
    ]
    shipments = [
        ShipmentFactory(order=OrderFactory(end_user=tenant.end_user()), status="pending") for _ in range(3)
    ]
    errors = []

    def post(shipment_id, status, hours):
        try:
            tracking_checkpoint_create(
                organization=tenant.organization,
                shipment_id=shipment_id,
                data={"status": status, "checkpoint_time": t0 + dt.timedelta(hours=hours)},
            )
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # when: every checkpoint of every shipment at once
    threads = [
        threading.Thread(target=post, args=(s.pk, status, hours))
        for s in shipments
        for status, hours in steps
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # then
    assert errors == []
    for shipment in Shipment.objects.filter(pk__in=[s.pk for s in shipments]):
        assert shipment.status == "delivered"
        assert shipment.latest_checkpoint_at == t0 + dt.timedelta(hours=36)
        assert shipment.actual_delivery == t0 + dt.timedelta(hours=36)
        assert shipment.checkpoints.count() == len(steps)
