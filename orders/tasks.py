"""Asynchronous order processing: one task per ingest, and a sweep for lost messages."""

import datetime as dt

from celery import shared_task

from orders import services

SWEEP_AFTER = dt.timedelta(seconds=30)


@shared_task(name="orderly.orders.tasks.order_ingest_process")
def order_ingest_process(ingest_id: str) -> bool:
    return services.order_ingest_process(ingest_id=ingest_id)


@shared_task(name="orderly.orders.tasks.order_ingests_sweep")
def order_ingests_sweep() -> int:
    """Re-queue ingests still unprocessed after SWEEP_AFTER (a lost or failed message)."""
    pending = services.order_ingest_list_pending(older_than=SWEEP_AFTER)
    for ingest_id in pending:
        order_ingest_process.delay(str(ingest_id))
    return len(pending)
