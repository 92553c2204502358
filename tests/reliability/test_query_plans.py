"""Every query of every hot endpoint has an index-bounded plan, so its cost does not grow with data.

Each endpoint is called for real (test client); every statement it ran is then EXPLAINed on
PostgreSQL with sequential scans priced out (`enable_seqscan = off`). A test data set small enough
to build in seconds would make the planner prefer sequential scans whatever the indexes, so its
choice says nothing; pricing them out asks the question that matters at any size: *can* an index
serve this query? If none can, the planner still has to scan, and the plan shows it. On top:
- a scan of a large table must have an index condition (walking a whole index is a scan too);
- a LIMITed list is read in index order (no sort of every matching row), except a search, whose
  trigram matches come unordered from a bitmap;
- a count over a large table is bounded (a LIMIT below the aggregate, `count_bounded`);
- a deep page reads its ids from the index alone (index-only scan, after VACUUM as autovacuum
  would have run).
"""

import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import ActionRequest
from bridges.models import Bridge, SyncRun
from embed.models import EmbedConfig
from orderly.accounts.models import EmbedSession, EndUser
from orderly.api.tokens import SESSION_PREFIX, token_digest, token_generate
from orderly.events.models import Event
from orders.models import Order, OrderActivity, Shipment, TrackingCheckpoint
from tests.conftest import Tenant, bearer
from tests.factories import EndUserFactory
from tracking.models import TrackingPage
from webhooks.models import WebhookAttempt, WebhookDelivery

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
    pytest.mark.django_db,
]

# Tables that grow with the business: no sequential scan over these.
LARGE_MODELS = [
    Order,
    Shipment,
    TrackingCheckpoint,
    OrderActivity,
    ActionRequest,
    Event,
    EndUser,
    EmbedSession,
    TrackingPage,
    WebhookDelivery,
    WebhookAttempt,
    Bridge,
    SyncRun,
    EmbedConfig,
]
LARGE_TABLES = {model._meta.db_table for model in LARGE_MODELS}
ORDERS_PER_USER = 300
# A merchant's share of the organization's rows, as with many merchants: with a few, the planner
# rightly walks the organization-wide created_at index, and the test would be about a toy.
OTHER_USERS = 40
OTHER_ORDERS_PER_USER = 200


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """Built once for the module and committed (VACUUM needs it), removed afterwards."""
    with django_db_blocker.unblock():
        built = _build()
        yield built
        built["organization"].delete()
        built["user"].delete()


