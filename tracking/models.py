from django.db import models

from orderly.accounts.models import Organization
from orderly.models import TimestampedModel, scoped_queryset


class TrackingPage(TimestampedModel):
    """A revocable public link to one shipment's journey.

    The token is the public credential itself: it is printed in URLs and e-mails and must be looked
    up on every view, so it is stored as is (unique index), unlike API keys and session tokens.
    It carries 192 random bits, shows nothing but the shipment, and can be revoked at any time.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tracking_pages")
    end_user = models.ForeignKey(
        "accounts.EndUser", on_delete=models.SET_NULL, null=True, blank=True, related_name="tracking_pages"
    )
    shipment = models.ForeignKey("orders.Shipment", on_delete=models.CASCADE, related_name="tracking_pages")
    token = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment"],
                condition=models.Q(is_active=True),
                name="tracking_page_one_active_per_shipment",
            )
        ]
        indexes = [models.Index(fields=["end_user", "-created_at"], name="tracking_page_user_created")]

    def __str__(self):
        return f"Tracking page for {self.shipment_id}"


class TrackingSubscription(TimestampedModel):
    """A customer's "notify me" for one tracking page: an e-mail address, encrypted, shown nowhere.

    Double opt-in: a row starts unconfirmed and only a click on the signed link mailed to the
    address confirms it. The address is kept only as ciphertext (to send to) and as a keyed digest
    (to spot a repeat subscription without decrypting); the row is deleted on unsubscribe and when
    the page is revoked or expires, so nothing outlives the link it was given for.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    tracking_page = models.ForeignKey(TrackingPage, on_delete=models.CASCADE, related_name="subscriptions")
    email_encrypted = models.TextField()
    email_digest = models.CharField(max_length=64)
    language = models.CharField(max_length=8, default="en")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # What this subscriber has been told: the furthest step along the journey (see
    # tracking.notify.STAGES) and whether the last mail was about an exception not yet cleared.
    notified_stage = models.PositiveSmallIntegerField(default=0)
    notified_exception = models.BooleanField(default=False)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracking_page", "email_digest"], name="tracking_subscription_one_per_address"
            )
        ]

    def __str__(self):
        return f"Subscription {self.pk} to {self.tracking_page_id}"


class TrackingNotification(TimestampedModel):
    """One e-mail to send to a subscriber: the confirmation, or one meaningful change of the shipment.

    A row is the outbox entry a Celery task sends from; `sent_at` makes a second run a no-op.
    """

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirm subscription"
        SHIPPED = "shipped", "Shipped"
        OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
        DELIVERED = "delivered", "Delivered"
        EXCEPTION = "exception", "Exception"

    subscription = models.ForeignKey(TrackingSubscription, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["subscription", "kind"], name="tracking_notification_sub_kind")]

    def __str__(self):
        return f"{self.kind} notification {self.pk}"
