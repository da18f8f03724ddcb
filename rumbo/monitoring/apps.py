from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "rumbo.monitoring"
    label = "monitoring"
    verbose_name = "seguimiento"
