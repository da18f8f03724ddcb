from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "rumbo.budget"
    label = "budget"
    verbose_name = "Presupuesto"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()
