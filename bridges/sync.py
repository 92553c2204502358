"""Bridge sync (CONTRACT §10): a connected bridge brings its store's orders into the data room.

A run pages through the source (the bridge service's `POST <base>/orders`, or Shopify itself),
and for each page, in one transaction, upserts the orders through the ingest service and saves
the run's progress (cursor, counts, high-water mark). So a worker that dies loses at most the page
it was on, and the run is claimed again from the saved cursor: the page is redone, and as every
write is an upsert, nothing is duplicated.

Who may work on a run is decided by conditional UPDATEs: a run is claimed (queued, or running
with an expired lease) with a fresh `claim_token`; every later write of the run names that token,
so a worker whose lease was taken over finds nothing to update and stops.
"""

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bridges.client import (
    BridgeAuthRefused,
    BridgeServiceBusy,
    BridgeServiceError,
    bridge_service_orders_page,
)
from bridges.models import Bridge, SyncRun
from bridges.order_input import SyncedOrderInput, json_problem
from bridges.registry import BRIDGE_TYPES, bridge_type_get
from orderly.api.fields import iso_ms
from orderly.errors import DomainError, ErrorCode, invalid_state
from orderly.events.services import event_record
from orders.services import order_upsert, shipment_upsert, tracking_checkpoint_upsert

logger = logging.getLogger(__name__)

# A run whose worker died this many times on it is failed rather than tried forever (a page that
# kills the worker each time, say by exhausting its memory).
MAX_CLAIMS = 5
STALLED_BATCH = 100
DUE_BATCH = 500
SYNCABLE_STATUSES = (Bridge.Status.ACTIVE, Bridge.Status.ERROR)


class LostClaim(Exception):
    """Another worker owns the run now (our lease expired), or the run is gone."""


# Where orders come from -------------------------------------------------------------------------


class BridgeServiceSource:
    """The bridge type's service: `POST <base>/orders` with `since`/`cursor` paging."""

    def __init__(self, bridge: Bridge):
        from bridges.services import bridge_config_decrypt

        self.bridge_type = bridge.type
        self.config = bridge_config_decrypt(bridge=bridge)

    def orders_page(self, *, since, cursor, limit) -> tuple[list, str | None]:
        return bridge_service_orders_page(
            bridge_type=self.bridge_type,
            config=self.config,
            since=iso_ms(since) if since else None,
            cursor=cursor,
            limit=limit,
        )


def order_source(bridge: Bridge):
    """Shopify talks to Shopify when the platform has its own app credentials; every other type
    (and Shopify without them) to its bridge service."""
    from bridges.shopify import client as shopify

    if bridge.type == shopify.SHOPIFY and shopify.shopify_enabled():
        return shopify.ShopifySource(bridge)
    return BridgeServiceSource(bridge)


# Requesting a run -------------------------------------------------------------------------------


def _since(bridge: Bridge):
    """The high-water mark of the bridge's succeeded runs: what the next run asks changes since."""
    return SyncRun.objects.filter(bridge=bridge, status=SyncRun.Status.SUCCEEDED).aggregate(
        mark=Max("high_water_mark")
    )["mark"]


def sync_run_request(*, bridge: Bridge, trigger: str) -> tuple[SyncRun, bool]:
    """The bridge's queued or running run, or a new queued one; returns (run, created).

    The partial unique index on (bridge) for queued/running runs makes this race-safe: of two
    concurrent requests one inserts, the other gets IntegrityError and answers with the first's run.
    """
    bridge_type = bridge_type_get(bridge.type)
    if bridge_type is None or not bridge_type.syncs:
        raise DomainError(ErrorCode.UNPROCESSABLE, f"Bridges of type '{bridge.type}' do not sync orders.")
    if bridge.status not in SYNCABLE_STATUSES:
        raise invalid_state(f"The bridge is {bridge.status}; only a connected bridge can sync.")
    if bridge.end_user_id is None:
        raise invalid_state("The bridge has no end user to sync orders for.")
    for _attempt in range(3):
        active = SyncRun.objects.filter(bridge=bridge, status__in=SyncRun.ACTIVE).first()
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                run = SyncRun.objects.create(
                    organization_id=bridge.organization_id,
                    bridge=bridge,
                    end_user_id=bridge.end_user_id,
                    trigger=trigger,
                    since=_since(bridge),
                )
        except IntegrityError:
            continue  # another request inserted one first: answer with it
        _enqueue(run.pk)
        return run, True
    raise DomainError(ErrorCode.CONFLICT, "The bridge's sync is changing state; try again.")


def _enqueue(run_id) -> None:
    from bridges.tasks import bridge_sync_run

    transaction.on_commit(lambda: bridge_sync_run.delay(str(run_id)))


