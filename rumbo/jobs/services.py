"""Requesting and running exports: one job row per request, one file per finished job.

``export_request`` authorises, records the job and its audit event, then either enqueues
the job (Redis configured) or runs it at once (inline). ``export_run`` is the task a worker
executes; it is idempotent (a job already started is left alone) and never raises: a
failure is stored on the job with a message for the user.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.maintenance import Done
from rumbo.imports.base import ImportFailure
from rumbo.institutions.access import can_view_institution
from rumbo.institutions.models import Institution

from . import queue
from .models import ExportJob, JobState
from .progress import reporting_to
from .registry import clean_params, kind_get

logger = logging.getLogger(__name__)

# Errors whose text is written for the user (Spanish, specific); anything else is a bug.
USER_ERRORS = (ValueError, ImportFailure, CommandError, LookupError)


def exports_root() -> Path:
    return Path(settings.DATA_DIR).resolve() / "exports"


def exports_referenced() -> list[str]:
    """The file of every finished job, as a path under the exports folder."""
    done = ExportJob.objects.filter(state=JobState.DONE).exclude(filename="")
    return [f"{token}/{name}" for token, name in done.values_list("token", "filename")]


def export_path(job: ExportJob) -> Path:
    root = exports_root()
    path = (root / str(job.token) / job.filename).resolve()
    if not job.filename or not path.is_relative_to(root / str(job.token)):
        raise SuspiciousFileOperation(f"Ruta de exportación fuera del almacén: {job.filename!r}")
    return path


def _safe_filename(name: str) -> str:
    base = re.sub(r"[^\w.\-]+", "_", Path(name).name, flags=re.ASCII).strip("._")
    return base[:200] or "exportacion"


def export_request(
    *,
    user: User,
    institution: Institution,
    kind: str,
    params: dict[str, Any],
) -> ExportJob:
    """Record an export and start it: queued when Redis is configured, else run now."""
    if not can_view_institution(user, institution):
        raise PermissionDenied("No tienes acceso a esta institución.")
    spec = kind_get(kind)
    cleaned = clean_params(spec, params)
    background = queue.queue_enabled()
    export_purge()
    with transaction.atomic():
        job = ExportJob.objects.create(
            institution=institution,
            requested_by=user,
            kind=spec.name,
            params=cleaned,
            label=spec.describe(cleaned)[:255],
            background=background,
        )
        audit_record(
            actor=Actor.for_user(user),
            institution_id=institution.pk,
            action="export.request",
            obj=job,
            after={"kind": spec.name, "params": cleaned, "background": background},
        )
        if background:
            transaction.on_commit(lambda: _enqueue_or_run(job.pk))
    if not background:
        export_run(job.pk)
        job.refresh_from_db()
    return job


def _enqueue_or_run(job_id: int) -> None:
    try:
        queue.enqueue(job_id)
    except Exception:  # Redis down: the user still gets the file, and the log says why
        logger.exception("export queue unavailable; running job %s inline", job_id)
        ExportJob.objects.filter(pk=job_id).update(background=False)
        export_run(job_id)


def _update(job_id: int, **fields: Any) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


def export_run(job_id: int) -> None:
    """Build the job's file. Called by the worker (or inline); never raises."""
    claimed = ExportJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), step="Iniciando…"
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("institution").get(pk=job_id)
    try:
        spec = kind_get(job.kind)
        builder = spec.load()
        with reporting_to(lambda percent, step: _update(job_id, progress=percent, step=step)):
            result = builder(institution=job.institution.code, **dict(spec.fixed), **job.params)
    except USER_ERRORS as exc:
        _update(
            job_id,
            state=JobState.FAILED,
            error=" ".join(str(exc).split()) or type(exc).__name__,
            step="",
            finished_at=timezone.now(),
        )
        return
    except Exception as exc:
        logger.exception("export job %s failed", job_id)
        _update(
            job_id,
            state=JobState.FAILED,
            error=f"Error inesperado al generar el archivo ({type(exc).__name__}); "
            "avise a la persona administradora del sistema.",
            step="",
            finished_at=timezone.now(),
        )
        return
    job.filename = _safe_filename(result.filename)
    path = export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(result.content)
    _update(
        job_id,
        state=JobState.DONE,
        progress=100,
        step="",
        filename=job.filename,
        size=len(result.content),
        finished_at=timezone.now(),
    )


def export_purge(
    *, older_than_days: int | None = None, dry_run: bool = False, now: datetime | None = None
) -> int:
    """Delete jobs (and their files) older than the retention period; returns how many.

    Housekeeping of generated copies of data that stays in the database: not audited
    one by one (`rumbo maintenance` audits its run).
    """
    days = settings.RUMBO_EXPORT_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff).values_list("pk", "token"))
    if dry_run:
        return len(old)
    for _, token in old:
        shutil.rmtree(exports_root() / str(token), ignore_errors=True)
    ExportJob.objects.filter(pk__in=[pk for pk, _ in old]).delete()
    return len(old)


