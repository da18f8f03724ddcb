from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "rumbo.programs"
    label = "programs"

    def ready(self) -> None:
        # The areas page (institutions, below this app) counts what hangs from each area.
        from rumbo.institutions.selectors import register_area_use

        from .models import Activity, ProgramNode

        register_area_use("activity_count", Activity, "area")
        register_area_use("node_count", ProgramNode, "area")
