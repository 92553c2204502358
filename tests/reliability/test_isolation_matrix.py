"""Tenant isolation, endpoint by endpoint (issue 8): every /api/v1/ route with an id in its path
answers 404 to another organization's API key and to another end user's session, and changes nothing.

`MATRIX` holds one entry per route: how to make the object that tenant A (and its end user A) owns,
the methods the route accepts with a body valid enough that a 404 is not masked by a 400, and the
credential kinds its view accepts. The tests below read the table; `test_the_matrix_covers_every_id_route`
keeps it complete against the URL resolver, so a new id endpoint without an entry fails CI.
"""

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from alerts.models import AlertNotification
from alerts.services import alert_rule_create
from embed.services import embed_session_create
from operations.services import operation_create, operation_execute, operation_run
from orderly.api.permissions import requirement_for
from orderly.events.catalog import topic_get
from orderly.events.services import event_record
from tests.actions.factories import ActionRequestFactory
from tests.conftest import bearer
from tests.factories import BridgeFactory, OrderFactory, ShipmentFactory
from tracking.models import TrackingPage
from tracking.services import tracking_page_create
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db

API_KEY, SESSION = "api_key", "session"
# Nothing listens on the discard port: the owner's webhook tests and bridge tests fail fast, offline.
RECEIVER = "http://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def _fast_and_offline(settings):
    # Two tenants per case, each with a staff password: hash it cheaply, as nothing here logs in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ORDERLY_BRIDGE_SERVICE_URL = "http://127.0.0.1:9/{type}"


# Objects owned by tenant A, made through the factories and services ------------------------------
# Each maker takes (tenant, end user A) and returns the route's path parameters, plus anything a
# body needs (an order's version tag).


def order_of(tenant, owner) -> dict:
    order = OrderFactory(end_user=owner)
    return {"pk": order.pk, "version_tag": order.version_tag}


def shipment_of(tenant, owner) -> dict:
    return {"pk": ShipmentFactory(order__end_user=owner).pk}


def tracked_shipment_of(tenant, owner) -> dict:
    return {"shipment_id": ShipmentFactory(order__end_user=owner).pk}


def session_of(tenant, owner) -> dict:
    session, _token, _config = embed_session_create(
        organization=tenant.organization, external_id=owner.external_id, profile={}
    )
    return {"pk": session.pk}


def end_user_of(tenant, owner) -> dict:
    return {"pk": owner.pk}


def bridge_of(tenant, owner) -> dict:
    return {"pk": BridgeFactory(end_user=owner).pk}


def action_request_of(tenant, owner) -> dict:
    return {"pk": ActionRequestFactory(order__end_user=owner).pk}


def alert_rule_of(tenant, owner) -> dict:
    rule = alert_rule_create(
        end_user=owner, data={"name": "Exceptions", "event_type": "shipment.exception", "condition": {}}
    )
    return {"pk": rule.pk}


def notification_of(tenant, owner) -> dict:
    notification = AlertNotification.objects.create(
        organization=tenant.organization,
        end_user=owner,
        event_type="shipment.exception",
        title="Shipment exception detected",
        message="Shipment 1Z999AA1 has an exception with UPS.",
    )
    return {"pk": notification.pk}


def _webhook_with_a_failed_delivery(tenant, *, end_user, event_user) -> dict:
    webhook, _secret = webhook_create(
        organization=tenant.organization, end_user=end_user, url=RECEIVER, events=["order.created"]
    )
    event_record(
        organization=tenant.organization,
        event_type="order.created",
        end_user=event_user,
        data=topic_get("order.created").example,
    )
    # Failed, so a leaking retry or recover would visibly move it back to pending.
    WebhookDelivery.objects.filter(webhook=webhook).update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None
    )
    return {"pk": webhook.pk, "delivery_id": WebhookDelivery.objects.get(webhook=webhook).pk}


def end_user_webhook_of(tenant, owner) -> dict:
    return _webhook_with_a_failed_delivery(tenant, end_user=owner, event_user=owner)