def _build():
    """One organization: a merchant with 300 orders among 40 merchants with 200 each (8,300), each
    order with a shipment, checkpoints, activities, a pending or resolved request and an event;
    then VACUUM ANALYZE."""
    tenant = Tenant()
    org = tenant.organization
    merchant = tenant.end_user()
    others = [EndUserFactory(organization=org) for _ in range(OTHER_USERS)]
    now = timezone.now()
    orders = []
    for index, owner in enumerate([merchant, *others]):
        orders += Order.objects.bulk_create(
            Order(
                organization=org,
                end_user=owner,
                external_id=f"ext-{index}-{n}",
                order_number=str(100000 + index * ORDERS_PER_USER + n),
                status=["pending", "processing", "shipped"][n % 3],
                customer_name="Jane Doe",
                ordered_at=now - dt.timedelta(minutes=n),
            )
            for n in range(ORDERS_PER_USER if owner is merchant else OTHER_ORDERS_PER_USER)
        )
    shipments = Shipment.objects.bulk_create(
        Shipment(organization=org, order=o, end_user_id=o.end_user_id, tracking_number=f"1Z{o.order_number}", carrier="ups")
        for o in orders
    )
    TrackingCheckpoint.objects.bulk_create(
        TrackingCheckpoint(organization=org, shipment=s, status="in_transit", checkpoint_time=now - dt.timedelta(hours=h))
        for s in shipments
        for h in range(2)
    )
    OrderActivity.objects.bulk_create(
        OrderActivity(organization=org, order=o, activity_type="note", title="Note") for o in orders for _ in range(2)
    )
    ActionRequest.objects.bulk_create(
        ActionRequest(
            organization=org,
            order=o,
            end_user_id=o.end_user_id,
            action_type="cancel",
            title="Please cancel",
            status="pending" if n % 2 else "approved",
            expires_at=now + dt.timedelta(days=7),
        )
        for n, o in enumerate(orders)
    )
    Event.objects.bulk_create(
        Event(
            organization=org,
            event_type=["order.created", "order.updated", "shipment.created"][n % 3],
            end_user_id=o.end_user_id,
            resource_type="order",
            resource_id=str(o.pk),
        )
        for n, o in enumerate(orders)
    )
    # Each merchant's bridge with its runs: a run every quarter hour piles up.
    bridges = Bridge.objects.bulk_create(
        Bridge(organization=org, end_user=owner, type="shipstation", name="Store") for owner in [merchant, *others]
    )
    SyncRun.objects.bulk_create(
        SyncRun(organization=org, bridge=b, end_user_id=b.end_user_id, trigger="schedule", status="succeeded")
        for b in bridges
        for _ in range(100)
    )
    from tracking.services import tracking_page_create

    shipment = shipments[0]
    page, _ = tracking_page_create(end_user=merchant, shipment_id=shipment.pk)
    # Pages, sessions and merchants in the numbers a busy organization has: with one row of each,
    # every index of those tables looks as good as any other to the planner.
    TrackingPage.objects.bulk_create(
        TrackingPage(organization=org, end_user=merchant, shipment=s, token=token_generate("tp_"))
        for s in shipments[1:2000]
    )
    EndUser.objects.bulk_create(EndUser(organization=org, external_id=f"idle-{n}") for n in range(2000))
    EmbedSession.objects.bulk_create(
        EmbedSession(
            organization=org,
            end_user=merchant,
            digest=token_digest(token_generate(SESSION_PREFIX)),
            scopes=[],
            expires_at=now + dt.timedelta(hours=1),
        )
        for _ in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(sorted(LARGE_TABLES))}")
    staff = Client()
    staff.force_login(tenant.user)
    return {
        "organization": org,
        "user": tenant.user,
        "public": {},
        "session": bearer(tenant.session(merchant)),
        "api_key": bearer(tenant.api_key()),
        "staff": staff,
        "order": orders[0],
        "shipment": shipment,
        "tracking_token": page.token,
        "merchant": merchant,
        "bridge": bridges[0],
        "embed_slug": tenant.config.slug,
    }


def _scans(node):
    """Yield (node, ancestors) for every node of a plan tree."""
    stack = [(node, ())]
    while stack:
        current, ancestors = stack.pop()
        yield current, ancestors
        for child in current.get("Plans", []):
            stack.append((child, (*ancestors, current)))


def _large_relation(node) -> str | None:
    relation = node.get("Relation Name")
    if relation in LARGE_TABLES:
        return relation
    return None


def _outline(root) -> str:
    lines = []

    def walk(node, depth):
        detail = node.get("Index Name") or node.get("Relation Name") or ""
        cond = node.get("Index Cond") or node.get("Filter") or ""
        lines.append(f"{'  ' * depth}{node['Node Type']} {detail} {cond} rows={node.get('Plan Rows')}")
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(root, 0)
    return "\n".join(lines)


