"""Carriers as people know them, for any page that shows a shipment (dashboard or customer)."""

from django import template
from django.urls import reverse
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


@register.inclusion_tag("dashboard/tracking/_link_controls.html", takes_context=True)
def tracking_link_controls(context, shipment):
    """Create, copy or revoke the shipment's public link (staff pages; the page prefetches the links)."""
    pages = [p for p in shipment.tracking_pages.all() if p.is_active]
    request = context["request"]
    page = pages[0] if pages else None
    return {
        "shipment": shipment,
        "page": page,
        "url": request.build_absolute_uri(reverse("tracking-page", args=[page.token])) if page else "",
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
