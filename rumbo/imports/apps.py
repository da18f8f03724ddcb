from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "rumbo.imports"
    label = "imports"

    def ready(self) -> None:
        # The program page (programs, below this app) flags the activities with open
        # findings: it asks through its registry.
        from rumbo.programs.pages import register_finding_counts

        from .selectors import finding_counts_by_activity

        register_finding_counts(finding_counts_by_activity)