def sync_runs_due(*, now=None) -> int:
    """The scheduler's tick: start a run for every active bridge whose last run is older than
    ORDERLY_BRIDGE_SYNC_MINUTES (or that never ran). A bridge in `error` is skipped until its
    config is updated or its test succeeds (both make it active again)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.ORDERLY_BRIDGE_SYNC_MINUTES)
    last_run = SyncRun.objects.filter(bridge=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    due = (
        Bridge.objects.filter(
            status=Bridge.Status.ACTIVE,
            type__in=[type_id for type_id, bridge_type in BRIDGE_TYPES.items() if bridge_type.syncs],
            end_user__isnull=False,
        )
        .annotate(last_run_at=Subquery(last_run))
        .filter(Q(last_run_at__isnull=True) | Q(last_run_at__lt=cutoff))
        .select_related("organization__embed_config")
        .order_by(F("last_run_at").asc(nulls_first=True), "pk")[:DUE_BATCH]
    )
    started = 0
    for bridge in due:
        config = getattr(bridge.organization, "embed_config", None)
        if config is None or not config.is_active or not config.has_feature("bridges"):
            continue
        try:
            with transaction.atomic():
                _run, created = sync_run_request(bridge=bridge, trigger=SyncRun.Trigger.SCHEDULE)
        except DomainError:
            continue  # changed since the query (deleted, disconnected): nothing to start
        started += created
    return started


def sync_runs_requeue_stalled(*, now=None) -> int:
    """Send again the runs nobody is working on: running with an expired lease (the worker died),
    or queued for longer than a lease (the message was lost). A duplicate message is harmless:
    only one worker can claim a run."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=settings.ORDERLY_BRIDGE_SYNC_LEASE_SECONDS)
    stalled = list(
        SyncRun.objects.filter(
            Q(status=SyncRun.Status.RUNNING, lease_expires_at__lt=now)
            | Q(status=SyncRun.Status.QUEUED, updated_at__lt=now - lease)
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:STALLED_BATCH]
    )
    from bridges.tasks import bridge_sync_run

    for run_id in stalled:
        SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED).update(updated_at=now)
        bridge_sync_run.delay(str(run_id))
    return len(stalled)


# Running a run ----------------------------------------------------------------------------------


@dataclass
class PageResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)
    high_water_mark: dt.datetime | None = None


def _lease_until(seconds: float | None = None) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds or settings.ORDERLY_BRIDGE_SYNC_LEASE_SECONDS)


def _claim(run_id) -> uuid.UUID | None:
    token = uuid.uuid4()
    now = timezone.now()
    claimable = Q(status=SyncRun.Status.QUEUED) | Q(status=SyncRun.Status.RUNNING, lease_expires_at__lt=now)
    claimed = SyncRun.objects.filter(claimable, pk=run_id).update(
        status=SyncRun.Status.RUNNING,
        claim_token=token,
        lease_expires_at=_lease_until(),
        claims=F("claims") + 1,
        started_at=Coalesce("started_at", now),
        updated_at=now,
    )
    return token if claimed else None


def sync_run_execute(*, run_id) -> str:
    """Run (or resume) one sync; safe to call twice, and from two workers: only one claims it.
    Returns the run's status when this call is done with it ("skipped" when it was not ours)."""
    token = _claim(run_id)
    if token is None:
        return "skipped"
    run = SyncRun.objects.select_related("bridge__organization", "bridge__end_user").get(pk=run_id)
    bridge = run.bridge
    if run.claims > MAX_CLAIMS:
        return _run_fail(run, token, "The sync was interrupted too many times and was stopped.")
    try:
        source = order_source(bridge)
        cursor = run.cursor
        while True:
            orders, next_cursor = _page_fetch(run, token, source, cursor)
            _page_save(run, token, orders, next_cursor)
            if next_cursor is None:
                break
            cursor = next_cursor
        return _run_succeed(run, token)
    except BridgeAuthRefused as exc:
        return _run_fail(run, token, str(exc), disconnect=True)
    except BridgeServiceError as exc:
        return _run_fail(run, token, str(exc))
    except LostClaim:
        return "skipped"
    except DatabaseError:
        # The database is unavailable (or a bug wrote something it refused): leave the run to its
        # lease, so the scheduler claims it again from the last saved page.
        logger.exception("Bridge sync %s stopped by a database error; it will be resumed", run_id)
        return "interrupted"


