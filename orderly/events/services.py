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
_consumers: dict[str, list[Consumer]] = defaultdict(list)
ALL_TOPICS = "*"


def event_subscribe(topic: str, consumer: Consumer) -> None:
    """Register `consumer` for `topic` (or "*" for every topic); call from an AppConfig.ready()."""
    if consumer not in _consumers[topic]:
        _consumers[topic].append(consumer)


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


def _batches_by_consumer(events: list[Event]) -> dict[Consumer, list[Event]]:
    batches: dict[Consumer, list[Event]] = {}
    for event in events:
        for consumer in (*_consumers.get(event.event_type, ()), *_consumers.get(ALL_TOPICS, ())):
            batches.setdefault(consumer, []).append(event)
    return batches
