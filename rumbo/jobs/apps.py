from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "rumbo.jobs"
    label = "jobs"
    verbose_name = "exportaciones en segundo plano"
