from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "rumbo.programs"
    label = "programs"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()

        # The areas page (institutions, below this app) counts what hangs from each area.
        from rumbo.institutions.selectors import register_area_use

        from .models import Activity, ProgramNode

        register_area_use("activity_count", Activity, "area")
        register_area_use("node_count", ProgramNode, "area")