def _page_fetch(run: SyncRun, token, source, cursor) -> tuple[list, str | None]:
    """One page, trying again on 429, 5xx and timeouts (bounded), honouring Retry-After."""
    delays = settings.ORDERLY_BRIDGE_SYNC_RETRY_DELAYS
    retries = settings.ORDERLY_BRIDGE_SYNC_RETRIES
    for attempt in range(retries + 1):
        try:
            return source.orders_page(
                since=run.since, cursor=cursor, limit=settings.ORDERLY_BRIDGE_SYNC_PAGE_SIZE
            )
        except BridgeServiceBusy as exc:
            if attempt == retries:
                raise BridgeServiceBusy(f"{exc} Gave up after {retries + 1} attempts.") from None
            wait = exc.retry_after if exc.retry_after is not None else delays[min(attempt, len(delays) - 1)]
            if wait > settings.ORDERLY_BRIDGE_SYNC_MAX_WAIT_SECONDS:
                raise BridgeServiceBusy(
                    f"{exc} It asked to wait {wait:.0f} s, longer than this run waits."
                ) from None
            # Keep the lease while waiting, so the scheduler does not hand the run to another worker.
            if not SyncRun.objects.filter(pk=run.pk, claim_token=token).update(
                lease_expires_at=_lease_until(wait + settings.ORDERLY_BRIDGE_SYNC_LEASE_SECONDS)
            ):
                raise LostClaim from None
            time.sleep(wait)
    raise AssertionError("unreachable")


def _page_save(run: SyncRun, token, orders: list, next_cursor: str | None) -> None:
    """Upsert one page's orders and save the run's progress, in one transaction."""
    with transaction.atomic():
        mine = (
            SyncRun.objects.select_for_update(of=("self",))
            .filter(pk=run.pk, claim_token=token, status=SyncRun.Status.RUNNING)
            .select_related("bridge__end_user", "bridge__organization")
            .first()
        )
        if mine is None:
            raise LostClaim
        bridge = mine.bridge
        if bridge.status not in SYNCABLE_STATUSES or bridge.end_user_id is None:
            raise BridgeServiceError(f"The bridge became {bridge.status} during the sync.")
        result = PageResult()
        for raw in orders:
            order_sync_one(bridge, raw, result)
        errors = (mine.errors + result.errors)[: SyncRun.ERRORS_KEPT]
        marks = [mark for mark in (mine.high_water_mark, result.high_water_mark) if mark is not None]
        SyncRun.objects.filter(pk=run.pk).update(
            cursor=next_cursor,
            pages=F("pages") + 1,
            orders_created=F("orders_created") + result.created,
            orders_updated=F("orders_updated") + result.updated,
            orders_unchanged=F("orders_unchanged") + result.unchanged,
            orders_skipped=F("orders_skipped") + result.skipped,
            errors=errors,
            high_water_mark=max(marks) if marks else None,
            lease_expires_at=_lease_until(),
            updated_at=timezone.now(),
        )


def _skip(result: PageResult, raw, errors) -> None:
    result.skipped += 1
    external_id = raw.get("externalId") if isinstance(raw, dict) else None
    result.errors.append(
        {
            "externalId": external_id if isinstance(external_id, str) else None,
            "errors": errors,
            "message": _flatten(errors)[:500],
        }
    )


def order_sync_one(bridge: Bridge, raw, result: PageResult) -> None:
    """Validate one order as the ingest API would and upsert it with its shipments and checkpoints;
    an invalid one is counted and its errors kept, and never stops the page."""
    problem = json_problem(raw)
    if problem:
        _skip(result, raw, {"non_field_errors": [problem]})
        return
    serializer = SyncedOrderInput(data=raw)
    if not serializer.is_valid():
        _skip(result, raw, serializer.errors)
        return
    data = dict(serializer.validated_data)
    shipments = data.pop("shipments", [])
    updated_at = data.pop("updated_at", None)
    actor_id = f"bridge:{bridge.pk}"
    try:
        with transaction.atomic():
            order, created = order_upsert(
                organization=bridge.organization,
                data=data,
                actor_type="system",
                actor_id=actor_id,
                bridge=bridge,
            )
            changed = created or bool(order.upsert_changes)
            for shipment_data in shipments:
                shipment_data = dict(shipment_data)
                checkpoints = shipment_data.pop("checkpoints", [])
                shipment, shipment_changed = shipment_upsert(
                    organization=bridge.organization, order=order, data=shipment_data, actor_id=actor_id
                )
                changed |= shipment_changed
                for checkpoint in checkpoints:
                    _checkpoint, added = tracking_checkpoint_upsert(
                        organization=bridge.organization, shipment_id=shipment.pk, data=dict(checkpoint)
                    )
                    changed |= added
    except DomainError as exc:
        _skip(result, raw, exc.details or {"non_field_errors": [exc.message]})
        return
    except DatabaseError:
        # A value the database refuses (the savepoint is rolled back): the order is skipped, the
        # page goes on. Were the database gone, saving the page would fail next and roll it back.
        logger.exception("Bridge %s: order %r could not be stored", bridge.pk, raw.get("externalId"))
        _skip(result, raw, {"non_field_errors": ["The order could not be stored."]})
        return
    if created:
        result.created += 1
    elif changed:
        result.updated += 1
    else:
        result.unchanged += 1
    if updated_at is not None and (result.high_water_mark is None or updated_at > result.high_water_mark):
        result.high_water_mark = updated_at


