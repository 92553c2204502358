"""Demo orders and shipments with realistic tracking journeys (part of `manage.py seed_demo`).

Written directly with bulk inserts so it runs in well under a second; idempotent (a no-op when
the demo orders exist).
"""

import datetime as dt
import random

from django.utils import timezone

from orderly.accounts.models import EndUser
from orders.models import Order, OrderActivity, Shipment, TrackingCheckpoint
from orders.services import order_activity_build, order_version_tag_generate

ORDER_COUNT = 40
PREFIX = "demo-order-"
PRODUCTS = [
    ("Canvas Tote", "TOTE-01", 24.0),
    ("Ceramic Mug", "MUG-11", 14.5),
    ("Linen Apron", "APR-03", 32.0),
    ("Beeswax Candle", "CND-07", 18.0),
    ("Travel Journal", "JRN-02", 21.0),
    ("Espresso Beans 1kg", "COF-1K", 29.9),
]
CUSTOMERS = [
    ("Jane Doe", "jane@example.com", "+1 555 0100"),
    ("Arjun Patel", "arjun@example.com", ""),
    ("Maria Garcia", "", "+1 555 0142"),
    ("Chen Wei", "chen@example.com", "+1 555 0199"),
    ("Olu Adeyemi", "olu@example.com", ""),
]
CITIES = [
    ("Los Angeles", "CA", "90001", 34.05, -118.24),
    ("Phoenix", "AZ", "85001", 33.45, -112.07),
    ("Denver", "CO", "80202", 39.74, -104.99),
    ("Chicago", "IL", "60601", 41.88, -87.63),
    ("Columbus", "OH", "43004", 39.96, -83.0),
    ("New York", "NY", "10001", 40.71, -74.01),
]
CARRIERS = [
    ("ups", "ground", "1Z999AA1"),
    ("fedex", "home_delivery", "7489"),
    ("usps", "priority", "9400"),
    ("dhl", "express", "JD01"),
]
# The last status of each journey; the checkpoints walk there through the usual steps.
JOURNEYS = {
    "delivered": ["info_received", "picked_up", "in_transit", "in_transit", "out_for_delivery", "delivered"],
    "in_transit": ["info_received", "picked_up", "in_transit", "in_transit"],
    "out_for_delivery": ["info_received", "picked_up", "in_transit", "out_for_delivery"],
    "exception": ["info_received", "picked_up", "in_transit", "exception"],
    "failed_attempt": ["info_received", "picked_up", "in_transit", "out_for_delivery", "failed_attempt"],
}
DETAILS = {
    "info_received": ("Shipping label created", "MP"),
    "picked_up": ("Picked up by carrier", "PU"),
    "in_transit": ("Departed facility", "DP"),
    "out_for_delivery": ("Out for delivery", "OD"),
    "delivered": ("Delivered, front door", "DL"),
    "exception": ("Weather delay: held at facility", "EX"),
    "failed_attempt": ("Delivery attempted, no access", "FA"),
}