def organization_webhook_of(tenant, owner) -> dict:
    return _webhook_with_a_failed_delivery(tenant, end_user=None, event_user=owner)


def tracking_page_of(tenant, owner) -> dict:
    shipment = ShipmentFactory(order__end_user=owner)
    page, _created = tracking_page_create(end_user=owner, shipment_id=shipment.pk)
    return {"pk": page.pk}


def operation_of(tenant, owner) -> dict:
    operation = operation_create(
        organization=tenant.organization,
        type="update_order_status",
        order_id=OrderFactory(end_user=owner).pk,
        input={"status": "processing"},
        actor_id=tenant.user.pk,
    )
    return {"pk": operation.pk}


def completed_operation_of(tenant, owner) -> dict:
    made = operation_of(tenant, owner)
    operation_execute(organization=tenant.organization, operation_id=made["pk"], actor_id=tenant.user.pk)
    operation_run(operation_id=made["pk"])  # the task's body; its after-commit enqueue never fires here
    return made


# The matrix -------------------------------------------------------------------------------------

Body = dict | Callable[[dict], dict] | None


@dataclass(frozen=True)
class Entry:
    route: str  # as the resolver spells it, without the optional trailing slash
    kinds: frozenset[str]  # credential kinds the view accepts
    make: Callable  # (tenant, end user A) -> path parameters
    methods: dict[str, Body]  # each accepted method -> a minimal valid body

    def path(self, made: dict) -> str:
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(made[match[1]]), self.route)

    def body(self, method: str, made: dict):
        body = self.methods[method]
        return body(made) if callable(body) else body


KEY, SESS = frozenset({API_KEY}), frozenset({SESSION})
SINCE_2000 = {"since": "2000-01-01T00:00:00Z"}
WEBHOOK_ROUTES = {  # suffix -> methods; the same views serve end users (session) and the organization (key)
    "": {"GET": None, "PATCH": {"isActive": False}, "DELETE": None},
    "/test": {"POST": None},
    "/deliveries": {"GET": None},
    "/deliveries/<uuid:delivery_id>/retry": {"POST": None},
    "/recover": {"POST": SINCE_2000},
    "/rotate-secret": {"POST": None},
}

