from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rumbo.core"
    label = "core"
