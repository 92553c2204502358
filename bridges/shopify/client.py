"""The built-in Shopify bridge's HTTP side, as Shopify documents it (shopify.dev):

- OAuth authorization-code grant: `https://{shop}/admin/oauth/authorize?client_id&scope&redirect_uri
  &state`; the redirect back carries `hmac` = hex HMAC-SHA256(client secret, the other query
  parameters sorted and joined as `k=v&…`); the code is exchanged at `POST /admin/oauth/access_token`
  `{client_id, client_secret, code}` → `{access_token, scope}`.
- GraphQL Admin API at `POST /admin/api/<version>/graphql.json` with `X-Shopify-Access-Token`;
  connections paged with `first`/`after` and `pageInfo {hasNextPage endCursor}`; search syntax
  `updated_at:>'…'`; cost throttling answered by `errors[].extensions.code == "THROTTLED"` and
  `extensions.cost.throttleStatus {maximumAvailable, currentlyAvailable, restoreRate}`.
- Webhooks signed with `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256(client secret, raw body).

The shop's base URL comes from ORDERLY_SHOPIFY_ADMIN_URL (default `https://{shop}`), so tests can
point it at a local server; the API version is ORDERLY_SHOPIFY_API_VERSION.
"""

import base64
import hashlib
import hmac
import logging
import time
from urllib.parse import urlencode

from django.conf import settings

from bridges.client import (
    BridgeAuthRefused,
    BridgeServiceBusy,
    BridgeServiceError,
    http_post_json,
    retry_after_seconds,
)
from bridges.shopify.mapping import ORDER_FIELDS, order_from_shopify

logger = logging.getLogger(__name__)

SHOPIFY = "shopify"
WHAT = "Shopify API"
# How often one call waits out THROTTLED before it counts as a failure of the page (which the
# sync then retries with its own bounded backoff).
MAX_THROTTLE_WAITS = 10
MAX_THROTTLE_WAIT_SECONDS = 60.0
LINE_ITEMS_PAGE = 250

ORDERS_QUERY = (
    """
query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ...OrderFields }
  }
}
"""
    + ORDER_FIELDS
)

ORDER_QUERY = (
    """
query Order($id: ID!) {
  order(id: $id) { ...OrderFields }
}
"""
    + ORDER_FIELDS
)

LINE_ITEMS_QUERY = """
query OrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    lineItems(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { title sku quantity originalUnitPriceSet { shopMoney { amount } } }
    }
  }
}
"""

FULFILLMENT_ORDERS_QUERY = """
query FulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 50) { id status trackingInfo(first: 10) { number company } }
    fulfillmentOrders(first: 50) {
      nodes { id status supportedActions { action } }
    }
  }
}
"""

FULFILLMENT_CREATE = """
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo(first: 10) { number company url } }
    userErrors { field message }
  }
}
"""


def shopify_enabled() -> bool:
    return bool(settings.ORDERLY_SHOPIFY_CLIENT_ID and settings.ORDERLY_SHOPIFY_CLIENT_SECRET)


def admin_base_url(shop: str) -> str:
    return settings.ORDERLY_SHOPIFY_ADMIN_URL.format(shop=shop).rstrip("/")


# OAuth ------------------------------------------------------------------------------------------


