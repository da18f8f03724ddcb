from django.apps import AppConfig


class DesignConfig(AppConfig):
    name = "rumbo.design"
    label = "design"
    verbose_name = "diseño de programas"

    def ready(self) -> None:
        # Copying a program year to the next copies its designs and their MIRs.
        from rumbo.programs.copy import register_copy_step

        from .copy import design_copy_step

        register_copy_step(design_copy_step)
