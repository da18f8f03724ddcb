"""Quality findings of an institution: the filtered list, and accepting or resolving them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import Conflict, error_messages
from rumbo.institutions.access import Capability, can, capabilities, institution_for_user
from rumbo.institutions.pages import institution_context

from .forms import FindingBulkForm, FindingFilterForm, FindingReviewForm
from .models import FindingStatus
from .review import finding_review, findings_review_many
from .selectors import (
    finding_bulk_targets,
    finding_choices,
    finding_get,
    finding_list,
    finding_object_links,
    finding_severity_counts,
)

FINDINGS_PER_PAGE = 50


@login_required
def finding_list_view(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    form = FindingFilterForm(request.GET or None, choices=finding_choices(institution=institution))
    filters = form.filters()
    findings = finding_list(institution=institution, filters=filters)
    counts = finding_severity_counts(findings)
    paginator = Paginator(findings, FINDINGS_PER_PAGE, allow_empty_first_page=True)
    paginator.count = counts["total"]  # already counted above; saves a COUNT query
    page = paginator.get_page(request.GET.get("pagina"))
    links = finding_object_links(list(page.object_list))
    rows = [(finding, links.get(finding.pk)) for finding in page.object_list]
    return render(
        request,
        "web/findings.html",
        institution_context(
            request,
            institution,
            "findings",
            form=form,
            filters=filters,
            counts=counts,
            page=page,
            rows=rows,
            back=request.GET.urlencode(),
            can_review=can(request.user, institution, Capability.REVIEW_FINDINGS),
            bulk_hidden=[(n, request.GET[n]) for n in FILTER_NAMES if request.GET.get(n)],
        ),
    )


def _back_url(code: str, query: str) -> str:
    url = reverse("web:findings", args=[code])
    query = query.lstrip("?")
    candidate = f"{url}?{query}" if query else url
    # The query string is echoed back from a hidden field: never let it leave the list.
    if "\n" in query or "#" in query or not url_has_allowed_host_and_scheme(candidate, None):
        return url
    return candidate


@login_required
@require_POST
def finding_review_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.REVIEW_FINDINGS)
    finding = finding_get(institution=institution, pk=pk)
    if finding is None:
        raise Http404("No existe ese hallazgo en esta institución.")
    form = FindingReviewForm(request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    errors: dict[str, Any] = {}
    if form.is_valid():
        try:
            finding_review(
                actor=Actor.for_user(request.user),
                finding=finding,
                status=form.cleaned_data["estado"],
                comment=form.cleaned_data["comentario"],
            )
        except ValidationError as exc:
            errors = exc.message_dict
    else:
        errors = {
            {"estado": "status", "comentario": "comment"}.get(k, k): v
            for k, v in form.errors.items()
        }
    if htmx:
        links = finding_object_links([finding])
        return render(
            request,
            "web/_finding_row.html",
            {
                "institution": institution,
                "caps": capabilities(request.user, institution),
                "finding": finding,
                "link": links.get(finding.pk),
                "can_review": True,
                "back": form.data.get("volver", ""),
                "review_errors": errors,
                "review_data": form.data if errors else {},
                "just_reviewed": not errors,
            },
            # htmx 2 does not swap 4xx responses: the row with its errors comes back as 200.
        )
    if errors:
        for messages_ in errors.values():
            for message in messages_:
                messages.error(request, f"Hallazgo {finding.code}: {message}")
    else:
        messages.success(
            request, f"Hallazgo {finding.code}: {finding.get_status_display().lower()}."
        )
    return HttpResponseRedirect(_back_url(code, form.data.get("volver", "")))


# --- in bulk, by filter -------------------------------------------------------------------


def _filter_summary(form: FindingFilterForm) -> list[tuple[str, str]]:
    """The active filters as the person chose them: (label, shown value)."""
    shown = []
    for name in ("codigo", "severidad", "estado", "ejercicio", "archivo"):
        value = form.data.get(name) or ""
        if value:
            choices = dict(form.fields[name].choices)  # type: ignore[attr-defined]  # ChoiceFields
            shown.append((str(form.fields[name].label), str(choices.get(value, value))))
    if form.data.get("actividad"):
        shown.append(("Actividad", "la actividad elegida"))
    return shown


@login_required
@require_POST
def finding_review_bulk_view(request: HttpRequest, code: str) -> HttpResponse:
    """Accept or resolve the open findings of the list's filters, with one comment: a
    confirmation page with the count first, then the change (one audit event each)."""
    institution = institution_for_user(request.user, code, Capability.REVIEW_FINDINGS)
    filter_form = FindingFilterForm(request.POST, choices=finding_choices(institution=institution))
    filters = filter_form.filters()
    form = FindingBulkForm(request.POST)
    errors: list[str] = []
    status = 200
    if not form.is_valid():
        errors = [str(m) for messages_ in form.errors.values() for m in messages_]
        status = 400
    elif form.cleaned_data["confirmar"]:
        try:
            done = findings_review_many(
                actor=Actor.for_user(request.user),
                user=request.user,
                institution=institution,
                filters=filters,
                status=form.cleaned_data["accion"],
                comment=form.cleaned_data["comentario"],
                expected=form.cleaned_data["esperados"],
            )
        except ValidationError as exc:
            errors, status = error_messages(exc), 400
        except Conflict as exc:
            errors, status = [exc.message], 409
        else:
            verb = (
                "aceptaron"
                if form.cleaned_data["accion"] == FindingStatus.ACCEPTED
                else "resolvieron"
            )
            messages.success(request, f"Se {verb} {done:,} hallazgos con el mismo comentario.")
            return HttpResponseRedirect(_back_url(code, _filter_query(filter_form)))
    elif not (form.cleaned_data["comentario"] or "").strip():
        errors, status = ["Escribe un comentario que explique por qué se aceptan o resuelven."], 400
    count = finding_bulk_targets(institution=institution, filters=filters).count()
    return render(
        request,
        "web/findings_bulk.html",
        institution_context(
            request,
            institution,
            "findings",
            form=form,
            hidden=_filter_pairs(filter_form),
            summary=_filter_summary(filter_form),
            count=count,
            resolving=request.POST.get("accion") == FindingStatus.RESOLVED,
            errors=errors,
            back=_back_url(code, _filter_query(filter_form)),
        ),
        status=status,
    )


FILTER_NAMES = ("codigo", "severidad", "estado", "ejercicio", "archivo", "actividad")


def _filter_pairs(form: FindingFilterForm) -> list[tuple[str, str]]:
    """The filters posted with a bulk review, as (name, value), to post them again."""
    return [(n, str(form.data[n])) for n in FILTER_NAMES if form.data.get(n)]


def _filter_query(form: FindingFilterForm) -> str:
    """The list's query string for the filters posted with a bulk review."""
    return urlencode(_filter_pairs(form))
