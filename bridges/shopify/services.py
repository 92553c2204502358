"""The built-in Shopify bridge's business rules: what Shopify's webhooks ask, and the fulfillment push.

Webhooks are acted on once per `X-Shopify-Webhook-Id` (Shopify redelivers until it gets a 2xx):
- `orders/*`: the named order is fetched and upserted, in a task, for every connected bridge of the shop;
- `app/uninstalled`: the shop's bridges are disconnected (their access token no longer works);
- `customers/data_request`: the orders held for that customer are listed on the receipt, for the
  organization to hand to the merchant (Shopify leaves the answer to the app, within 30 days);
- `customers/redact`: that customer's personal data is erased from the shop's orders;
- `shop/redact`: every order the shop's bridges brought is deleted and their credentials cleared.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q

from bridges.client import BridgeServiceError
from bridges.models import Bridge, ShopifyWebhookReceipt
from bridges.shopify.client import SHOPIFY, ShopifyAdmin
from orderly.events.services import event_record
from orders.models import Order
from orders.services import orders_customer_redact, orders_erase_for_bridge

logger = logging.getLogger(__name__)

ORDER_TOPICS_PREFIX = "orders/"
PRIVACY_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")
CONNECTED = (Bridge.Status.ACTIVE, Bridge.Status.ERROR)


def shop_bridges(shop: str):
    return Bridge.objects.filter(type=SHOPIFY, account=shop).select_related("organization")


def _order_gid(payload: dict) -> str | None:
    gid = payload.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid.startswith("gid://shopify/Order/"):
        return gid
    order_id = payload.get("id")
    if isinstance(order_id, int) and not isinstance(order_id, bool):
        return f"gid://shopify/Order/{order_id}"
    return None


def _order_gids(ids) -> list[str]:
    return [f"gid://shopify/Order/{i}" for i in ids or [] if isinstance(i, int) and not isinstance(i, bool)]


def shopify_webhook_receive(*, webhook_id: str, topic: str, shop: str, payload: dict) -> tuple[dict, bool]:
    """Act on one webhook; returns (outcome, duplicate). A webhook id seen before does nothing."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = ShopifyWebhookReceipt.objects.create(webhook_id=webhook_id, topic=topic, shop=shop)
        except IntegrityError:
            known = ShopifyWebhookReceipt.objects.get(webhook_id=webhook_id)
            return known.outcome, True
        bridges = list(shop_bridges(shop))
        if topic.startswith(ORDER_TOPICS_PREFIX):
            outcome = _order_changed(bridges, payload)
        elif topic == "app/uninstalled":
            outcome = _uninstalled(bridges)
        elif topic == "customers/data_request":
            outcome = _data_request(bridges, payload)
        elif topic == "customers/redact":
            outcome = _customer_redact(bridges, payload)
        elif topic == "shop/redact":
            outcome = _shop_redact(bridges)
        else:
            outcome = {"ignored": True}
        ShopifyWebhookReceipt.objects.filter(pk=receipt.pk).update(outcome=outcome)
    return outcome, False


def _order_changed(bridges: list[Bridge], payload: dict) -> dict:
    from bridges.tasks import shopify_order_sync

    gid = _order_gid(payload)
    if gid is None:
        return {"ignored": True, "reason": "no order id"}
    queued = [str(b.pk) for b in bridges if b.status == Bridge.Status.ACTIVE and b.end_user_id]
    for bridge_id in queued:
        transaction.on_commit(lambda bridge_id=bridge_id: shopify_order_sync.delay(bridge_id, gid))
    return {"order": gid, "bridges": queued}


def _uninstalled(bridges: list[Bridge]) -> dict:
    from bridges.services import bridge_disconnect

    disconnected = []
    for bridge in bridges:
        if bridge.status != Bridge.Status.DISCONNECTED:
            bridge_disconnect(bridge=bridge, reason="The Shopify app was uninstalled from the shop.")
            disconnected.append(str(bridge.pk))
    return {"disconnected": disconnected}


