from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rumbo.core"
    label = "core"

    def ready(self) -> None:
        # `rumbo backup` carries the FileFields' documents (agreements, adjustments).
        from .backup import media_referenced, media_root, register_file_root

        register_file_root("media", media_root, referenced=media_referenced)
