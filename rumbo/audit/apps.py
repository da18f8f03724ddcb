from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rumbo.audit"
    label = "audit"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()
