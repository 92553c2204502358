"""Periodic expiry of overdue action requests (settings.CELERY_BEAT_SCHEDULE, every 30 s)."""

from celery import shared_task

from actions.services import action_requests_expire as expire_overdue


@shared_task(name="actions.tasks.action_requests_expire", ignore_result=True)
def action_requests_expire() -> int:
    # Safe to run twice at once: batches lock with SKIP LOCKED and the UPDATE keeps the pending guard.
    return expire_overdue()
