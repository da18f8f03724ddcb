from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "rumbo.indicators"
    label = "indicators"
    verbose_name = "MIR e indicadores"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()

        # The month's due indicators are part of an area's monthly capture: the capture
        # cycle (monitoring, below this app) asks for them through its registry.
        from rumbo.monitoring.cycle import register_period_content

        from .selectors import area_month_indicator_content

        register_period_content(area_month_indicator_content)

        # A program version freezes the targets of its approved (or closed) MIRs' indicators
        # with its activities.
        from rumbo.programs.versions import register_version_content

        from .versions import program_indicator_content

        register_version_content(program_indicator_content)

        # Each MIR has its own life cycle; approving the program approves the MIRs still
        # in formulación or revisión (before version 1 is frozen) and closing it closes them.
        from rumbo.programs.lifecycle import register_approval_step, register_close_step

        from .lifecycle import approve_with_program, close_with_program

        register_approval_step(approve_with_program)
        register_close_step(close_with_program)
