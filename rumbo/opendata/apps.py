from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "rumbo.opendata"
    label = "opendata"
    verbose_name = "datos abiertos"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()

        # The comparison's summary follows every change of the approved figures.
        from rumbo.monitoring.changes import register_figures_listener

        from .summary import summary_refresh

        register_figures_listener(summary_refresh)
