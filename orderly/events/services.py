"""Record a domain event once; hand it to the consumers subscribed to its topic.

Consumers run inside the recording transaction, so whatever they write (delivery rows,
notifications) commits or rolls back with the change itself: a transactional outbox.
Anything that talks to the outside world must be deferred by the consumer with
`transaction.on_commit` (see webhooks.services).
"""

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

from orderly.api.context import current_request_context
from orderly.events.models import Event

logger = logging.getLogger(__name__)

Consumer = Callable[[Event], None]
_consumers: dict[str, list[Consumer]] = defaultdict(list)
ALL_TOPICS = "*"


def event_subscribe(topic: str, consumer: Consumer) -> None:
    """Register `consumer` for `topic` (or "*" for every topic); call from an AppConfig.ready()."""
    if consumer not in _consumers[topic]:
        _consumers[topic].append(consumer)


def event_record(
    *,
    organization,
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
    context = current_request_context()
    with transaction.atomic():
        event = Event.objects.create(
            organization=organization,
            event_type=event_type,
            end_user_id=end_user.pk if end_user is not None else end_user_id,
            session_id=session_id if session_id is not None else context.session_id,
            resource_type=resource_type,
            resource_id=str(resource_id) if resource_id is not None else "",
            data=data or {},
            metadata=metadata or {},
            ip_address=ip_address if ip_address is not None else context.ip_address,
        )
        for consumer in (*_consumers.get(event_type, ()), *_consumers.get(ALL_TOPICS, ())):
            consumer(event)
    return event
