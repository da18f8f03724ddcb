from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "rumbo.indicators"
    label = "indicators"
    verbose_name = "MIR e indicadores"
