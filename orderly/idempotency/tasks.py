from celery import shared_task

from orderly.idempotency.services import idempotency_records_purge


@shared_task(ignore_result=True)
def idempotency_records_purge_expired() -> int:
    return idempotency_records_purge()
