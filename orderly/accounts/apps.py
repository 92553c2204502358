from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orderly.accounts"
    label = "accounts"
    verbose_name = "Organizations and credentials"
