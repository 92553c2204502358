"""The drop-in embed UI in real Chromium: a host page on 127.0.0.1 frames the app on localhost."""

import gzip
import json
import re
from pathlib import Path

import pytest

from tests.browser.embed_host import *  # noqa: F403 - the embed fixtures (host, embed, axe_source)
from tests.factories import BridgeFactory, OrderFactory

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ["home", "bridges", "orders", "tracking", "requests", "alerts", "webhooks"]


def seed_store(embed):
    """A merchant with a bridge, orders, a shipment with tracking, a request, a rule and an alert."""
    from actions.models import ActionRequest  # noqa: F401 - created through the API below
    from alerts.models import AlertNotification, AlertRule

    tenant, merchant = embed.tenant, embed.tenant.merchant
    BridgeFactory(end_user=merchant, name="Acme Shopify", type="shopify", status="active")
    BridgeFactory(
        end_user=merchant,
        name="Warehouse ShipStation",
        status="error",
        **{"error_message": "Invalid API key"},
    )
    orders = [
        OrderFactory(end_user=merchant, order_number=f"10{n:02d}", status=s)
        for n, s in enumerate(["pending", "on_hold", "shipped"])
    ]
    shipped = orders[2]
    key = tenant.api_key()
    shipment = embed.api(
        "POST",
        "shipments",
        key,
        json={
            "orderId": str(shipped.pk),
            "trackingNumber": "1Z999AA10123456784",
            "carrier": "ups",
            "service": "ground",
            "status": "in_transit",
        },
    ).json()["data"]
    for status, detail in [("picked_up", "Picked up by carrier"), ("in_transit", "Departed facility")]:
        embed.api(
            "POST",
            f"shipments/{shipment['id']}/checkpoints",
            key,
            json={
                "status": status,
                "statusDetail": detail,
                "location": "Chicago, IL",
                "checkpointTime": "2026-01-16T08:00:00Z"
                if status == "in_transit"
                else "2026-01-15T14:00:00Z",
            },
        )
    from tests.actions.factories import ActionRequestFactory

    ActionRequestFactory(order=orders[0], title="Please cancel this order")
    AlertRule.objects.create(
        organization=tenant.organization,
        end_user=merchant,
        name="Exceptions",
        event_type="shipment.exception",
        condition={"carrier": "ups"},
        delivery_method="in_app",
        cooldown_minutes=60,
    )
    AlertNotification.objects.create(
        organization=tenant.organization,
        end_user=merchant,
        event_type="shipment.exception",
        title="Shipment exception",
        message="1Z999 has an exception with UPS.",
    )
    return {"orders": orders, "shipment": shipment}


def test_every_view_mounts_is_accessible_and_is_screenshotted(embed, axe_source, screenshot):
    # given
    seed_store(embed)

    # when: the host mounts the embed, then visits every view at two widths
    embed.open(view="home")
    ready = embed.events("ready")[0]
    embed.settle("home")
    for width in (1280, 390):
        embed.page.set_viewport_size({"width": width, "height": 900})
        for view in VIEWS:
            embed.navigate(view)
            embed.axe(axe_source, f"{view} at {width}px")
            # no horizontal overflow inside the frame at this width
            overflow = embed.inner.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{view} overflows by {overflow}px at {width}px"
            screenshot(embed.page, f"embed-{view}-{width}")

    # then: every view has its own heading and the host saw the navigation
    assert {e["detail"]["view"] for e in embed.events("navigate")} >= set(VIEWS) - {"home"} | {"home"}
    assert embed.frame.locator(".o-nav button").count() == len(VIEWS)

    # bench: loader size and time to the first interactive view, as measured in the browser
    loader = (ROOT / "static" / "embed" / "orderly.js").read_bytes()
    bench = {
        "loader_bytes": len(loader),
        "loader_gzip_bytes": len(gzip.compress(loader, 9)),
        "first_view_interactive_ms": round(ready["at"] - embed.page.evaluate("window.t0")),
        "measured": "host script start → 'ready' event (first view rendered with its data), headless Chromium, loopback",
    }
    (ROOT / "bench" / "embed_ui.json").write_text(json.dumps(bench, indent=2) + "\n")
    assert bench["loader_gzip_bytes"] < 15 * 1024


def test_the_token_is_in_no_url_no_storage_and_no_cookie(embed):
    seed_store(embed)
    embed.open(view="orders")
    for view in VIEWS:
        embed.navigate(view)
    tokens = [m["token"] for m in embed.host.minted]
    assert tokens
    for request in embed.requests:
        for token in tokens:
            assert token not in request.url
    app_requests = [r for r in embed.requests if "/api/v1/embed/" in r.url and r.resource_type == "fetch"]
    assert app_requests and all(
        r.headers.get("authorization", "").startswith("Bearer est_") for r in app_requests
    )
    # Third-party storage may be refused outright in the frame; either way nothing is in it.
    storage = embed.inner.evaluate(
        "() => { try { return [localStorage.length, sessionStorage.length, document.cookie]; } catch (e) { return 'denied'; } }"
    )
    assert storage in ([0, 0, ""], "denied")
    state = embed.page.context.storage_state()
    assert all(token not in json.dumps(state) for token in tokens)
    assert state["cookies"] == []
    host_storage = embed.page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    assert host_storage == [0, 0, ""]
    assert not re.search(r"est_", embed.inner.url)
