"""Record a domain event once; hand it to the consumers subscribed to its topic.

Consumers run inside the recording transaction, so whatever they write (delivery rows,
notifications) commits or rolls back with the change itself: a transactional outbox.
Anything that talks to the outside world must be deferred by the consumer with
`transaction.on_commit` (see webhooks.services).
"""

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

from orderly.api.context import current_request_context, current_request_id
from orderly.bulk import bulk_insert
from orderly.events.models import Event

# A consumer takes every event of one recording (one, or a batch from a bulk change) at once,
# so it can look up its subscriptions with one query per batch instead of one per event.
Consumer = Callable[[list[Event]], None]
# Does a consumer want events of this type about these organizations and end users at all? Asked
# before events a bulk change inserted in SQL are loaded for it (`events_recorded`).
Wants = Callable[..., bool]
_consumers: dict[str, list[Consumer]] = defaultdict(list)
_wants: dict[Consumer, Wants] = {}
ALL_TOPICS = "*"


def event_subscribe(topic: str, consumer: Consumer, *, wants: Wants | None = None) -> None:
    """Register `consumer` for `topic` (or "*" for every topic); call from an AppConfig.ready().

    `wants(event_type=, organization_ids=, end_user_ids=)`, when given, answers with one query
    whether the consumer has any subscriber for such events."""
    if consumer not in _consumers[topic]:
        _consumers[topic].append(consumer)
    if wants is not None:
        _wants[consumer] = wants


def event_build(
    *,
    organization=None,
    organization_id=None,
    event_type: str,
    end_user=None,
    end_user_id=None,
    resource_type: str = "",
    resource_id=None,
    data: dict | None = None,
    metadata: dict | None = None,
    session_id=None,
    ip_address: str | None = None,
) -> Event:
    """An unsaved event, with the session, IP and request id of the current request unless given."""
    context = current_request_context()
    request_id = current_request_id()
    if request_id is not None and "request_id" not in (metadata or {}):
        metadata = {**(metadata or {}), "request_id": request_id}
    owner = (
        {"organization": organization} if organization is not None else {"organization_id": organization_id}
    )
    return Event(
        **owner,
        event_type=event_type,
        end_user_id=end_user.pk if end_user is not None else end_user_id,
        session_id=session_id if session_id is not None else context.session_id,
        resource_type=resource_type,
        resource_id=str(resource_id) if resource_id is not None else "",
        data=data or {},
        metadata=metadata or {},
        ip_address=ip_address if ip_address is not None else context.ip_address,
    )


def event_record(**fields) -> Event:
    """Record one event (fields as `event_build`) and run its consumers in the same transaction."""
    return events_record([event_build(**fields)])[0]


def events_record(events: list[Event]) -> list[Event]:
    """Record a batch of built events with one INSERT; each consumer sees its topics' events at once."""
    if not events:
        return events
    with transaction.atomic():
        bulk_insert(events)
        for consumer, batch in _batches_by_consumer(events).items():
            consumer(batch)
    return events


def events_recorded(rows, *, event_type: str) -> None:
    """Hand the consumers events that a bulk change inserted itself, with one SQL statement in
    this transaction; `rows` are their `(id, organization_id, end_user_id)`.

    A consumer that declared `wants` is asked first, and given the events only if it has a
    subscriber for them: most bulk changes have none, and loading thousands of events to hand
    them to nobody would cost more than the change itself.
    """
    consumers = [*_consumers.get(event_type, ()), *_consumers.get(ALL_TOPICS, ())]
    if not rows or not consumers:
        return
    organization_ids = {row[1] for row in rows}
    end_user_ids = {row[2] for row in rows if row[2] is not None}
    wanting = [
        consumer
        for consumer in consumers
        if consumer not in _wants
        or _wants[consumer](event_type=event_type, organization_ids=organization_ids, end_user_ids=end_user_ids)
    ]
    if not wanting:
        return
    events = list(Event.objects.filter(pk__in=[row[0] for row in rows]).order_by("created_at", "id"))
    for consumer in wanting:
        consumer(events)


def _batches_by_consumer(events: list[Event]) -> dict[Consumer, list[Event]]:
    batches: dict[Consumer, list[Event]] = {}
    for event in events:
        for consumer in (*_consumers.get(event.event_type, ()), *_consumers.get(ALL_TOPICS, ())):
            batches.setdefault(consumer, []).append(event)
    return batches