def _plan(sql: str) -> dict:
    """The plan with table scans and sorts priced out: if an index can give the rows in order, it is
    this. A search (LIKE) keeps its sort: its matches come unordered from a trigram bitmap, and
    pricing the sort out would only push the planner to walk the whole list instead."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if " LIKE " not in sql:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]


def plan_problems(sql: str) -> list[str]:
    """What in this statement's plan reads more than an index bounds."""
    root = _plan(sql)
    problems = []
    index_nodes = {"Index Scan", "Index Only Scan", "Bitmap Index Scan"}
    for node, ancestors in _scans(root):
        kind = node["Node Type"]
        table = _large_relation(node)
        if kind == "Seq Scan" and table:
            problems.append(f"sequential scan of {table}")
        if kind in index_nodes and "Index Cond" not in node:
            index_table = table or node.get("Index Name", "")
            if table or any(t in index_table for t in LARGE_TABLES):
                problems.append(f"whole-index walk of {node.get('Index Name')}")
        if table and kind in {"Index Scan", "Index Only Scan"} and not node["Index Name"].endswith("_pkey"):
            kinds = [a["Node Type"] for a in ancestors]
            first_limit = kinds.index("Limit") if "Limit" in kinds else None
            sorted_below_limit = first_limit is not None and any(
                k in {"Sort", "Incremental Sort"} for k in kinds[first_limit:]
            )
            if sorted_below_limit:
                problems.append(f"LIMITed list of {table} sorted instead of read in index order")
        if kind == "Aggregate" and node.get("Strategy") == "Plain":
            below = [n for n, _ in _scans(node)]
            reads_large = any(_large_relation(n) or "Index Name" in n for n in below)
            if reads_large and not any(n["Node Type"] == "Limit" for n in below):
                problems.append("unbounded count")
    return problems


def _statements(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured
        if q["sql"].lstrip().split(" ", 1)[0].upper() in {"SELECT", "UPDATE", "DELETE", "WITH"}
    ]


def _run(data, kind: str, path: str):
    with CaptureQueriesContext(connection) as captured:
        response = data["staff"].get(path) if kind == "staff" else Client().get(path, **data[kind])
    assert response.status_code == 200, (path, response.content[:300])
    return response, _statements(captured.captured_queries)


ENDPOINTS = [
    ("session orders list", "session", "/api/v1/embed/orders?limit=20"),
    ("session orders list, by status", "session", "/api/v1/embed/orders?status=pending"),
    ("session orders list, deep page", "session", "/api/v1/embed/orders?limit=20&page=14"),
    ("session order detail", "session", "/api/v1/embed/orders/{order}"),
    ("session shipment detail", "session", "/api/v1/embed/shipments/{shipment}"),
    ("session shipments list", "session", "/api/v1/embed/shipments"),
    ("orders search (API)", "api_key", "/api/v1/orders?search=100123"),
    ("orders list (API), deep page", "api_key", "/api/v1/orders?limit=20&page=60"),
    ("review queue (API)", "api_key", "/api/v1/embed/action-requests/queue"),
    ("review queue (API), deep page", "api_key", "/api/v1/embed/action-requests/queue?limit=20&page=30"),
    ("events log (API)", "api_key", "/api/v1/embed/events"),
    ("events log (API), by type", "api_key", "/api/v1/embed/events?event_type=order.updated"),
    ("events log (API), by end user", "api_key", "/api/v1/embed/events?end_user_id={merchant}"),
    ("tracking JSON", "public", "/api/v1/embed/tracking-pages/view/{tracking_token}"),
    ("/t/ HTML", "public", "/t/{tracking_token}"),
    ("bridge sync runs (session)", "session", "/api/v1/embed/bridges/{bridge}/syncs"),
    ("bridge sync runs (API)", "api_key", "/api/v1/bridges/{bridge}/syncs"),
    ("embed app page", "public", "/embed/v1/app/{embed_slug}/"),
    ("review queue page", "staff", "/dashboard/requests/"),
    ("orders page, search", "staff", "/dashboard/orders/?search=100123"),
    ("events log page", "staff", "/dashboard/embed/events/"),
]


