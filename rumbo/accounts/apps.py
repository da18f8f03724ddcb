from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rumbo.accounts"
    label = "accounts"
    verbose_name = "cuentas"
