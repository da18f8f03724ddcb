"""Serving evidence files: only to those who may see them, always as a download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from rumbo.core.exportfile import attachment
from rumbo.institutions.access import can_view_evidence, institution_for_user

from ..evidence import evidence_path
from ..selectors import evidence_in_institution


@login_required
@require_GET
def evidence_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    institution = institution_for_user(request.user, code)
    evidence = evidence_in_institution(institution=institution, pk=pk)
    if evidence is None:
        raise Http404("No existe la evidencia.")
    if not can_view_evidence(request.user, evidence.entry.activity):
        raise PermissionDenied("No tienes permiso para consultar las evidencias de esta actividad.")
    try:
        handle = evidence_path(evidence.storage_name).open("rb")
    except OSError as exc:
        raise Http404("El archivo de la evidencia no está disponible.") from exc
    response = FileResponse(handle, content_type=evidence.content_type)
    response["Content-Disposition"] = attachment(evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
