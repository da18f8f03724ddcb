from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "rumbo.worklist"
    label = "worklist"
    verbose_name = "pendientes"
