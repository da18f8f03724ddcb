"""`rumbo maintenance` for evidence files: delete files no evidence row names.

A file can lose its row when an upload's transaction rolled back after the file was
moved into place (``evidence_sweep`` catches those through their pending marker) or
when a row was deleted by hand. Files younger than ``ORPHAN_AGE`` are left alone: an
upload may still be committing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rumbo.core.maintenance import Done

from .evidence import evidence_root, evidence_sweep
from .models import Evidence

ORPHAN_AGE = timedelta(days=1)
WORK_FOLDERS = {".incoming", ".pending"}  # uploads in flight and their markers


def evidence_orphans(*, now: datetime, dry_run: bool = False) -> list[str]:
    """The files under the evidence folder that no row names, older than a day (deleted
    unless ``dry_run``); paths inside the folder, sorted."""
    root = evidence_root()
    if not root.is_dir():
        return []
    named = set(Evidence.objects.values_list("storage_name", flat=True).iterator())
    orphans = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in WORK_FOLDERS or path.is_symlink() or not path.is_file():
            continue
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=now.tzinfo)
        if relative.as_posix() in named or now - modified < ORPHAN_AGE:
            continue
        orphans.append(relative.as_posix())
        if not dry_run:
            path.unlink(missing_ok=True)
    return orphans


def evidence_maintenance(*, dry_run: bool, now: datetime) -> list[Done]:
    swept = 0 if dry_run else evidence_sweep(now=now)
    orphans = evidence_orphans(now=now, dry_run=dry_run)
    done = [
        Done(
            "evidence_orphans",
            len(orphans),
            "archivos de evidencia sin registro borrados (de más de un día): {n}",
            details=[f"evidence/{name}" for name in orphans],
        )
    ]
    if swept:
        done.append(
            Done("evidence_pending", swept, "subidas de evidencia no confirmadas borradas: {n}")
        )
    return done
