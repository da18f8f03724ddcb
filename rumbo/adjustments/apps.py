from django.apps import AppConfig


class AdjustmentsConfig(AppConfig):
    name = "rumbo.adjustments"
    label = "adjustments"
    verbose_name = "adecuaciones programáticas"