def shopify_authorize_url(*, shop: str, state: str, redirect_uri: str) -> str:
    query = urlencode(
        {
            "client_id": settings.ORDERLY_SHOPIFY_CLIENT_ID,
            "scope": settings.ORDERLY_SHOPIFY_SCOPES,
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{admin_base_url(shop)}/admin/oauth/authorize?{query}"


def _sign(message: bytes) -> bytes:
    return hmac.new(settings.ORDERLY_SHOPIFY_CLIENT_SECRET.encode(), message, hashlib.sha256).digest()


def shopify_query_hmac_valid(params: dict[str, list[str]]) -> bool:
    """Shopify's `hmac` over the rest of the query: `k=v` pairs sorted by key, joined by `&`
    (a repeated key as Shopify's libraries do, `k=["a", "b"]`), compared in constant time."""
    given = params.get("hmac") or []
    if len(given) != 1 or not given[0]:
        return False
    pairs = []
    for key in sorted(k for k in params if k != "hmac"):
        values = params[key]
        value = values[0] if len(values) == 1 else "[" + ", ".join(f'"{v}"' for v in values) + "]"
        pairs.append(f"{key}={value}")
    expected = _sign("&".join(pairs).encode()).hex()
    return hmac.compare_digest(expected, given[0].strip().lower())


def shopify_webhook_hmac_valid(body: bytes, header: str | None) -> bool:
    if not header:
        return False
    expected = base64.b64encode(_sign(body)).decode()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def shopify_token_exchange(*, shop: str, code: str) -> tuple[str, str]:
    """The authorization code for an offline access token: (access_token, granted scopes)."""
    response = http_post_json(
        url=f"{admin_base_url(shop)}/admin/oauth/access_token",
        payload={
            "client_id": settings.ORDERLY_SHOPIFY_CLIENT_ID,
            "client_secret": settings.ORDERLY_SHOPIFY_CLIENT_SECRET,
            "code": code,
        },
        timeout=settings.ORDERLY_SHOPIFY_TIMEOUT,
        what=WHAT,
    )
    if response.status_code != 200:
        raise BridgeServiceError(f"Shopify refused the authorization code (HTTP {response.status_code}).")
    try:
        body = response.json()
    except ValueError:
        body = None
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise BridgeServiceError("Shopify did not return an access token.")
    scope = body.get("scope")
    return token, scope if isinstance(scope, str) else ""


# The GraphQL Admin API --------------------------------------------------------------------------


class ShopifyAdmin:
    """One shop's GraphQL Admin API, waiting out cost throttling instead of failing."""

    def __init__(self, *, shop: str, access_token: str):
        self.shop = shop
        self.access_token = access_token
        self.url = f"{admin_base_url(shop)}/admin/api/{settings.ORDERLY_SHOPIFY_API_VERSION}/graphql.json"
        self.throttle: dict | None = None  # the last throttleStatus Shopify reported
        self.last_cost: float = 0.0

    def _wait_for_budget(self, needed: float) -> None:
        """Before a call: if the bucket Shopify last reported cannot pay for it, wait for it to refill."""
        status = self.throttle
        if not status or needed <= 0:
            return
        available, rate = _number(status.get("currentlyAvailable")), _number(status.get("restoreRate"))
        if available is None or not rate or available >= needed:
            return
        time.sleep(min((needed - available) / rate, MAX_THROTTLE_WAIT_SECONDS))

    def graphql(self, query: str, variables: dict) -> dict:
        """`data` of a successful call. Raises BridgeAuthRefused for 401/403 or ACCESS_DENIED,
        BridgeServiceBusy for 429, 5xx, transport failures and throttling that would not pass,
        BridgeServiceError for any other error Shopify reports."""
        for _wait in range(MAX_THROTTLE_WAITS + 1):
            self._wait_for_budget(self.last_cost)
            response = http_post_json(
                url=self.url,
                payload={"query": query, "variables": variables},
                headers={"X-Shopify-Access-Token": self.access_token},
                timeout=settings.ORDERLY_SHOPIFY_TIMEOUT,
                what=WHAT,
            )
            status = response.status_code
            if status in (401, 403):
                raise BridgeAuthRefused(f"Shopify refused the access token (HTTP {status}).")
            if status == 429 or status >= 500:
                raise BridgeServiceBusy(
                    f"Shopify answered with HTTP {status}.",
                    retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                )
            if status != 200:
                raise BridgeServiceError(f"Shopify answered with HTTP {status}{_error_text(response)}.")
            try:
                body = response.json()
            except (ValueError, RecursionError):
                raise BridgeServiceError("Shopify sent an answer that is not JSON.") from None
            if not isinstance(body, dict):
                raise BridgeServiceError("Shopify sent an unexpected answer.")
            cost = (body.get("extensions") or {}).get("cost") or {}
            if isinstance(cost, dict):
                self.throttle = (
                    cost.get("throttleStatus") if isinstance(cost.get("throttleStatus"), dict) else None
                )
                self.last_cost = _number(cost.get("requestedQueryCost")) or 0.0
            errors = body.get("errors")
            if errors:
                codes = _error_codes(errors)
                if "THROTTLED" in codes:
                    self._throttled_wait()
                    continue
                if "ACCESS_DENIED" in codes:
                    raise BridgeAuthRefused(f"Shopify denied access: {_messages(errors)}")
                raise BridgeServiceError(f"Shopify reported an error: {_messages(errors)}")
            data = body.get("data")
            if not isinstance(data, dict):
                raise BridgeServiceError("Shopify sent an answer without data.")
            return data
        raise BridgeServiceBusy("Shopify kept throttling the requests.")

    def _throttled_wait(self) -> None:
        status = self.throttle or {}
        available = _number(status.get("currentlyAvailable")) or 0.0
        rate = _number(status.get("restoreRate")) or 50.0
        needed = max(self.last_cost - available, 1.0)
        time.sleep(min(needed / rate, MAX_THROTTLE_WAIT_SECONDS))
        self.throttle = None  # waited for exactly this; no second wait before the retry

    # Orders

    def orders_page(self, *, since, cursor: str | None, limit: int) -> tuple[list, str | None]:
        variables = {
            "first": min(limit, settings.ORDERLY_SHOPIFY_PAGE_SIZE),
            "after": cursor,
            # Inclusive, so an order changed in the very second of the mark is not missed.
            "query": f"updated_at:>='{since.strftime('%Y-%m-%dT%H:%M:%SZ')}'" if since else None,
        }
        connection = (self.graphql(ORDERS_QUERY, variables).get("orders")) or {}
        nodes = connection.get("nodes") or []
        page_info = connection.get("pageInfo") or {}
        orders = [order_from_shopify(self._complete(node)) for node in nodes if isinstance(node, dict)]
        next_cursor = page_info.get("endCursor") if page_info.get("hasNextPage") else None
        return orders, next_cursor

    def order(self, gid: str) -> dict | None:
        node = self.graphql(ORDER_QUERY, {"id": gid}).get("order")
        return order_from_shopify(self._complete(node)) if isinstance(node, dict) else None

    def _complete(self, node: dict) -> dict:
        """An order with more line items than the page query asks for gets the rest, paged."""
        line_items = node.get("lineItems") or {}
        page_info = line_items.get("pageInfo") or {}
        if not page_info.get("hasNextPage"):
            return node
        nodes = list(line_items.get("nodes") or [])
        after = page_info.get("endCursor")
        while after:
            order = self.graphql(
                LINE_ITEMS_QUERY, {"id": node["id"], "first": LINE_ITEMS_PAGE, "after": after}
            )
            more = ((order.get("order") or {}).get("lineItems")) or {}
            nodes.extend(more.get("nodes") or [])
            info = more.get("pageInfo") or {}
            after = info.get("endCursor") if info.get("hasNextPage") else None
        return {**node, "lineItems": {"nodes": nodes, "pageInfo": {"hasNextPage": False}}}

    # Fulfillments

    def fulfillment_create(self, *, order_gid: str, tracking_number: str, carrier: str) -> dict:
        """Fulfil what is left of the order through its fulfillment orders, with the tracking info.

        Idempotent: an order that already has a fulfillment with this tracking number answers with
        it, so a retried operation does not ship twice.
        """
        order = self.graphql(FULFILLMENT_ORDERS_QUERY, {"id": order_gid}).get("order")
        if not isinstance(order, dict):
            raise BridgeServiceError("Shopify does not know this order.")
        for fulfillment in order.get("fulfillments") or []:
            numbers = [info.get("number") for info in fulfillment.get("trackingInfo") or []]
            if tracking_number and tracking_number in numbers and fulfillment.get("status") != "CANCELLED":
                return {"fulfillment": fulfillment, "created": False}
        open_orders = [
            node["id"]
            for node in ((order.get("fulfillmentOrders") or {}).get("nodes") or [])
            if any(a.get("action") == "CREATE_FULFILLMENT" for a in node.get("supportedActions") or [])
        ]
        if not open_orders:
            raise BridgeServiceError("Shopify has nothing left to fulfil on this order.")
        tracking = (
            {"number": tracking_number, "company": carrier} if tracking_number else {"company": carrier}
        )
        result = (
            self.graphql(
                FULFILLMENT_CREATE,
                {
                    "fulfillment": {
                        "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": gid} for gid in open_orders],
                        "trackingInfo": tracking,
                        "notifyCustomer": True,
                    }
                },
            ).get("fulfillmentCreate")
            or {}
        )
        user_errors = result.get("userErrors") or []
        if user_errors:
            raise BridgeServiceError(
                "Shopify refused the fulfillment: " + "; ".join(str(e.get("message")) for e in user_errors)
            )
        if not isinstance(result.get("fulfillment"), dict):
            raise BridgeServiceError("Shopify did not return the fulfillment.")
        return {"fulfillment": result["fulfillment"], "created": True}


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _error_codes(errors) -> set[str]:
    if not isinstance(errors, list):
        return set()
    return {
        str((error.get("extensions") or {}).get("code"))
        for error in errors
        if isinstance(error, dict) and isinstance(error.get("extensions"), dict)
    }


def _messages(errors) -> str:
    if isinstance(errors, str):
        return errors[:300]
    if isinstance(errors, list):
        return "; ".join(str(e.get("message") if isinstance(e, dict) else e) for e in errors)[:300]
    return str(errors)[:300]


def _error_text(response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    errors = body.get("errors") if isinstance(body, dict) else None
    return f": {_messages(errors)}" if errors else ""


# The sync's source ------------------------------------------------------------------------------


class ShopifySource:
    """Orders straight from the shop, in the bridge service's Order shape (CONTRACT §10)."""

    def __init__(self, bridge):
        from bridges.services import bridge_config_decrypt

        config = bridge_config_decrypt(bridge=bridge)
        token = config.get("accessToken")
        if not token:
            raise BridgeAuthRefused("The Shopify bridge has no access token; connect it again.")
        self.admin = ShopifyAdmin(shop=config.get("shopDomain") or bridge.account, access_token=token)

    def orders_page(self, *, since, cursor, limit) -> tuple[list, str | None]:
        return self.admin.orders_page(since=since, cursor=cursor, limit=limit)
