from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rumbo.notifications"
    label = "notifications"
    verbose_name = "avisos"
