from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "rumbo.imports"
    label = "imports"
