"""A local Shopify that answers as Shopify's published Admin API does (shopify.dev), on a real
loopback HTTP server: the OAuth code exchange, the GraphQL Admin API with cursor pagination
(`first`/`after`, `pageInfo`), the `updated_at` search filter, cost throttling (HTTP 200 with
`errors[].extensions.code = "THROTTLED"` and `extensions.cost.throttleStatus`), a 401 with
Shopify's error shape for a bad token, fulfillment orders and `fulfillmentCreate`.

Requests are routed by the GraphQL operation name the platform sends."""

import base64
import hashlib
import hmac
import json
import re
import threading
import time

from werkzeug import Response

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "shpss_test_secret_0123456789"
SHOP = "mystore.myshopify.com"
API_VERSION = "2025-10"
LINE_ITEMS_FIRST = 25


def sign_query(params: dict) -> str:
    """Shopify's `hmac` for a redirect's query parameters."""
    message = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "hmac")
    return hmac.new(CLIENT_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign_body(body: bytes, secret: str = CLIENT_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def money(amount) -> dict:
    return {"shopMoney": {"amount": f"{amount:.2f}", "currencyCode": "USD"}}


def shopify_order(n: int, *, line_items: int = 1, fulfillments: list | None = None, **fields) -> dict:
    return {
        "id": f"gid://shopify/Order/{5000 + n}",
        "name": f"#{1000 + n}",
        "email": f"buyer{n}@example.com",
        "phone": None,
        "poNumber": None,
        "note": None,
        "tags": ["vip"],
        "createdAt": f"2026-03-01T10:{n:02d}:00Z",
        "updatedAt": f"2026-03-01T11:{n:02d}:00Z",
        "cancelledAt": None,
        "closedAt": None,
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "UNFULFILLED",
        "currencyCode": "USD",
        "customer": {"displayName": f"Buyer {n}"},
        "shippingAddress": {
            "name": f"Buyer {n}",
            "company": None,
            "address1": "1 Main St",
            "address2": None,
            "city": "Springfield",
            "province": "Oregon",
            "provinceCode": "OR",
            "zip": "97477",
            "country": "United States",
            "countryCodeV2": "US",
            "phone": None,
        },
        "subtotalPriceSet": money(20),
        "totalTaxSet": money(2),
        "totalShippingPriceSet": money(5),
        "totalDiscountsSet": money(0),
        "totalPriceSet": money(27),
        "_lineItems": [
            {"title": f"Item {i}", "sku": f"SKU-{i}", "quantity": 1, "originalUnitPriceSet": money(10)}
            for i in range(line_items)
        ],
        "fulfillments": fulfillments or [],
        **fields,
    }


class FakeShopify:
    def __init__(self, httpserver, shop: str = SHOP):
        self.shop = shop
        self.orders: list[dict] = []
        self.access_token = "shpat_fake_token_1234567890"
        self.codes = {"good-code"}
        self.graphql_requests: list[dict] = []
        self.graphql_times: list[float] = []
        self.token_requests: list[dict] = []
        self.throttle_on: set[int] = set()  # 1-based numbers of GraphQL requests answered THROTTLED
        self.fulfillment_orders: dict[str, list[dict]] = {}
        self.fulfillments_created: list[dict] = []
        self.lock = threading.Lock()
        httpserver.expect_request(re.compile(r"^/.+"), method="POST").respond_with_handler(self.answer)

    def base_url(self, httpserver) -> str:
        return httpserver.url_for("/") + "{shop}"

    # Routing

    def answer(self, request):
        path = request.path
        if path == f"/{self.shop}/admin/oauth/access_token":
            return self.oauth_token(request)
        if path == f"/{self.shop}/admin/api/{API_VERSION}/graphql.json":
            return self.graphql(request)
        return _json({"errors": "Not Found"}, 404)

    def oauth_token(self, request):
        body = json.loads(request.get_data())
        self.token_requests.append(body)
        if body.get("client_id") != CLIENT_ID or body.get("client_secret") != CLIENT_SECRET:
            return _json({"error": "invalid_client"}, 400)
        if body.get("code") not in self.codes:
            return _json(
                {
                    "error": "invalid_request",
                    "error_description": "The authorization code was not found or was already used",
                },
                400,
            )
        self.codes.discard(body["code"])
        return _json(
            {
                "access_token": self.access_token,
                "scope": "read_orders,write_merchant_managed_fulfillment_orders",
            }
        )

    def graphql(self, request):
        if request.headers.get("X-Shopify-Access-Token") != self.access_token:
            return _json(
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
                401,
            )
        body = json.loads(request.get_data())
        with self.lock:
            self.graphql_requests.append(body)
            self.graphql_times.append(time.monotonic())
            number = len(self.graphql_requests)
        query, variables = body["query"], body.get("variables") or {}
        if number in self.throttle_on:
            return _json(
                {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": {"cost": _cost(requested=200, actual=None, available=100)},
                }
            )
        if "query Orders(" in query:
            data = {"orders": self.orders_connection(variables)}
        elif "query Order(" in query:
            data = {"order": self.order_node(self.find(variables["id"]))}
        elif "query OrderLineItems(" in query:
            data = {"order": {"lineItems": self.line_items(self.find(variables["id"]), variables)}}
        elif "query FulfillmentOrders(" in query:
            data = {"order": self.fulfillment_view(variables["id"])}
        elif "mutation FulfillmentCreate(" in query:
            data = {"fulfillmentCreate": self.fulfillment_create(variables["fulfillment"])}
        elif "shop {" in query:
            data = {"shop": {"name": "My Store", "myshopifyDomain": self.shop}}
        else:
            return _json(
                {"errors": [{"message": "Field doesn't exist", "extensions": {"code": "undefinedField"}}]}
            )
        return _json({"data": data, "extensions": {"cost": _cost(requested=100, actual=20, available=1980)}})

    # Resources

    def find(self, gid: str) -> dict | None:
        return next((o for o in self.orders if o["id"] == gid), None)

    def line_items(self, order: dict, variables: dict) -> dict:
        items = order["_lineItems"]
        start = int(variables.get("after") or 0)
        first = variables.get("first", LINE_ITEMS_FIRST)
        page = items[start : start + first]
        more = start + first < len(items)
        return {
            "pageInfo": {"hasNextPage": more, "endCursor": str(start + first) if more else None},
            "nodes": page,
        }

    def order_node(self, order: dict | None) -> dict | None:
        if order is None:
            return None
        node = {k: v for k, v in order.items() if not k.startswith("_")}
        node["lineItems"] = self.line_items(order, {"first": LINE_ITEMS_FIRST})
        return node

    def orders_connection(self, variables: dict) -> dict:
        match = re.fullmatch(r"updated_at:>='([^']+)'", variables.get("query") or "")
        since = match[1] if match else None
        matching = sorted(
            (o for o in self.orders if since is None or o["updatedAt"] >= since), key=lambda o: o["updatedAt"]
        )
        start = int(base64.b64decode(variables["after"]).decode()) if variables.get("after") else 0
        page = matching[start : start + variables["first"]]
        more = start + variables["first"] < len(matching)
        end = base64.b64encode(str(start + variables["first"]).encode()).decode()
        return {
            "pageInfo": {"hasNextPage": more, "endCursor": end if page else None},
            "nodes": [self.order_node(o) for o in page],
        }

    def fulfillment_view(self, gid: str) -> dict | None:
        order = self.find(gid)
        if order is None:
            return None
        return {
            "id": gid,
            "fulfillments": [
                {"id": f["id"], "status": f["status"], "trackingInfo": f["trackingInfo"]}
                for f in order["fulfillments"]
            ],
            "fulfillmentOrders": {"nodes": self.fulfillment_orders.get(gid, [])},
        }

    def fulfillment_create(self, fulfillment: dict) -> dict:
        self.fulfillments_created.append(fulfillment)
        ids = [item["fulfillmentOrderId"] for item in fulfillment["lineItemsByFulfillmentOrder"]]
        owner = next(
            (gid for gid, nodes in self.fulfillment_orders.items() if any(n["id"] in ids for n in nodes)),
            None,
        )
        if owner is None:
            return {
                "fulfillment": None,
                "userErrors": [{"field": ["fulfillment"], "message": "Fulfillment order does not exist."}],
            }
        created = {
            "id": f"gid://shopify/Fulfillment/{900 + len(self.fulfillments_created)}",
            "status": "SUCCESS",
            "trackingInfo": [{**fulfillment.get("trackingInfo", {}), "url": None}],
        }
        self.find(owner)["fulfillments"].append(created)
        for node in self.fulfillment_orders[owner]:
            node["status"], node["supportedActions"] = "CLOSED", []
        return {"fulfillment": created, "userErrors": []}


def _cost(*, requested, actual, available) -> dict:
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        # A fast restore rate keeps the test's waits short: (200 - 100) / 500 = 0.2 s.
        "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 500.0},
    }


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
