from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "rumbo.programs"
    label = "programs"
