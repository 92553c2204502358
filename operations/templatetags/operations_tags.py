"""Operation pieces other apps' pages show (the order page's actions, a request's outcome), through
the template layer so those apps need not import this one (operations already depends on them)."""

from django import template

from operations.models import Operation
from operations.registry import operation_type_get

register = template.Library()

# The actions staff take from the order page, in the order they are offered.
ORDER_ACTIONS = ("hold_order", "release_hold", "cancel_order", "add_order_note", "update_shipping_address", "create_shipment")


@register.inclusion_tag("dashboard/operations/_order_actions.html")
def order_actions(order):
    """The operations that can act on `order` now; the others are listed with why not."""
    actions = []
    for name in ORDER_ACTIONS:
        handler = operation_type_get(name)
        actions.append({"type": name, "label": handler.label, "refusal": handler.refusal(order)})
    return {"order": order, "actions": {a["type"]: a for a in actions}, "address": _address(order.shipping_address)}


def _address(address) -> dict:
    """The order's address under the form's field names, whichever keys the ingest used."""
    address = address if isinstance(address, dict) else {}

    def first(*keys):
        return next((str(address[k]) for k in keys if address.get(k)), "")

    return {
        "name": first("name"),
        "address1": first("address1", "street", "line1"),
        "address2": first("address2", "line2"),
        "city": first("city"),
        "state": first("state", "province"),
        "zip": first("zip", "postal_code", "postalCode", "postcode"),
        "country": first("country"),
    }


@register.simple_tag
def operations_by_id(objects, attribute="operation_id"):
    """{operation id: operation} for the `attribute` of every object on a page, in one query."""
    ids = {getattr(o, attribute) for o in objects if getattr(o, attribute, None)}
    if not ids:
        return {}
    return {o.pk: o for o in Operation.objects.filter(pk__in=ids).only("id", "type", "status", "error")}


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key)
