from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rumbo.api"
    label = "api"
    verbose_name = "API"
