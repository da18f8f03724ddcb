from django.apps import AppConfig


class DesignConfig(AppConfig):
    name = "rumbo.design"
    label = "design"
    verbose_name = "diseño de programas"
