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


SWEEP_ROUNDS = 3


def expiry_sweep(org, *, rounds: int = SWEEP_ROUNDS) -> dict | None:
    """The product's set-based expiry of every overdue request vs one raw UPDATE of the same rows,
    in alternating rounds (raw first, then the product), the median of each.

    Before each timed statement the rows are made overdue again, the table vacuumed and a
    CHECKPOINT taken (PostgreSQL), so each starts from the same state: without it, whichever ran
    second found its pages already dirty or written out by the other (no full-page writes, no
    eviction of dirty buffers), and the ratio moved between 2× and 6× with the order and the load."""
    from actions.models import ActionRequest
    from actions.services import action_requests_expire

    pending = ActionRequest.objects.filter(organization=org, status="pending").values_list("pk", flat=True)
    rows = ActionRequest.objects.filter(pk__in=list(pending))
    count = rows.count()

    def overdue():
        rows.update(status="pending", expires_at=timezone.now() - dt.timedelta(minutes=1))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {ActionRequest._meta.db_table}")
                cursor.execute("CHECKPOINT")

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ActionRequest._meta.db_table} SET status = 'expired', updated_at = now() "  # noqa: S608
                "WHERE status = 'pending' AND expires_at <= now() AND organization_id = %s",
                [org.id],
            )

    def timed(run) -> float:
        overdue()
        started = time.perf_counter()
        run()
        return time.perf_counter() - started

    raw_runs, service_runs = [], []
    for _ in range(rounds):
        raw_runs.append(timed(raw))
        service_runs.append(timed(lambda: action_requests_expire(now=timezone.now())))
        assert not rows.filter(status="pending").exists()
    rows.update(status="pending", expires_at=timezone.now() + dt.timedelta(days=7))
    raw_s, service_s = sorted(raw_runs)[rounds // 2], sorted(service_runs)[rounds // 2]
    return {
        "rows": count,
        "rounds": rounds,
        "service_s": service_s,
        "raw_s": raw_s,
        "service_runs_s": service_runs,
        "raw_runs_s": raw_runs,
        "ratio": service_s / raw_s if raw_s else None,
    }
