from celery import shared_task

from webhooks import delivery, services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliveries_attempt(delivery_ids: list[str]) -> None:
    """Idempotent: deliveries are claimed under row locks, so a duplicate message sends nothing twice."""
    delivery.deliveries_send(delivery_ids)


@shared_task(ignore_result=True)
def deliveries_dispatch_due() -> int:
    return services.deliveries_dispatch_due()
