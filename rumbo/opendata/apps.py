from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "rumbo.opendata"
    label = "opendata"
    verbose_name = "datos abiertos"