MATRIX = [
    # embed: sessions, end users, bridges
    Entry("/api/v1/embed/sessions/<uuid:pk>", KEY, session_of, {"DELETE": None}),
    Entry("/api/v1/embed/users/<uuid:pk>", KEY, end_user_of, {"GET": None, "DELETE": None}),
    Entry(
        "/api/v1/embed/bridges/<uuid:pk>",
        SESS,
        bridge_of,
        {"GET": None, "PATCH": {"name": "Renamed"}, "DELETE": None},
    ),
    Entry("/api/v1/embed/bridges/<uuid:pk>/test", SESS, bridge_of, {"POST": None}),
    Entry("/api/v1/embed/bridges/<uuid:pk>/sync", SESS, bridge_of, {"POST": None}),
    Entry("/api/v1/embed/bridges/<uuid:pk>/syncs", SESS, bridge_of, {"GET": None}),
    Entry("/api/v1/bridges/<uuid:pk>/syncs", KEY, bridge_of, {"GET": None}),
    # orders: the ingest API (key) and the data room (session)
    Entry("/api/v1/orders/<uuid:pk>", KEY, order_of, {"GET": None, "PATCH": {"notes": "Leave at the door"}}),
    Entry(
        "/api/v1/orders/<uuid:pk>/action",
        KEY,
        order_of,
        # The order's real version tag: the intruder knows everything but is not the owner.
        {"POST": lambda made: {"action": "cancel", "versionTag": made["version_tag"]}},
    ),
    Entry(
        "/api/v1/shipments/<uuid:pk>/checkpoints",
        KEY,
        shipment_of,
        {"POST": {"status": "delivered", "checkpointTime": "2030-01-01T12:00:00.000Z"}},
    ),
    Entry("/api/v1/embed/orders/<uuid:pk>", SESS, order_of, {"GET": None}),
    Entry("/api/v1/embed/shipments/<uuid:pk>", SESS, shipment_of, {"GET": None}),
    Entry("/api/v1/embed/tracking/<uuid:shipment_id>", SESS, tracked_shipment_of, {"GET": None}),
    # action requests
    Entry("/api/v1/embed/action-requests/<uuid:pk>", SESS, action_request_of, {"GET": None, "DELETE": None}),
    Entry(
        "/api/v1/embed/action-requests/<uuid:pk>/resolve",
        KEY,
        action_request_of,
        {"PATCH": {"status": "approved", "resolutionNote": "OK"}},
    ),
    # smart alerts
    Entry(
        "/api/v1/embed/alerts/rules/<uuid:pk>",
        SESS,
        alert_rule_of,
        {"GET": None, "PATCH": {"isActive": False}, "DELETE": None},
    ),
    Entry("/api/v1/embed/alerts/notifications/<uuid:pk>", SESS, notification_of, {"PATCH": {"isRead": True}}),
    # webhooks: an end user's (session) and the organization's own (API key)
    *(
        Entry(f"/api/v1/embed/webhooks/<uuid:pk>{suffix}", SESS, end_user_webhook_of, methods)
        for suffix, methods in WEBHOOK_ROUTES.items()
    ),
    *(
        Entry(f"/api/v1/webhooks/<uuid:pk>{suffix}", KEY, organization_webhook_of, methods)
        for suffix, methods in WEBHOOK_ROUTES.items()
    ),
    # tracking pages
    Entry("/api/v1/embed/tracking-pages/<uuid:pk>", SESS, tracking_page_of, {"DELETE": None}),
    # operations
    Entry("/api/v1/operations/<uuid:pk>", KEY, operation_of, {"GET": None}),
    Entry("/api/v1/operations/<uuid:pk>/execute", KEY, operation_of, {"POST": None}),
    Entry("/api/v1/operations/<uuid:pk>/cancel", KEY, operation_of, {"POST": None}),
    Entry("/api/v1/operations/<uuid:pk>/undo", KEY, completed_operation_of, {"POST": None}),
]

# Id routes that are, by design, not tenant-authenticated: the id in the path is the credential.
PUBLIC_BY_DESIGN = {
    # A customer's public tracking link: the 192-bit token is the capability; it shows one shipment
    # and no PII (CONTRACT §1, §7). Covered by test_the_public_tracking_view_hides_unknown_and_revoked_pages.
    "/api/v1/embed/tracking-pages/view/<str:token>": "the token is the credential",
}
# (The Shopify OAuth callback is public too, but its `state` travels in the query string, not the path.)

INTRUDERS = {  # name -> (credential kind, how to mint it from (tenant A, tenant B))
    "other_org_api_key": (API_KEY, lambda tenant, other: other.api_key()),
    "same_org_other_end_user_session": (SESSION, lambda tenant, other: tenant.session(tenant.end_user())),
    "other_org_end_user_session": (SESSION, lambda tenant, other: other.session()),
}


def _intruder_cases():
    for entry in MATRIX:
        for method in entry.methods:
            for name, (kind, _mint) in INTRUDERS.items():
                # Every route faces the other organization's key; session routes also face sessions.
                if kind == API_KEY or kind in entry.kinds:
                    yield pytest.param(entry, method, name, id=f"{method} {entry.route} as {name}")


def _owner_cases():
    for entry in MATRIX:
        for method in entry.methods:
            yield pytest.param(entry, method, id=f"{method} {entry.route}")


# Helpers ----------------------------------------------------------------------------------------


def send(client, method: str, path: str, body, token: str):
    return getattr(client, method.lower())(path, body, format="json", **bearer(token))


def all_api_routes() -> dict[str, type]:
    """Every route the resolver serves under /api/, as `/api/...` without a trailing slash → view class."""
    found = {}

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                route = "/" + (prefix + str(pattern.pattern)).rstrip("/")
                if route.startswith("/api/"):
                    found[route] = getattr(pattern.callback, "view_class", pattern.callback)

    walk(get_resolver().url_patterns, "")
    return found


