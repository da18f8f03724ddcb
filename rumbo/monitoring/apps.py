from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "rumbo.monitoring"
    label = "monitoring"
    verbose_name = "seguimiento"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()

        # The activity page (programs, below this app) shows its progress and history: it
        # asks through programs' registry.
        from rumbo.programs.pages import register_activity_content

        from .activity_page import activity_progress_content

        register_activity_content(activity_progress_content)

        # Copying a program year to the next keeps the activities' own semáforo bands.
        from rumbo.programs.copy import register_copy_step

        from .copy import activity_bands_copy_step

        register_copy_step(activity_bands_copy_step)

        # `rumbo backup` carries the evidence files (not the uploads still being received).
        from rumbo.core.backup import register_file_root

        from .evidence import evidence_referenced, evidence_root

        register_file_root(
            "evidence", evidence_root, leave_out=(".incoming",), referenced=evidence_referenced
        )

        # `rumbo maintenance` deletes evidence files no row names.
        from rumbo.core.maintenance import register_task

        from .evidence_maintenance import evidence_maintenance

        register_task("evidence", evidence_maintenance)

        # The budget import flags spending after the last closed month: a month is closed
        # when a capture of it is approved (rumbo.budget.closing).
        from rumbo.budget.closing import register_closed_month

        from .selectors import last_approved_month

        register_closed_month(last_approved_month)
