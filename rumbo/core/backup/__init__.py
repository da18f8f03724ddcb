"""Backup and restore of the whole of Rumbo: every table and every kept file (docs/backup.md).

Generic over ``django.apps.get_models()``, so core needs no app: the apps that keep files
register their folders (``register_file_root``). The commands (`rumbo backup`, `rumbo
restore`) live in ``rumbo.audit``, the lowest app that may write the restore's audit event.
"""

from .archive import BackupResult, backup_write
from .restore import RestoreRefused, RestoreResult, restore, verify
from .roots import FileRoot, file_roots, media_referenced, media_root, register_file_root

__all__ = [
    "BackupResult",
    "FileRoot",
    "RestoreRefused",
    "RestoreResult",
    "backup_write",
    "file_roots",
    "media_referenced",
    "media_root",
    "register_file_root",
    "restore",
    "verify",
]
