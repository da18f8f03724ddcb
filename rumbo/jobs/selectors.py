"""Reading export jobs: a user sees only their own."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rumbo.institutions.models import Institution

from .models import ExportJob

RECENT = 50


def jobs_for_user(*, user: User, institution: Institution) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(requested_by=user, institution=institution)[:RECENT]


def job_for_user(*, user: User, institution: Institution, token: str) -> ExportJob:
    """The job if the user asked for it; 404 when it does not exist, 403 when it is another's."""
    job = ExportJob.objects.filter(institution=institution, token=token).first()
    if job is None:
        raise Http404("No existe esa exportación.")
    if job.requested_by_id != user.pk:
        raise PermissionDenied("Esta exportación la pidió otra persona; solo ella puede verla.")
    return job
