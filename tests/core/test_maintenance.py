"""`rumbo maintenance`: prunes old login attempts, expired and stray exports, evidence
files no row names, orphaned jobs; --dry-run changes nothing; the run is audited."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from rumbo.accounts.models import LoginAttempt
from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.cli import COMMANDS
from rumbo.jobs.models import ExportJob, JobState
from rumbo.monitoring.evidence import evidence_add, evidence_root
from rumbo.monitoring.models import ProgressEntry
from tests.monitoring.test_evidence import pdf_bytes

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


def run(*args: str) -> str:
    out = StringIO()
    call_command("rumbo_maintenance", *args, stdout=out)
    return out.getvalue()


def touch(path: Path, *, days_ago: float, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    moment = time.time() - days_ago * DAY
    os.utime(path, (moment, moment))
    return path


@pytest.fixture
def world(demo, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.RUMBO_EXPORT_RETENTION_DAYS = 7
    now = timezone.now()
    # Login attempts: 2 past the 30 days' retention, 1 within it.
    for days in (31, 45, 29):
        row = LoginAttempt.objects.create(username="ana", ip_address="10.0.0.1")
        LoginAttempt.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=days))
    # Exports: one past the retention (with its file), one recent; two stray folders.
    jobs = []
    for days in (8, 1):
        job = ExportJob.objects.create(
            institution=demo.institution,
            requested_by=demo.users["planeacion"],
            kind="program",
            params={},
            label=f"de hace {days} días",
            state=JobState.DONE,
            filename="a.csv",
        )
        ExportJob.objects.filter(pk=job.pk).update(created_at=now - timedelta(days=days))
        touch(settings.DATA_DIR / "exports" / str(job.token) / "a.csv", days_ago=days)
        jobs.append(job)
    touch(settings.DATA_DIR / "exports" / "huerfana-vieja" / "b.csv", days_ago=2)
    os.utime(settings.DATA_DIR / "exports" / "huerfana-vieja", (time.time() - 2 * DAY,) * 2)
    touch(settings.DATA_DIR / "exports" / "huerfana-nueva" / "c.csv", days_ago=0)
    # Evidence: a real upload (named by its row), an old orphan, a young one, an upload
    # in flight.
    entry = ProgressEntry.objects.create(
        activity=demo.activity_full, month=1, achieved=Decimal(300)
    )
    user = demo.users["enlace_se"]
    evidence = evidence_add(
        actor=Actor.for_user(user),
        user=user,
        entry=entry,
        upload=SimpleUploadedFile("informe.pdf", pdf_bytes()),
        name="informe.pdf",
    )
    kept = evidence_root() / evidence.storage_name
    os.utime(kept, (time.time() - 5 * DAY,) * 2)
    root = evidence_root()
    touch(root / "IEEM" / "2024" / "perdida.pdf", days_ago=2)
    touch(root / "IEEM" / "2024" / "reciente.pdf", days_ago=0.5)
    touch(root / ".incoming" / "tmp123", days_ago=0.1)
    return {"jobs": jobs, "kept": kept, "root": root, "data": settings.DATA_DIR}


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_command_is_registered():
    assert COMMANDS["maintenance"][0] == "rumbo_maintenance"


def test_dry_run_says_what_it_would_do_and_changes_nothing(world):
    before = files(world["data"])
    out = run("--dry-run", "--verbose")
    assert out.splitlines()[0] == "Simulación (--dry-run): no se cambió nada; esto se haría:"
    assert "  intentos de inicio de sesión de más de 30 días borrados: 2" in out
    assert "  exportaciones de más de 7 días borradas con su archivo: 1" in out
    assert "  carpetas de exportación sin registro borradas: 1" in out
    assert "    exports/huerfana-vieja" in out
    assert "  archivos de evidencia sin registro borrados (de más de un día): 1" in out
    assert "    evidence/IEEM/2024/perdida.pdf" in out
    assert "  exportaciones huérfanas marcadas como fallidas: 0" in out
    assert files(world["data"]) == before
    assert LoginAttempt.objects.count() == 3 and ExportJob.objects.count() == 2
    assert not AuditEvent.objects.filter(action="maintenance.run").exists()


def test_the_run_deletes_exactly_what_is_due_and_is_audited(world):
    _, recent_job = world["jobs"]
    out = run()
    assert "intentos de inicio de sesión de más de 30 días borrados: 2" in out
    assert LoginAttempt.objects.get().created_at > (timezone.now() - timedelta(days=30))
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent_job.pk]
    exports = world["data"] / "exports"
    assert sorted(p.name for p in exports.iterdir()) == sorted(
        [str(recent_job.token), "huerfana-nueva"]
    )
    evidence = files(world["root"])
    assert "IEEM/2024/perdida.pdf" not in evidence
    assert "IEEM/2024/reciente.pdf" in evidence
    assert ".incoming/tmp123" in evidence
    assert world["kept"].exists()
    event = AuditEvent.objects.get(action="maintenance.run")
    assert event.after == {
        "login_attempts": 2,
        "evidence_orphans": 1,
        "exports_expired": 1,
        "exports_stray": 1,
        "exports_orphaned": 0,
    }
    # A second run finds nothing to do and records nothing.
    again = run()
    assert "borrados: 0" in again
    assert AuditEvent.objects.filter(action="maintenance.run").count() == 1
