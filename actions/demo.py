"""Demo action requests for `manage.py seed_demo` (idempotent; quiet when there are no orders yet)."""

from actions.models import ActionRequest
from actions.services import action_request_create
from orders.models import Order, OrderStatus

DEMO_REQUESTS = [
    ("cancel", "Please cancel this order", "I ordered the wrong size.", {"reason": "wrong_item"}),
    ("hold", "Hold until Monday", "Our receiving dock is closed this weekend.", None),
    ("expedite", "Upgrade to 2-day shipping", "Needed for a trade show on Friday.", {"service": "2day"}),
    (
        "address_change",
        "Update shipping address",
        "Moving to a new office.",
        {
            "address": {
                "street": "456 New Street",
                "city": "San Francisco",
                "state": "CA",
                "zip": "94102",
                "country": "US",
            }
        },
    ),
    ("note", "Gift wrap, please", "Include a gift receipt, no prices.", None),
    ("other", "Split into two parcels", "One box per store location if possible.", None),
]
ROUNDS = 2  # two of each type, on different orders where there are enough


# Requests whose approval changes the order's status or address only succeed on an open order
# (a shipped order cannot be held, cancelled or re-addressed): the demo files them on those only,
# so approving any demo request shows its operation completing, not a failure staff cannot fix.
NEEDS_OPEN_ORDER = {"cancel", "hold", "address_change"}
OPEN_STATUSES = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING)


def seed(*, organization, user, stdout):
    if ActionRequest.objects.for_organization(organization).exists():
        return
    orders = list(
        Order.objects.for_organization(organization)
        .filter(end_user__isnull=False)
        .select_related("end_user")
        .order_by("created_at")
    )
    if not orders:
        return
    open_orders = [o for o in orders if o.status in OPEN_STATUSES]
    others = [o for o in orders if o.status not in OPEN_STATUSES] or orders
    created = 0
    for index, (action_type, title, description, changes) in enumerate(DEMO_REQUESTS * ROUNDS):
        if action_type in NEEDS_OPEN_ORDER:
            if not open_orders:
                continue
            # One status-changing request per open order, so approving one cannot spoil another.
            order = open_orders.pop(0)
        else:
            order = others[index % len(others)]
        action_request_create(
            end_user=order.end_user,
            order_id=order.pk,
            action_type=action_type,
            title=title,
            description=description,
            requested_changes=changes,
        )
        created += 1
    stdout.write(f"Action requests: {created} pending requests in the review queue.")
