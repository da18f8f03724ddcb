from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "rumbo.transparency"
    label = "transparency"
    verbose_name = "transparencia"
