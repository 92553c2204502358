"""Bridge sync throughput: orders per second from a loopback bridge service into the data room.

Product: one sync run as the worker runs it (`bridges.sync.sync_run_execute`): `POST <base>/orders`
page after page (100 orders a page) from a threaded HTTP server on loopback, each order validated
as the ingest API validates it and upserted through `orders.services.order_upsert`, progress saved
per page.

Floor: the ingest service called in a loop with the same orders — each validated by the ingest
API's serializer and passed to `order_upsert` in its own transaction, as `POST /api/v1/orders`
would, minus HTTP. The product does that work plus fetching and parsing the pages and its run
bookkeeping; ratio = product orders/s ÷ floor orders/s.

Both enqueue the same after-commit processing task per order (to the configured broker), which
runs outside the timing.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python -m bench.run --only sync [--sync-orders N]
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = 100


def _orders(count: int, prefix: str) -> list[dict]:
    return [
        {
            "externalId": f"{prefix}-{n}",
            "orderNumber": f"S{n:06d}",
            "status": "confirmed",
            "paymentStatus": "paid",
            "customer": {"name": f"Customer {n}", "email": f"c{n}@example.com", "phone": None},
            "lineItems": [
                {"title": "Mug", "sku": "MUG-1", "quantity": 2, "price": 12.5},
                {"title": "Tea", "sku": "TEA-7", "quantity": 1, "price": 6.0},
            ],
            "shippingAddress": {"address1": "1 Main St", "city": "Berlin", "zip": "10115", "country": "DE"},
            "totals": {"subtotal": 31.0, "shipping": 4.9, "total": 35.9},
            "currency": "EUR",
            "tags": ["web"],
            "orderedAt": "2026-03-01T12:00:00.000Z",
            "updatedAt": f"2026-03-01T12:{n // 600 % 60:02d}:{n // 10 % 60:02d}.000Z",
        }
        for n in range(count)
    ]


def _service(orders: list[dict]) -> ThreadingHTTPServer:
    """A bridge service answering `POST /<type>/orders` from memory (CONTRACT §10)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            start = int(body["cursor"] or 0)
            end = start + body["limit"]
            payload = json.dumps(
                {"orders": orders[start:end], "nextCursor": str(end) if end < len(orders) else None}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sync_bench(*, orders: int = 10_000) -> dict:
    from django.conf import settings
    from django.db import transaction

    from bridges.models import Bridge, SyncRun
    from bridges.sync import sync_run_execute, sync_run_request
    from orderly.accounts.models import EndUser, Organization
    from orders.api.serializers import OrderCreateInput
    from orders.models import Order
    from orders.services import order_upsert

    tag = uuid.uuid4().hex[:8]
    organization = Organization.objects.create(name=f"Bench sync {tag}", slug=f"bench-sync-{tag}")
    end_user = EndUser.objects.create(organization=organization, external_id=f"bench-{tag}")
    bridge = Bridge.objects.create(
        organization=organization, end_user=end_user, type="shipstation", name="Bench store"
    )
    product_orders = _orders(orders, f"sync-{tag}")
    floor_orders = _orders(orders, f"floor-{tag}")
    server = _service(product_orders)
    settings.ORDERLY_BRIDGE_SERVICE_URL = f"http://127.0.0.1:{server.server_port}/{{type}}"
    settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE = True  # the service is on loopback
    settings.ORDERLY_BRIDGE_SYNC_PAGE_SIZE = PAGE
    try:
        # Product: a whole run, as the worker runs it.
        started = time.perf_counter()
        with transaction.atomic():
            run, _created = sync_run_request(bridge=bridge, trigger=SyncRun.Trigger.MANUAL)
        sync_run_execute(run_id=run.pk)
        product_s = time.perf_counter() - started
        run.refresh_from_db()
        assert run.status == "succeeded" and run.orders_created == orders, (run.status, run.error_message)

        # Floor: the ingest service in a loop, one transaction per order, as the ingest API would.
        started = time.perf_counter()
        for raw in floor_orders:
            serializer = OrderCreateInput(
                data={**{k: v for k, v in raw.items() if k != "updatedAt"}, "endUserId": str(end_user.pk)}
            )
            serializer.is_valid(raise_exception=True)
            with transaction.atomic():
                order_upsert(organization=organization, data=serializer.validated_data)
        floor_s = time.perf_counter() - started
        assert Order.objects.filter(organization=organization).count() == 2 * orders
    finally:
        server.shutdown()
    return {
        "orders": orders,
        "page_size": PAGE,
        "pages": run.pages,
        "product_s": round(product_s, 3),
        "product_per_s": round(orders / product_s, 1),
        "floor_s": round(floor_s, 3),
        "floor_per_s": round(orders / floor_s, 1),
        "ratio": round(floor_s / product_s, 2),
    }
