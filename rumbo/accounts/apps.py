from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rumbo.accounts"
    label = "accounts"
    verbose_name = "cuentas"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()

        # `rumbo maintenance` prunes old login attempts.
        from rumbo.core.maintenance import register_task

        from .throttle import login_attempts_prune

        register_task("login_attempts", login_attempts_prune)
