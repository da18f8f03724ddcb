from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rumbo.notifications"
    label = "notifications"
    verbose_name = "avisos"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register

        register()