def _skipped_summary(run: SyncRun) -> str | None:
    if not run.orders_skipped:
        return None
    first = run.errors[:3]
    described = "; ".join(
        f"{e.get('externalId') or '(no externalId)'}: {_flatten(e['errors'])}" for e in first
    )
    return f"{run.orders_skipped} order(s) skipped. {described}"[:1000]


def _flatten(errors, prefix: str = "") -> str:
    if isinstance(errors, dict):
        return ", ".join(_flatten(value, f"{prefix}{key}.") for key, value in errors.items())
    if isinstance(errors, list):
        return " ".join(_flatten(item, prefix) for item in errors)
    return f"{prefix.rstrip('.')}: {errors}" if prefix else str(errors)


def _bridge_event_data(bridge: Bridge) -> dict:
    return {"bridge_id": str(bridge.pk), "type": bridge.type, "name": bridge.name}


def _run_succeed(run: SyncRun, token) -> str:
    now = timezone.now()
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().filter(pk=run.pk, claim_token=token).first()
        if run is None or run.status != SyncRun.Status.RUNNING:
            raise LostClaim
        # Orders without `updatedAt` leave no mark: the next run asks for changes since this one began.
        seen = run.orders_created + run.orders_updated + run.orders_unchanged + run.orders_skipped
        mark = run.high_water_mark or (run.started_at if seen else run.since)
        SyncRun.objects.filter(pk=run.pk).update(
            status=SyncRun.Status.SUCCEEDED,
            finished_at=now,
            cursor=None,
            lease_expires_at=None,
            high_water_mark=mark,
            error_message=_skipped_summary(run),
            updated_at=now,
        )
        bridge = Bridge.objects.select_for_update().select_related("organization").get(pk=run.bridge_id)
        changes = {"last_sync_at": now, "updated_at": now}
        if bridge.status == Bridge.Status.ERROR:
            # The credentials work again: the scheduler may pick the bridge up again.
            changes.update(status=Bridge.Status.ACTIVE, error_message=None)
        Bridge.objects.filter(pk=bridge.pk).update(**changes)
        event_record(
            organization=bridge.organization,
            event_type="bridge.sync_completed",
            end_user_id=bridge.end_user_id,
            resource_type="bridge",
            resource_id=bridge.pk,
            data={
                **_bridge_event_data(bridge),
                "sync_run_id": str(run.pk),
                "trigger": run.trigger,
                "orders_created": run.orders_created,
                "orders_updated": run.orders_updated,
                "orders_skipped": run.orders_skipped,
                "started_at": iso_ms(run.started_at),
                "finished_at": iso_ms(now),
            },
            metadata={"type": bridge.type, "name": bridge.name},
        )
    return SyncRun.Status.SUCCEEDED


def _run_fail(run: SyncRun, token, message: str, *, disconnect: bool = False) -> str:
    """The run ends failed. Refused credentials also put the bridge in `error` (once: the event
    `bridge.disconnected` marks the change), which keeps the scheduler away from it."""
    now = timezone.now()
    message = message[:1000]
    with transaction.atomic():
        if not SyncRun.objects.filter(pk=run.pk, claim_token=token, status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.FAILED,
            finished_at=now,
            lease_expires_at=None,
            error_message=message,
            updated_at=now,
        ):
            return "skipped"
        if disconnect:
            bridges = Bridge.objects.filter(pk=run.bridge_id)
            newly = bridges.filter(status=Bridge.Status.ACTIVE).update(
                status=Bridge.Status.ERROR, error_message=message, updated_at=now
            )
            bridges.filter(status=Bridge.Status.ERROR).update(error_message=message, updated_at=now)
            if newly:
                bridge = Bridge.objects.select_related("organization").get(pk=run.bridge_id)
                event_record(
                    organization=bridge.organization,
                    event_type="bridge.disconnected",
                    end_user_id=bridge.end_user_id,
                    resource_type="bridge",
                    resource_id=bridge.pk,
                    data={**_bridge_event_data(bridge), "reason": message, "sync_run_id": str(run.pk)},
                    metadata={"type": bridge.type, "name": bridge.name},
                )
    return SyncRun.Status.FAILED
