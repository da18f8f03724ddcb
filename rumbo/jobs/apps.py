from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "rumbo.jobs"
    label = "jobs"
    verbose_name = "exportaciones en segundo plano"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()

        # `rumbo backup` carries the finished exports (their jobs link to them).
        from rumbo.core.backup import register_file_root

        from .services import exports_referenced, exports_root

        register_file_root("exports", exports_root, referenced=exports_referenced)

        # `rumbo maintenance` deletes expired exports and fails orphaned jobs.
        from rumbo.core.maintenance import register_task

        from .services import export_maintenance

        register_task("exports", export_maintenance)