@pytest.mark.parametrize(("name", "kind", "path"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_every_query_of_a_hot_endpoint_is_bounded_by_an_index(data, name, kind, path):
    # given a data set, VACUUM ANALYZEd
    path = path.format(
        order=data["order"].pk,
        shipment=data["shipment"].pk,
        tracking_token=data["tracking_token"],
        merchant=data["merchant"].pk,
        bridge=data["bridge"].pk,
        embed_slug=data["embed_slug"],
    )
    # when the endpoint answers
    _response, statements = _run(data, kind, path)
    # then no statement it ran needs to read more than an index bounds
    assert statements
    problems = {sql: plan_problems(sql) for sql in statements}
    failures = {sql: p for sql, p in problems.items() if p}
    assert not failures, "\n\n".join(f"{p}\n{sql}\n{_outline(_plan(sql))}" for sql, p in failures.items())


def test_a_deep_page_reads_its_ids_from_the_index_alone(data):
    # when page 14 of 300 orders is asked for
    response, statements = _run(data, "session", "/api/v1/embed/orders?limit=20&page=14")
    # then the page is right
    body = response.json()
    expected = list(
        Order.objects.filter(end_user=data["merchant"]).order_by("-created_at", "-id").values_list("id", flat=True)
    )[260:280]
    assert [row["id"] for row in body["data"]] == [str(pk) for pk in expected]
    assert body["pagination"] == {"page": 14, "limit": 20, "total": 300, "totalPages": 15, "hasMore": True}
    # and the skipped rows were index entries, not table rows
    page_query = next(sql for sql in statements if "OFFSET 260" in sql)
    nodes = [node for node, _ in _scans(_plan(page_query))]
    assert any(n["Node Type"] == "Index Only Scan" and "order_user_created_id" in n["Index Name"] for n in nodes)


def test_the_search_uses_the_trigram_index(data):
    # when the staff search an order number
    _response, statements = _run(data, "api_key", "/api/v1/orders?search=100123")
    # then the matches come from the trigram index
    page_query = next(sql for sql in statements if "LIMIT" in sql and "LIKE" in sql and "COUNT" not in sql)
    indexes = {n.get("Index Name") for n, _ in _scans(_plan(page_query))}
    assert {"order_number_trgm", "order_external_id_trgm"} <= indexes


def test_an_external_id_search_asks_the_index_for_its_tail_only(data):
    # when an external id is searched with the prefix every external id shares (`ext-`)
    response, statements = _run(data, "api_key", "/api/v1/orders?search=ext-0-123")
    # then the one order is found, and the trigram indexes were asked for the tail from the first
    # digit: the prefix's trigrams would have them read a posting list of every order
    assert [o["external_id"] for o in response.json()["data"]] == ["ext-0-123"]
    ids_query = next(sql for sql in statements if "LIMIT" in sql and "LIKE" in sql)
    conditions = [n.get("Index Cond", "") for n, _ in _scans(_plan(ids_query)) if n.get("Index Name", "").endswith("_trgm")]
    assert len(conditions) == 2
    assert all("%0-123%" in c and "EXT" not in c for c in conditions), conditions


def test_the_queue_reads_the_partial_index_of_pending_requests(data):
    _response, statements = _run(data, "api_key", "/api/v1/embed/action-requests/queue")
    indexes = {n.get("Index Name") for sql in statements for n, _ in _scans(_plan(sql))}
    assert "actreq_org_pending_created" in indexes


def test_the_plan_checks_catch_an_unindexed_filter(data):
    # given a filter no index serves (a customer's name), and an unbounded count
    with CaptureQueriesContext(connection) as captured:
        list(Order.objects.filter(customer_name="Jane Doe").order_by("-created_at")[:20])
    unindexed = captured.captured_queries[-1]["sql"]
    count = "SELECT COUNT(*) FROM orders_order WHERE organization_id IS NOT NULL"
    # then the checks say so
    assert plan_problems(unindexed)
    assert "unbounded count" in plan_problems(count)


def test_a_deep_queue_page_reads_its_ids_without_the_rows_joins(data):
    # when page 30 of the review queue is asked for (its rows are read with the order and end user)
    _response, statements = _run(data, "api_key", "/api/v1/embed/action-requests/queue?limit=20&page=30")
    # then the skipped rows are index entries of the pending requests alone, no join walked per row
    page_query = next(sql for sql in statements if "OFFSET 580" in sql)
    ids = page_query[page_query.index("(SELECT") : page_query.index("OFFSET 580")]
    assert "JOIN" not in ids, ids
    nodes = [node for node, _ in _scans(_plan(page_query))]
    assert any(n["Node Type"] == "Index Only Scan" and n["Index Name"] == "actreq_org_pending_created" for n in nodes)
