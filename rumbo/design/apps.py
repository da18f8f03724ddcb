from django.apps import AppConfig


class DesignConfig(AppConfig):
    name = "rumbo.design"
    label = "design"
    verbose_name = "diseño de programas"

    def ready(self) -> None:
        # The bitácora's labels of this app's actions and fields (rumbo.audit.labels).
        from .audit_labels import register as register_audit_labels

        register_audit_labels()

        # Copying a program year to the next copies its designs and their MIRs.
        from rumbo.programs.commands import register_program_action
        from rumbo.programs.copy import register_copy_step

        from .cli import FROM_DESIGN
        from .copy import design_copy_step

        register_copy_step(design_copy_step)
        # `rumbo program from-design`: a program's activities from its designs' cronogramas.
        register_program_action(FROM_DESIGN)
