"""A bridge service that answers `POST <base>/orders` as CONTRACT §10 says, on a real loopback
HTTP server (pytest-httpserver): pages of `limit` orders by an opaque cursor, filtered by `since`
on each order's `updatedAt`, and a scripted list of failures to answer first."""

import datetime as dt
import json
import threading

from werkzeug import Response


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


BASE_TIME = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def store_order(n: int, **fields) -> dict:
    """Order n of the store, as a bridge service sends it."""
    return {
        "externalId": f"store-{n}",
        "orderNumber": f"{1000 + n}",
        "status": "confirmed",
        "paymentStatus": "paid",
        "customer": {"name": f"Customer {n}", "email": f"c{n}@example.com"},
        "lineItems": [{"title": "Mug", "sku": "MUG-1", "quantity": 1, "price": 12.5}],
        "totals": {"subtotal": 12.5, "total": 12.5},
        "currency": "USD",
        "orderedAt": iso(BASE_TIME + dt.timedelta(minutes=n)),
        "updatedAt": iso(BASE_TIME + dt.timedelta(minutes=n)),
        **fields,
    }


class FakeBridgeService:
    def __init__(self, httpserver, bridge_type: str = "shipstation"):
        self.orders: list[dict] = []
        self.requests: list[dict] = []
        self.request_times: list[float] = []
        # Answered in order before any page: (status, body, headers).
        self.failures: list[tuple[int, dict, dict]] = []
        # Called with the request body before answering (a test can block or count here).
        self.before_answer = None
        self.lock = threading.Lock()
        httpserver.expect_request(f"/{bridge_type}/orders", method="POST").respond_with_handler(self.answer)

    def answer(self, request):
        import time

        body = json.loads(request.get_data())
        with self.lock:
            self.requests.append(body)
            self.request_times.append(time.monotonic())
            failure = self.failures.pop(0) if self.failures else None
        if self.before_answer is not None:
            self.before_answer(body)
        if failure is not None:
            status, payload, headers = failure
            return Response(
                json.dumps(payload), status=status, headers=headers, content_type="application/json"
            )
        since = body.get("since")
        matching = [o for o in self.orders if since is None or o.get("updatedAt", "") >= since]
        start = int(body["cursor"] or 0)
        page = matching[start : start + body["limit"]]
        following = start + body["limit"]
        return Response(
            json.dumps({"orders": page, "nextCursor": str(following) if following < len(matching) else None}),
            content_type="application/json",
        )