def id_routes() -> dict[str, type]:
    """The canonical /api/v1/ routes with a path parameter."""
    return {
        route: view
        for route, view in all_api_routes().items()
        if route.startswith("/api/v1/") and "<" in route
    }


# The intruder's own API key is stamped with its last use on every request; nothing else may change.
VOLATILE_FIELDS = {"accounts.ApiKey": {"last_used_at"}}


def database_rows() -> dict[str, list[dict]]:
    """Every row of every project model (not Django's or a library's), for a before/after comparison."""
    rows = {}
    for model in apps.get_models():
        if "site-packages" in model._meta.app_config.path or model.__module__.startswith("django."):
            continue
        label = model._meta.label
        skip = VOLATILE_FIELDS.get(label, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        rows[label] = list(model.objects.order_by("pk").values(*fields))
    return rows


def with_random_ids(entry: Entry, made: dict) -> dict:
    return {**made, **{name: uuid.uuid4() for name in re.findall(r"<(?:\w+:)?(\w+)>", entry.route)}}


# The tests --------------------------------------------------------------------------------------


def _anonymous(response) -> dict:
    body = response.json()
    body["error"].pop("request_id")
    return body


@pytest.mark.parametrize("entry, method, intruder", list(_intruder_cases()))
def test_an_intruder_gets_404_and_changes_nothing(client, tenant, other_tenant, entry, method, intruder):
    # given an object owned by tenant A's end user A, and an intruder's credential
    made = entry.make(tenant, tenant.end_user())
    kind, mint = INTRUDERS[intruder]
    token = mint(tenant, other_tenant)
    before = database_rows()

    # when the intruder calls the route with the object's id, then with ids that never existed
    response = send(client, method, entry.path(made), entry.body(method, made), token)
    unknown = send(client, method, entry.path(with_random_ids(entry, made)), entry.body(method, made), token)

    # then a credential of the right kind gets 404 as if the object did not exist; one of the wrong
    # kind (a key on a session-only route) is refused before any lookup, the same for every id
    expected = (404, "not_found") if kind in entry.kinds else (401, "unauthenticated")
    assert (response.status_code, response.json()["error"]["code"]) == expected, response.json()
    envelope = response.json()
    assert set(envelope) == {"error"}
    assert set(envelope["error"]) == {"code", "message", "details", "request_id"}
    # indistinguishable from an id that exists nowhere, but for each request's own id
    assert (unknown.status_code, _anonymous(unknown)) == (response.status_code, _anonymous(response))
    # and the database is exactly as it was: nothing read into a change, deleted, revoked or queued
    assert database_rows() == before


@pytest.mark.parametrize("entry, method", list(_owner_cases()))
def test_the_owner_gets_through(client, tenant, entry, method):
    """Proves each entry's path, object, body and credential are right, so the 404s above mean something."""
    # given the same object and its owner's credential: tenant A's key, or end user A's session
    owner = tenant.end_user()
    made = entry.make(tenant, owner)
    token = tenant.api_key() if API_KEY in entry.kinds else tenant.session(owner)

    # when
    response = send(client, method, entry.path(made), entry.body(method, made), token)

    # then
    assert 200 <= response.status_code < 300, response.json()


def test_the_matrix_covers_every_id_route():
    # given every /api/v1/ route with a path parameter, from the URL resolver
    served = set(id_routes())

    # when compared with the matrix and the routes public by design
    listed = [entry.route for entry in MATRIX]

    # then each is listed exactly once, and nothing is listed that is not served
    assert len(listed) == len(set(listed))
    assert served - set(listed) - set(PUBLIC_BY_DESIGN) == set(), "id routes with no MATRIX entry"
    assert (set(listed) | set(PUBLIC_BY_DESIGN)) - served == set(), "MATRIX entries no route serves"
    assert not set(listed) & set(PUBLIC_BY_DESIGN)


@pytest.mark.parametrize("entry", MATRIX, ids=lambda entry: entry.route)
def test_each_entry_matches_its_views_methods_and_credentials(entry):
    # given the view behind the route
    view = id_routes()[entry.route]
    implemented = {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}

    # then the entry lists every method the view implements, and each method takes the entry's kinds
    assert set(entry.methods) == implemented
    for method in implemented:
        requirement = requirement_for(view, method)
        assert frozenset({getattr(requirement, "kind", "public")}) == entry.kinds, method


def test_aliases_serve_the_views_the_matrix_covers():
    # given the seeds' other spellings of id routes (/api/embed/…, /api/operations…, /api/v3/…)
    canonical = id_routes()
    aliases = {
        route: view
        for route, view in all_api_routes().items()
        if "<" in route and not route.startswith("/api/v1/")
    }

    # then each is the very view of its /api/v1/ route, so the matrix covers it too
    assert aliases
    for route, view in aliases.items():
        v1_route = re.sub(r"^/api/(v3/)?", "/api/v1/", route)
        assert canonical.get(v1_route) is view, route


def test_the_public_tracking_view_hides_unknown_and_revoked_pages(client, tenant):
    # given an active page, a revoked page and a page whose shipment was delivered long ago
    owner = tenant.end_user()
    active = TrackingPage.objects.get(pk=tracking_page_of(tenant, owner)["pk"])
    revoked = TrackingPage.objects.get(pk=tracking_page_of(tenant, owner)["pk"])
    TrackingPage.objects.filter(pk=revoked.pk).update(is_active=False, revoked_at=timezone.now())
    expired = TrackingPage.objects.get(pk=tracking_page_of(tenant, owner)["pk"])
    expired.shipment.actual_delivery = timezone.now() - dt.timedelta(days=3650)
    expired.shipment.save()
    view = "/api/v1/embed/tracking-pages/view/{}".format

    # when anyone, with no credential, opens each
    answers = {
        name: client.get(view(token))
        for name, token in {
            "active": active.token,
            "unknown": "x" * len(active.token),
            "revoked": revoked.token,
            "expired": expired.token,
        }.items()
    }

    # then only the active page shows; unknown is 404 and revoked or expired is 410, in the envelope
    assert answers["active"].status_code == 200
    assert {name: (r.status_code, r.json().get("error", {}).get("code")) for name, r in answers.items()} == {
        "active": (200, None),
        "unknown": (404, "not_found"),
        "revoked": (410, "gone"),
        "expired": (410, "gone"),
    }


@pytest.mark.parametrize("prefix, kind", [("/api/v1/embed/webhooks", SESSION), ("/api/v1/webhooks", API_KEY)])
def test_a_victims_delivery_under_the_intruders_own_webhook_is_404(
    client, tenant, other_tenant, prefix, kind
):
    # given a failed delivery of tenant A's webhook, and an intruder of tenant B with a webhook of its own
    maker = end_user_webhook_of if kind == SESSION else organization_webhook_of
    victim = maker(tenant, tenant.end_user())
    intruder_user = other_tenant.end_user()
    own = maker(other_tenant, intruder_user)
    token = other_tenant.session(intruder_user) if kind == SESSION else other_tenant.api_key()
    before = database_rows()

    # when the intruder retries the victim's delivery through its own webhook's path
    response = client.post(f"{prefix}/{own['pk']}/deliveries/{victim['delivery_id']}/retry", **bearer(token))

    # then it is not found, and nothing changed
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert database_rows() == before


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_an_end_user_cannot_reach_the_organizations_own_webhook(client, tenant, method):
    # given the organization's own webhook and a session of one of its end users
    owner = tenant.end_user()
    webhook = organization_webhook_of(tenant, owner)
    token = tenant.session(owner)
    before = database_rows()

    # when the end user addresses it through the end-user routes
    response = send(client, method, f"/api/v1/embed/webhooks/{webhook['pk']}", None, token)

    # then it is not found, and nothing changed
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert database_rows() == before
