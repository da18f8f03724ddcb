from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rumbo.reports"
    label = "reports"
    verbose_name = "informes"
