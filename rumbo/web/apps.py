from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "rumbo.web"
    label = "web"
