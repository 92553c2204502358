from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orderly.accounts"
    label = "accounts"
    verbose_name = "Organizations and credentials"

    def ready(self):
        import orderly.api.schema  # noqa: F401  (registers the OpenAPI auth extension)
