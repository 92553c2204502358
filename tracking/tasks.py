import smtplib

from celery import shared_task

from tracking import mail, notify

# Seconds before each retry of a mail the server refused or could not take (then it is dropped
# with its error kept on the row).
RETRY_DELAYS = [30, 120, 600, 1800, 7200]


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=len(RETRY_DELAYS))
def tracking_notification_send(self, notification_id: str) -> None:
    """Send one notify-me mail. Safe to run twice: the claim lets only one run send it."""
    notification = notify.tracking_notification_claim(notification_id=notification_id)
    if notification is None:
        return
    message = mail.notification_message(notification)
    if message is None:  # nothing left to say (e.g. a confirmation for an already confirmed address)
        notify.tracking_notification_sent(notification=notification)
        return
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        notify.tracking_notification_failed(notification=notification, error=f"{type(exc).__name__}: {exc}")
        raise self.retry(exc=exc, countdown=RETRY_DELAYS[min(self.request.retries, len(RETRY_DELAYS) - 1)]) from exc
    notify.tracking_notification_sent(notification=notification)


@shared_task(ignore_result=True)
def tracking_subscriptions_purge() -> int:
    return notify.tracking_subscriptions_purge()
