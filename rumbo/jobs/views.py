"""Export jobs: ask for a file, follow its progress, download it.

``job_create`` is the one door for long exports: with Redis configured it queues the job
and redirects to its page, which polls its status (htmx, less often as the job ages) until
the download link appears or the job fails (an orphaned job is failed when polled);
without Redis the job runs inline and the file is answered at once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rumbo.audit.services import Actor
from rumbo.core.exportfile import CONTENT_TYPES, attachment
from rumbo.core.text import whole_number
from rumbo.institutions.access import institution_for_user
from rumbo.institutions.pages import institution_context
from rumbo.jobs import queue
from rumbo.jobs.models import ExportJob, JobState
from rumbo.jobs.registry import JobParamsError, kind_get
from rumbo.jobs.selectors import job_for_user, jobs_for_user
from rumbo.jobs.services import export_orphans, export_path, export_request

# How long the job page waits before asking again, by the job's age: quick at first,
# then less often (a long export need not cost a request a second).
POLL_BACKOFF = ((10, 1), (30, 2), (120, 5))
POLL_MAX = 10


def poll_delay(job: ExportJob, now: datetime | None = None) -> int:
    """Seconds before the page of an unfinished job asks for its state again."""
    age = ((now or timezone.now()) - job.created_at).total_seconds()
    return next((delay for younger_than, delay in POLL_BACKOFF if age < younger_than), POLL_MAX)


def _params(request: HttpRequest, kind: str) -> dict[str, object]:
    spec = kind_get(kind)
    params: dict[str, object] = {}
    for name in spec.params:
        value = request.POST.get(name, "").strip()
        if value:
            number = whole_number(value)
            params[name] = value if number is None else number
    return params


@login_required
@require_POST
def job_create(request: HttpRequest, code: str) -> HttpResponse | FileResponse:
    institution = institution_for_user(request.user, code)
    kind = request.POST.get("kind", "")
    try:
        job = export_request(
            user=request.user,  # type: ignore[arg-type]  # login_required: a User
            institution=institution,
            kind=kind,
            params=_params(request, kind),
        )
    except JobParamsError as exc:
        messages.error(request, str(exc))
        return redirect("web:jobs", institution.code)
    if job.state == JobState.DONE and not job.background:
        return _file_response(job)
    return redirect("web:job", institution.code, job.token)


@login_required
@require_GET
def jobs(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    rows = list(jobs_for_user(user=request.user, institution=institution))  # type: ignore[arg-type]  # login_required: a User
    context = institution_context(
        request,
        institution,
        "jobs",
        jobs=rows,
        retention_days=settings.RUMBO_EXPORT_RETENTION_DAYS,
    )
    return render(request, "web/jobs.html", context)


@login_required
@require_GET
def job(request: HttpRequest, code: str, token: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    found = job_for_user(user=request.user, institution=institution, token=token)  # type: ignore[arg-type]  # login_required: a User
    if not found.finished and export_orphans(actor=Actor.for_user(request.user), only=found.pk):
        found.refresh_from_db()  # it will never finish: now it says so, and polling stops
    context = institution_context(
        request,
        institution,
        "jobs",
        job=found,
        workers=queue.worker_count() if found.state == JobState.QUEUED else None,
        poll_seconds=None if found.finished else poll_delay(found),
    )
    if request.headers.get("HX-Request"):
        return render(request, "web/_job_status.html", context)
    return render(request, "web/job.html", context)


@login_required
@require_GET
def job_download(request: HttpRequest, code: str, token: str) -> FileResponse:
    institution = institution_for_user(request.user, code)
    found = job_for_user(user=request.user, institution=institution, token=token)  # type: ignore[arg-type]  # login_required: a User
    if found.state != JobState.DONE:
        raise Http404("El archivo aún no está listo.")
    return _file_response(found)


def _file_response(job: ExportJob) -> FileResponse:
    try:
        handle = export_path(job).open("rb")
    except OSError as exc:
        raise Http404("El archivo ya no está disponible; vuelva a generarlo.") from exc
    extension = job.filename.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle, content_type=CONTENT_TYPES.get(extension, "application/octet-stream")
    )
    response["Content-Disposition"] = attachment(job.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
