from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "rumbo.indicators"
    label = "indicators"
    verbose_name = "MIR e indicadores"

    def ready(self) -> None:
        # The month's due indicators are part of an area's monthly capture: the capture
        # cycle (monitoring, below this app) asks for them through its registry.
        from rumbo.monitoring.cycle import register_period_content

        from .selectors import area_month_indicator_content

        register_period_content(area_month_indicator_content)

        # Approving a program freezes its MIRs' indicator targets with its activities.
        from rumbo.programs.versions import register_version_content

        from .versions import program_indicator_content

        register_version_content(program_indicator_content)
