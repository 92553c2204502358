"""The benchmark data set, generated once per database (idempotent): 1,000 end users, 100,000
orders, 100,000 shipments with 300,000 checkpoints, 10,000 pending action requests, 100,000 events."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from embed.models import EmbedConfig
from orderly.accounts.models import EndUser, Organization
from orderly.accounts.services import organization_create
from orderly.api.tokens import PUBLISHABLE_PREFIX, token_generate
from orderly.features import FEATURES
from orders.models import Order, Shipment, TrackingCheckpoint

SLUG = "bench"
BATCH = 5000
JOURNEY = ["picked_up", "in_transit", "out_for_delivery", "delivered"]


def dataset_ensure(
    *, end_users=1000, orders=100_000, checkpoints_per_shipment=3, pending_requests=10_000, log=print
):
    org = Organization.objects.filter(slug=SLUG).first()
    if org is not None and Order.objects.filter(organization=org).count() >= orders:
        _events_ensure(org, orders, log)
        _analyze()
        return org
    from django.contrib.auth import get_user_model

    if org is not None:
        org.delete()
    get_user_model().objects.filter(email="bench@orderly.local").delete()
    rng = random.Random(42)
    now = timezone.now()
    with transaction.atomic():
        org, _user = organization_create(name="Bench 3PL", slug=SLUG, admin_email="bench@orderly.local")
        EmbedConfig.objects.create(
            organization=org,
            slug="bench-3pl",
            publishable_key=token_generate(PUBLISHABLE_PREFIX),
            branding={"primary_color": "#4F46E5", "company_name": "Bench 3PL"},
            enabled_features=list(FEATURES),
            allowed_bridge_types=["shopify"],
        )
        users = EndUser.objects.bulk_create(
            [
                EndUser(organization=org, external_id=f"bench_{i}", name=f"Merchant {i}")
                for i in range(end_users)
            ]
        )
    log(f"  {len(users)} end users")
    per_user = orders // end_users
    for start in range(0, orders, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, orders)):
            batch.append(
                Order(
                    organization=org,
                    end_user=users[i // per_user % end_users],
                    external_id=f"ext_{i}",
                    order_number=str(100000 + i),
                    status=rng.choice(["pending", "processing", "shipped", "delivered"]),
                    customer_name="Jane Doe",
                    customer_email="jane@example.com",
                    line_items=[{"title": "Widget", "quantity": 2, "price": 22.5}],
                    totals={"subtotal": 45.0, "tax": 4.99, "total": 49.99},
                    version_tag=f"v{i}",
                    ordered_at=now - dt.timedelta(minutes=i),
                )
            )
        created = Order.objects.bulk_create(batch)
        shipments = Shipment.objects.bulk_create(
            [
                Shipment(
                    organization=org,
                    order=o,
                    end_user_id=o.end_user_id,
                    tracking_number=f"1Z{o.order_number}",
                    carrier=rng.choice(["ups", "fedex", "usps", "dhl"]),
                    service="ground",
                    status="in_transit",
                )
                for o in created
            ]
        )
        TrackingCheckpoint.objects.bulk_create(
            [
                TrackingCheckpoint(
                    organization=org,
                    shipment=s,
                    status=JOURNEY[n],
                    status_detail="Scan",
                    city="Chicago",
                    state="IL",
                    country="US",
                    checkpoint_time=now - dt.timedelta(hours=checkpoints_per_shipment - n),
                )
                for s in shipments
                for n in range(checkpoints_per_shipment)
            ],
            batch_size=BATCH,
        )
        log(f"  {start + len(created)} orders with shipments and checkpoints")
    _pending_requests(org, pending_requests, now)
    _events_ensure(org, orders, log)
    _analyze()
    return org


def _events_ensure(org, count, log) -> None:
    """As many events in the log as orders (one `order.created` per order, with its end user):
    the event log's data. Added to a data set made before the log was measured."""
    from orderly.bulk import bulk_insert
    from orderly.events.models import Event
    from orderly.events.services import event_build

    have = Event.objects.filter(organization=org).count()
    if have >= count:
        return
    rows = Order.objects.filter(organization=org).order_by("created_at").values_list("id", "end_user_id", "order_number")
    batch = []
    for order_id, end_user_id, number in rows[have:count].iterator(chunk_size=BATCH):
        batch.append(
            event_build(
                organization_id=org.id,
                event_type="order.created",
                end_user_id=end_user_id,
                resource_type="order",
                resource_id=order_id,
                data={"id": str(order_id), "order_number": number, "status": "pending"},
            )
        )
        if len(batch) == BATCH:
            bulk_insert(batch)
            batch = []
    bulk_insert(batch)
    log(f"  {count - have} events")


def _analyze():
    """Fresh bulk loads have no planner statistics, and no visibility map for index-only scans, until
    autovacuum gets to them; measure a database in the state autovacuum keeps it in."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _pending_requests(org, count, now):
    from actions.models import ActionRequest

    order_ids = list(Order.objects.filter(organization=org).values_list("id", "end_user_id")[:count])
    ActionRequest.objects.bulk_create(
        [
            ActionRequest(
                organization=org,
                order_id=oid,
                end_user_id=uid,
                action_type="cancel",
                title="Please cancel",
                status="pending",
                expires_at=now + dt.timedelta(days=7),
            )
            for oid, uid in order_ids
        ],
        batch_size=BATCH,
    )