def _customer_orders(bridge: Bridge, payload: dict, ids_key: str):
    customer = payload.get("customer") or {}
    email = customer.get("email") if isinstance(customer, dict) else None
    match = Q(external_id__in=_order_gids(payload.get(ids_key)))
    if isinstance(email, str) and email:
        match |= Q(customer_email__iexact=email)
    return Order.objects.filter(match, organization_id=bridge.organization_id, bridge=bridge)


def _data_request(bridges: list[Bridge], payload: dict) -> dict:
    """What we hold for the customer, by organization, recorded on the receipt and in each
    organization's event log (`bridge.data_request`) so its staff can answer the merchant."""
    found = {}
    for bridge in bridges:
        orders = list(_customer_orders(bridge, payload, "orders_requested").values_list("pk", "external_id"))
        found[str(bridge.pk)] = [{"id": str(pk), "external_id": ext} for pk, ext in orders]
        event_record(
            organization=bridge.organization,
            event_type="bridge.data_request",
            end_user_id=bridge.end_user_id,
            resource_type="bridge",
            resource_id=bridge.pk,
            data={"bridge_id": str(bridge.pk), "shop": bridge.account, "orders": found[str(bridge.pk)]},
        )
    return {"orders": found}


def _customer_redact(bridges: list[Bridge], payload: dict) -> dict:
    redacted = {}
    for bridge in bridges:
        ids = list(_customer_orders(bridge, payload, "orders_to_redact").values_list("pk", flat=True))
        redacted[str(bridge.pk)] = orders_customer_redact(organization=bridge.organization, order_ids=ids)
    return {"redacted": redacted}


def _shop_redact(bridges: list[Bridge]) -> dict:
    from bridges.services import bridge_credentials_clear

    erased = {}
    for bridge in bridges:
        erased[str(bridge.pk)] = orders_erase_for_bridge(
            organization=bridge.organization, bridge_id=bridge.pk
        )
        bridge_credentials_clear(bridge=bridge)
    return {"erased": erased}


# Calls the platform makes to Shopify ------------------------------------------------------------


def shopify_admin_for(bridge: Bridge) -> ShopifyAdmin:
    from bridges.services import bridge_config_decrypt

    config = bridge_config_decrypt(bridge=bridge)
    if not config.get("accessToken"):
        raise BridgeServiceError("The Shopify bridge has no access token; connect it again.")
    return ShopifyAdmin(shop=config.get("shopDomain") or bridge.account, access_token=config["accessToken"])


def shopify_order_refresh(*, bridge_id, order_gid: str) -> str:
    """Fetch one order and upsert it as a sync would (a webhook said it changed)."""
    from bridges.sync import PageResult, order_sync_one

    bridge = Bridge.objects.select_related("organization", "end_user").filter(pk=bridge_id).first()
    if bridge is None or bridge.status != Bridge.Status.ACTIVE or bridge.end_user_id is None:
        return "skipped"
    try:
        order = shopify_admin_for(bridge).order(order_gid)
    except BridgeServiceError as exc:
        logger.warning("Shopify order %s of bridge %s not fetched: %s", order_gid, bridge_id, exc)
        return "failed"
    if order is None:
        return "gone"
    result = PageResult()
    with transaction.atomic():
        order_sync_one(bridge, order, result)
    if result.skipped:
        logger.warning("Shopify order %s of bridge %s skipped: %s", order_gid, bridge_id, result.errors)
        return "skipped"
    return "created" if result.created else "updated" if result.updated else "unchanged"


def shopify_fulfillment_push(*, bridge: Bridge, order: Order, shipment) -> dict:
    result = shopify_admin_for(bridge).fulfillment_create(
        order_gid=order.external_id, tracking_number=shipment.tracking_number, carrier=shipment.carrier
    )
    return {"fulfillment_id": result["fulfillment"].get("id"), "created": result["created"]}
