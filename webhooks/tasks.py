from celery import shared_task

from webhooks import delivery, services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def delivery_attempt(delivery_id: str) -> None:
    """Idempotent: a delivery is claimed by a conditional update, so a duplicate message sends nothing."""
    delivery.delivery_send(delivery_id)


@shared_task(ignore_result=True)
def deliveries_dispatch_due() -> int:
    return services.deliveries_dispatch_due()
