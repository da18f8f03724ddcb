"""«Mis pendientes» (the landing page), its count for the navigation, and the bulk approval
of sent captures."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.monitoring.services import BatchRefused, period_approve_many
from rumbo.monitoring.services.periods import capture_label

from .forms import captures_parse, comment_clean
from .selectors import PLANEACION, REVISOR, scope_of, visit_last_seen, worklist_for
from .services import visit_record

# Oversight's first visit shows what was approved in the last days.
FIRST_VISIT = timedelta(days=30)


@login_required
@require_http_methods(["GET", "HEAD"])
def pending(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    previous = visit_record(user_id=cast(int, request.user.pk), now=now)
    worklist = worklist_for(
        request.user,
        today=timezone.localdate(now),
        since=previous or now - FIRST_VISIT,
        first_visit=previous is None,
    )
    return render(request, "web/pending.html", {"worklist": worklist, "section": "pending"})


@login_required
@require_http_methods(["GET", "HEAD"])
def pending_count(request: HttpRequest) -> HttpResponse:
    """« (3)» for the navigation, loaded by htmx after the page: oversight counts what was
    approved since it last looked at the page."""
    now = timezone.now()
    seen = visit_last_seen(user_id=cast(int, request.user.pk))
    worklist = worklist_for(
        request.user, today=timezone.localdate(now), since=seen or now - FIRST_VISIT
    )
    return render(request, "web/_pending_count.html", {"total": worklist.total})


@login_required
@require_POST
def pending_approve(request: HttpRequest) -> HttpResponse:
    """Approve the checked sent captures at once, all or none."""
    if not scope_of(request.user).holds(PLANEACION, REVISOR):
        raise PermissionDenied("Solo Planeación o Revisión pueden aprobar capturas.")
    back = reverse("web:pending") + "#por-revisar"
    try:
        approved = period_approve_many(
            actor=Actor.for_user(request.user),
            user=request.user,
            captures=captures_parse(request.POST.getlist("capture")),
            comment=comment_clean(request.POST.get("comment", "")),
        )
    except BatchRefused as refused:
        messages.error(request, refused.message + " Recarga la lista y vuelve a intentarlo.")
    except ValidationError as invalid:
        messages.error(request, error_text(invalid))
    else:
        names = "; ".join(capture_label(r) for r in approved)
        done = (
            "Se aprobó 1 captura"
            if len(approved) == 1
            else f"Se aprobaron {len(approved):,} capturas"
        )
        messages.success(request, f"{done}: {names}.")
    return redirect(back)
