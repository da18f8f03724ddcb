"""Requesting and running exports: one job row per request, one file per finished job.

``export_request`` authorises, records the job and its audit event, then either enqueues
the job (Redis configured) or runs it at once (inline). ``export_run`` is the task a worker
executes; it is idempotent (a job already started is left alone) and never raises: a
failure is stored on the job with a message for the user.
"""

from __future__ import annotations

import logging
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
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


def export_purge(*, older_than_days: int | None = None) -> int:
    """Delete jobs (and their files) older than the retention period; returns how many.

    Housekeeping of generated copies of data that stays in the database: not audited.
    """
    days = settings.RUMBO_EXPORT_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff).values_list("pk", "token"))
    for _, token in old:
        shutil.rmtree(exports_root() / str(token), ignore_errors=True)
    ExportJob.objects.filter(pk__in=[pk for pk, _ in old]).delete()
    return len(old)
