"""Carriers as people know them, for any page that shows a shipment (dashboard or customer)."""

from django import template
from django.utils.html import format_html

from tracking.carriers import carrier_for

register = template.Library()


@register.filter
def carrier_name(code):
    return carrier_for(code).name


@register.filter
def carrier_link(shipment):
    """The carrier's name linked to its own tracking page for this shipment (plain name if unknown)."""
    carrier = carrier_for(shipment.carrier)
    url = carrier.url_for(shipment.tracking_number)
    if not url:
        return carrier.name
    return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', url, carrier.name)