def seed(*, organization, user, stdout) -> None:
    if Order.objects.filter(organization=organization, external_id__startswith=PREFIX).exists():
        return
    rng = random.Random(7)
    end_users = list(EndUser.objects.filter(organization=organization).order_by("created_at"))
    if len(end_users) < 2:
        end_users += [
            EndUser.objects.get_or_create(
                organization=organization,
                external_id=f"demo-merchant-{n}",
                defaults={"name": f"Demo Store {n}", "email": f"store{n}@demo.example"},
            )[0]
            for n in range(1, 6)
        ]
    now = timezone.now()
    orders, shipments, checkpoints, activities = [], [], [], []
    for n in range(ORDER_COUNT):
        ordered_at = now - dt.timedelta(days=ORDER_COUNT - n, hours=rng.randint(0, 20))
        items = [
            {"title": title, "sku": sku, "quantity": rng.randint(1, 3), "price": price}
            for title, sku, price in rng.sample(PRODUCTS, rng.randint(1, 3))
        ]
        subtotal = round(sum(i["quantity"] * i["price"] for i in items), 2)
        tax, shipping = round(subtotal * 0.08, 2), 6.95
        name, email, phone = CUSTOMERS[n % len(CUSTOMERS)]
        city, state, zipcode, _lat, _lng = CITIES[-1 - (n % 3)]
        shipped = n < 30
        journey = list(JOURNEYS)[n % len(JOURNEYS)] if shipped else None
        status = {
            "delivered": "delivered",
            None: ["pending", "confirmed", "processing", "on_hold"][n % 4],
        }.get(journey, "shipped")
        order = Order(
            organization=organization,
            end_user=end_users[n % len(end_users)],
            external_id=f"{PREFIX}{n + 1:03d}",
            order_number=f"{1001 + n}",
            po_number=f"PO-{5000 + n}" if n % 3 == 0 else None,
            status=status,
            fulfillment_status="fulfilled" if shipped else "unfulfilled",
            payment_status="paid" if n % 7 else "pending",
            customer_name=name,
            customer_email=email,
            customer_phone=phone,
            line_items=items,
            shipping_address={
                "address1": f"{100 + n} Market St",
                "city": city,
                "state": state,
                "zip": zipcode,
                "country": "US",
            },
            totals={
                "subtotal": subtotal,
                "tax": tax,
                "shipping": shipping,
                "total": round(subtotal + tax + shipping, 2),
            },
            currency="USD",
            tags=["vip"] if n % 5 == 0 else [],
            ordered_at=ordered_at,
            version_tag=order_version_tag_generate(),
        )
        orders.append(order)
        activities.append(
            order_activity_build(
                order=order,
                activity_type="created",
                title="Order created",
                description="Imported from the demo store",
            )
        )
        if not shipped:
            continue
        carrier, service, prefix = CARRIERS[n % len(CARRIERS)]
        shipment = Shipment(
            organization=organization,
            order=order,
            end_user=order.end_user,
            external_id=f"demo-shp-{n + 1:03d}",
            tracking_number=f"{prefix}{rng.randint(10**9, 10**10 - 1)}",
            carrier=carrier,
            service=service,
            status=journey,
            ship_date=(ordered_at + dt.timedelta(days=1)).date(),
            estimated_delivery=(ordered_at + dt.timedelta(days=5)).date(),
            weight={"value": round(rng.uniform(0.5, 8), 1), "unit": "lb"},
            dimensions={"length": 12, "width": 8, "height": 6, "unit": "in"},
            ship_from={"city": "Los Angeles", "state": "CA", "country": "US"},
            ship_to={"city": city, "state": state, "country": "US"},
        )
        when = ordered_at + dt.timedelta(hours=18)
        for step, cp_status in enumerate(JOURNEYS[journey]):
            stop = (
                CITIES[min(step, len(CITIES) - 1)]
                if cp_status not in ("out_for_delivery", "delivered", "failed_attempt")
                else CITIES[-1 - (n % 3)]
            )
            detail, code = DETAILS[cp_status]
            checkpoints.append(
                TrackingCheckpoint(
                    organization=organization,
                    shipment=shipment,
                    status=cp_status,
                    status_detail=detail,
                    location=f"{stop[0]}, {stop[1]}",
                    city=stop[0],
                    state=stop[1],
                    country="US",
                    postal_code=stop[2],
                    latitude=stop[3],
                    longitude=stop[4],
                    checkpoint_time=when,
                    carrier_status_code=code,
                )
            )
            shipment.latest_checkpoint_at = when
            when += dt.timedelta(hours=rng.randint(6, 20))
        if journey == "delivered":
            shipment.actual_delivery = shipment.latest_checkpoint_at
        shipments.append(shipment)
        activities.append(
            order_activity_build(
                order=order,
                activity_type="shipment",
                title="Shipment created",
                description=f"{carrier} {shipment.tracking_number}",
            )
        )
    Order.objects.bulk_create(orders)
    Shipment.objects.bulk_create(shipments)
    TrackingCheckpoint.objects.bulk_create(checkpoints)
    OrderActivity.objects.bulk_create(activities)
    stdout.write(f"Orders: {len(orders)} orders, {len(shipments)} shipments, {len(checkpoints)} checkpoints.")
