"""What the benchmark measures: credentials and ids for each endpoint, and the expiry sweep."""

import datetime as dt
import time

from django.db import connection
from django.utils import timezone

from orderly.accounts.models import ApiKey, EndUser
from orderly.accounts.services import api_key_create
from orderly.api.tokens import SESSION_PREFIX, token_digest, token_generate
from orderly.features import SESSION_SCOPES
from orders.models import Shipment


def _session_token(org, end_user) -> str:
    from orderly.accounts.models import EmbedSession

    token = token_generate(SESSION_PREFIX)
    EmbedSession.objects.create(
        organization=org,
        end_user=end_user,
        digest=token_digest(token),
        scopes=list(SESSION_SCOPES),
        expires_at=timezone.now() + dt.timedelta(hours=2),
    )
    return token


def _staff_cookie(user) -> str:
    """A logged-in staff session, as the dashboard's login leaves one."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def targets(org) -> list[dict]:
    user = org.memberships.first().user
    ApiKey.objects.filter(organization=org).delete()
    _key, api_key = api_key_create(organization=org, user=user, name="bench", scopes=["embed:manage"])
    end_user = EndUser.objects.filter(organization=org).order_by("external_id").first()
    session = _session_token(org, end_user)
    shipment = Shipment.objects.filter(end_user=end_user).first()
    session_headers = {"Authorization": f"Bearer {session}"}
    result = [
        {
            "name": "GET embed/orders?limit=20",
            "product": "/api/v1/embed/orders?limit=20",
            "floor": "/floor/orders?limit=20",
            "headers": session_headers,
        },
        {
            "name": "GET embed/shipments/{id}",
            "product": f"/api/v1/embed/shipments/{shipment.id}",
            "floor": f"/floor/shipments/{shipment.id}",
            "headers": session_headers,
        },
        {
            "name": "GET embed/orders/{id}",
            "product": f"/api/v1/embed/orders/{shipment.order_id}",
            "floor": f"/floor/orders/{shipment.order_id}",
            "headers": session_headers,
        },
        {
            "name": "GET embed/action-requests/queue",
            "product": "/api/v1/embed/action-requests/queue",
            "floor": "/floor/queue",
            "headers": {"Authorization": f"Bearer {api_key}"},
        },
        {
            "name": "GET /dashboard/requests/ (page)",
            "product": "/dashboard/requests/",
            "floor": None,
            "headers": {"Cookie": f"sessionid={_staff_cookie(user)}"},
        },
        {
            "name": "GET embed/events?limit=50",
            "product": "/api/v1/embed/events?limit=50",
            "floor": "/floor/events?limit=50",
            "headers": {"Authorization": f"Bearer {api_key}"},
        },
    ]
    from bridges.models import Bridge

    bridge = Bridge.objects.filter(end_user=end_user).order_by("created_at").first()
    if bridge is not None:
        result.append(
            {
                "name": "GET embed/bridges/{id}/syncs",
                "product": f"/api/v1/embed/bridges/{bridge.id}/syncs",
                "floor": f"/floor/bridges/{bridge.id}/syncs",
                "headers": session_headers,
            }
        )
    slug = org.embed_config.slug
    result.append(
        {
            "name": "GET /embed/v1/app/{slug}/ (page)",
            "product": f"/embed/v1/app/{slug}/",
            "floor": f"/floor/app/{slug}/",
            "headers": {},
        }
    )
    token = _tracking_token(org, end_user, shipment)
    if token:
        result += [
            {
                "name": "GET tracking-pages/view/{token}",
                "product": f"/api/v1/embed/tracking-pages/view/{token}",
                "floor": f"/floor/tracking/{token}",
                "headers": {},
            },
            {
                "name": "GET /t/{token}",
                "product": f"/t/{token}",
                "floor": f"/floor/tracking/{token}",
                "headers": {},
            },
        ]
    return result


def _tracking_token(org, end_user, shipment) -> str:
    from tracking import services

    page, _created = services.tracking_page_create(end_user=end_user, shipment_id=shipment.id)
    return page.token


def expiry_sweep(org) -> dict | None:
    """The product's set-based expiry of every overdue request vs one raw UPDATE of the same rows."""
    from actions.models import ActionRequest
    from actions.services import action_requests_expire

    pending = ActionRequest.objects.filter(organization=org, status="pending").values_list("pk", flat=True)
    rows = ActionRequest.objects.filter(pk__in=list(pending))
    past = timezone.now() - dt.timedelta(minutes=1)
    rows.update(status="pending", expires_at=past)
    count = rows.count()
    started = time.perf_counter()
    action_requests_expire(now=timezone.now())
    service_s = time.perf_counter() - started
    assert not rows.filter(status="pending").exists()
    rows.update(status="pending", expires_at=past)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ActionRequest._meta.db_table} SET status = 'expired', updated_at = now() "  # noqa: S608
            "WHERE status = 'pending' AND expires_at <= now() AND organization_id = %s",
            [org.id],
        )
    raw_s = time.perf_counter() - started
    rows.update(status="pending", expires_at=timezone.now() + dt.timedelta(days=7))
    return {
        "rows": count,
        "service_s": service_s,
        "raw_s": raw_s,
        "ratio": service_s / raw_s if raw_s else None,
    }