def export_stray_folders(*, now: datetime, dry_run: bool = False) -> list[str]:
    """Delete folders under the exports folder that no job names, older than a day (a job
    deleted while its file was being written); returns their names."""
    root = exports_root()
    if not root.is_dir():
        return []
    tokens = {str(t) for t in ExportJob.objects.values_list("token", flat=True)}
    stray = []
    for folder in sorted(root.iterdir()):
        modified = datetime.fromtimestamp(folder.stat().st_mtime, tz=now.tzinfo)
        if folder.name in tokens or now - modified < STRAY_AGE:
            continue
        stray.append(folder.name)
        if not dry_run:
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
            else:
                folder.unlink(missing_ok=True)
    return stray


# --- orphaned jobs --------------------------------------------------------------------------

# A job just requested is put on the queue after its transaction commits: give it time.
ORPHAN_GRACE = timedelta(minutes=2)
STRAY_AGE = timedelta(days=1)
LOST_FROM_QUEUE = (
    "La exportación se perdió de la cola de trabajo (el servicio de colas se reinició o "
    "falló) y no se generó; vuelve a solicitarla."
)
TIMED_OUT = (
    "La exportación lleva más de {minutes} minutos sin terminar y se dio por perdida "
    "(el proceso que la generaba se detuvo); vuelve a solicitarla."
)


def export_orphans(
    *,
    actor: Actor,
    now: datetime | None = None,
    only: int | None = None,
    dry_run: bool = False,
) -> list[ExportJob]:
    """Mark failed the unfinished jobs that will never finish; returns them.

    Orphaned: a background job whose RQ job is gone from Redis (Redis lost its queue) or
    dead there (failed, stopped), or any job still «generando» longer than
    ``RUMBO_EXPORT_TIMEOUT`` (its process died). Marked failed, not re-queued: the user
    sees why and asks again (a retried export might fail the same way, unseen). Jobs
    younger than ``ORPHAN_GRACE`` are left alone; when Redis cannot be asked, only the
    time rule applies. Each one is audited (``export.orphaned``).
    """
    now = now or timezone.now()
    pending = ExportJob.objects.filter(
        state__in=[JobState.QUEUED, JobState.RUNNING], created_at__lt=now - ORPHAN_GRACE
    )
    if only is not None:
        pending = pending.filter(pk=only)
    rows = list(pending.order_by("pk"))
    if not rows:
        return []
    reasons = _orphan_reasons(rows, now)
    orphaned = [job for job in rows if job.pk in reasons]
    for job in orphaned:
        job.error = reasons[job.pk]  # in memory: what is (or, in a dry run, would be) said
    if dry_run:
        return orphaned
    return [job for job in orphaned if _mark_orphaned(job, actor=actor, now=now)]


def _orphan_reasons(rows: list[ExportJob], now: datetime) -> dict[int, str]:
    limit = timedelta(seconds=settings.RUMBO_EXPORT_TIMEOUT) + ORPHAN_GRACE
    reasons: dict[int, str] = {}
    for job in rows:
        if job.state == JobState.RUNNING and job.started_at and now - job.started_at > limit:
            reasons[job.pk] = TIMED_OUT.format(minutes=math.ceil(limit.total_seconds() / 60))
    alive = queue.queued_alive([j.pk for j in rows if j.background and j.pk not in reasons])
    for pk, ok in (alive or {}).items():
        if not ok:
            reasons[pk] = LOST_FROM_QUEUE
    return reasons


@transaction.atomic
def _mark_orphaned(job: ExportJob, *, actor: Actor, now: datetime) -> bool:
    changed = ExportJob.objects.filter(
        pk=job.pk, state__in=[JobState.QUEUED, JobState.RUNNING]
    ).update(state=JobState.FAILED, error=job.error, step="", finished_at=now)
    if not changed:  # it finished meanwhile
        return False
    audit_record(
        actor=actor,
        institution_id=job.institution_id,
        action="export.orphaned",
        obj=job,
        before={"state": job.state},
        after={"state": JobState.FAILED.value},
        reason=job.error,
    )
    job.state, job.finished_at = JobState.FAILED, now
    return True


def export_maintenance(*, dry_run: bool, now: datetime) -> list[Done]:
    """`rumbo maintenance`: expired exports, stray folders, orphaned jobs."""
    orphans = export_orphans(actor=Actor.cli(), now=now, dry_run=dry_run)
    stray = export_stray_folders(now=now, dry_run=dry_run)
    return [
        Done(
            "exports_expired",
            export_purge(dry_run=dry_run, now=now),
            "exportaciones de más de "
            f"{settings.RUMBO_EXPORT_RETENTION_DAYS} días borradas con su archivo: {{n}}",
        ),
        Done(
            "exports_stray",
            len(stray),
            "carpetas de exportación sin registro borradas: {n}",
            details=[f"exports/{name}" for name in stray],
        ),
        Done(
            "exports_orphaned",
            len(orphans),
            "exportaciones huérfanas marcadas como fallidas: {n}",
            details=[f"{job.token} ({job.label}): {job.error}" for job in orphans],
        ),
    ]
