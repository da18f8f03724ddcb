from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "rumbo.institutions"
    label = "institutions"
