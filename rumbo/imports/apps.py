from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "rumbo.imports"
    label = "imports"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()

        # The program page (programs, below this app) flags the activities with findings
        # to attend, and the activity page lists its open ones: they ask through programs'
        # registry.
        from rumbo.programs.pages import register_activity_content, register_finding_counts

        from .selectors import activity_open_findings, finding_counts_by_activity

        register_finding_counts(finding_counts_by_activity)
        register_activity_content(activity_open_findings)
