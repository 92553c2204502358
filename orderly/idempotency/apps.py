from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "orderly.idempotency"
    label = "idempotency"
    verbose_name = "Idempotency keys"
