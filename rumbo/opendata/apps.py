from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "rumbo.opendata"
    label = "opendata"
    verbose_name = "datos abiertos"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()
