from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "rumbo.strategy"
    label = "strategy"
