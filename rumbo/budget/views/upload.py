"""The budget's pages: the upload of a budget file with a preview of its differences
(like the program's Excel round trip, whose upload storage it reuses), and the review of
the institution's partidas específicas and fuentes de financiamiento.

Upload: step 1 choose the file (and the last closed month); step 2 the preview — the
import's dry run and ``BudgetDiff``, nothing written — keeps the file
(``programs.roundtrip.storage``) and the fingerprint of the stored lines it compared;
step 3 «Aplicar» re-reads the kept file and imports it exactly as ``rumbo import
presupuesto`` does, refused if the stored lines changed meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import ImportFailure, form_add_errors
from rumbo.core.exportfile import attachment
from rumbo.core.periods import MONTH_NAMES
from rumbo.core.text import whole_number
from rumbo.institutions.access import Capability, can, institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context
from rumbo.programs.forms.roundtrip import UploadConfirmForm
from rumbo.programs.models import AnnualProgram
from rumbo.programs.roundtrip.storage import upload_discard, upload_load, upload_store
from rumbo.programs.selectors import program_or_404

from ..closing import last_closed_month
from ..forms import BudgetUploadForm, FundingSourceForm, FundingSourceNameForm, SpecificItemForm
from ..importer import (
    COLUMNS,
    BudgetFileError,
    StalePreview,
    import_budget,
    preview_budget,
    table_from_bytes,
    template_xlsx,
)
from ..models import FundingSource, SpecificItem
from ..selectors import funding_sources_for, specific_items_for
from ..services import (
    funding_source_create,
    funding_source_update,
    specific_item_update,
    specific_items_review,
)

SESSION_KEY = "rumbo_budget_upload"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINE = "renglón del presupuesto"


def _forget_upload(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if isinstance(pending, dict):
        upload_discard(pending.get("file"))


def _upload_page(
    request: HttpRequest,
    institution: Institution,
    program: AnnualProgram,
    form: BudgetUploadForm,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "web/budget_upload.html",
        institution_context(
            request, institution, "program", program=program, form=form, columns=COLUMNS, **extra
        ),
        status=status,
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _automatic(program: AnnualProgram) -> str:
    closed = last_closed_month(program)
    return f"hoy, {MONTH_NAMES[closed - 1]}" if closed else "hoy no hay mes cerrado"


@login_required
@require_GET
def budget_template(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    program = program_or_404(institution=institution, year=year)
    response = HttpResponse(template_xlsx(program), content_type=XLSX)
    response["Content-Disposition"] = attachment(
        f"plantilla-presupuesto-{institution.code}-{program.year}.xlsx"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def budget_upload(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Steps 1 and 2: the file, then its preview (nothing written)."""
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    program = program_or_404(institution=institution, year=year)
    automatic = _automatic(program)
    if request.method != "POST":
        return _upload_page(request, institution, program, BudgetUploadForm(automatic=automatic))
    form = BudgetUploadForm(request.POST, request.FILES, automatic=automatic)
    if not form.is_valid():
        return _upload_page(request, institution, program, form, status=400)
    upload, through = form.cleaned_data["file"], form.cleaned_data["through"]
    name = upload.name or "presupuesto.csv"
    data = upload.read()
    try:
        preview = preview_budget(
            table_from_bytes(name, data),
            institution_code=institution.code,
            year=program.year,
            through=through,
            actor=Actor.for_user(request.user),
        )
    except BudgetFileError as exc:
        return _upload_page(
            request, institution, program, form, status=400, file_error=exc, source_name=name
        )
    except ImportFailure as exc:
        form.add_error("file", exc.message)
        return _upload_page(request, institution, program, form, status=400)
    _forget_upload(request)  # a new upload replaces the one waiting
    confirm = None
    if not preview.diff.is_empty:
        stored, sha256 = upload_store(data)
        request.session[SESSION_KEY] = {
            "program": program.pk,
            "file": stored,
            "name": name,
            "sha256": sha256,
            "through": through,
        }
        confirm = UploadConfirmForm(initial={"digest": preview.diff.fingerprint})
    return render(
        request,
        "web/budget_preview.html",
        institution_context(
            request,
            institution,
            "program",
            program=program,
            preview=preview,
            diff=preview.diff,
            report=preview.report,
            source_name=name,
            through=through,
            confirm=confirm,
        ),
    )


@login_required
@require_POST
def budget_upload_apply(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Step 3: import the kept file, as the CLI does, if the budget did not change."""
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    program = program_or_404(institution=institution, year=year)
    upload_url = redirect("web:budget_upload", institution.code, program.year)
    pending = request.session.get(SESSION_KEY)
    form = UploadConfirmForm(request.POST)
    if not isinstance(pending, dict) or pending.get("program") != program.pk:
        messages.error(request, "No hay una carga pendiente de aplicar. Carga el archivo de nuevo.")
        return upload_url
    data = upload_load(pending.get("file", ""), pending.get("sha256", ""))
    if data is None or not form.is_valid():
        _forget_upload(request)
        messages.error(request, "La carga ya no está disponible. Carga el archivo de nuevo.")
        return upload_url
    name = pending.get("name") or "presupuesto.csv"
    try:
        report = import_budget(
            table_from_bytes(name, data),
            institution_code=institution.code,
            year=program.year,
            through=pending.get("through"),
            actor=Actor.for_user(request.user),
            expected_fingerprint=form.cleaned_data["digest"],
        )
    except StalePreview:
        _forget_upload(request)
        messages.error(request, f"{StalePreview.MESSAGE}.")
        return upload_url
    except ImportFailure as exc:  # the file itself did not change: the program did
        _forget_upload(request)
        messages.error(request, f"No se aplicó nada: {exc}")
        return upload_url
    _forget_upload(request)
    created, updated, deleted = (report.created[LINE], report.updated[LINE], report.deleted[LINE])
    findings = len(report.findings)
    messages.success(
        request,
        f"Presupuesto aplicado desde «{name}»: "
        f"{_count(created, 'renglón nuevo', 'renglones nuevos')}, "
        f"{_count(updated, 'modificado', 'modificados')} y "
        f"{_count(deleted, 'eliminado', 'eliminados')}; "
        f"{_count(findings, 'hallazgo', 'hallazgos')}.",
    )
    return redirect("web:budget", institution.code, program.year)  # the budget as stored now


# --- partidas and fuentes ----------------------------------------------------------------


def _items_page(
    request: HttpRequest,
    institution: Institution,
    source_form: FundingSourceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    writable = can(request.user, institution, Capability.EDIT_PROGRAM)
    items = list(specific_items_for(institution=institution))
    return render(
        request,
        "web/budget_items.html",
        institution_context(
            request,
            institution,
            "program",
            items=items,
            unreviewed=sum(1 for i in items if i.unreviewed),
            sources=list(funding_sources_for(institution=institution)),
            writable=writable,
            source_form=source_form or (FundingSourceForm() if writable else None),
        ),
        status=status,
    )


@login_required
@require_GET
def budget_items(request: HttpRequest, code: str) -> HttpResponse:
    """Read: any member. Planeación edits (the forms post to the views below)."""
    return _items_page(request, institution_for_user(request.user, code))


@login_required
@require_POST
def budget_items_review(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    ids = [n for v in request.POST.getlist("items") if (n := whole_number(v)) is not None]
    try:
        count = specific_items_review(
            actor=Actor.for_user(request.user),
            user=request.user,
            institution=institution,
            item_ids=ids,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.message_dict.get("items", exc.messages)))
    else:
        messages.success(
            request, f"{count:,} partida{'' if count == 1 else 's'} marcada(s) como revisada(s)."
        )
    return redirect("web:budget_items", institution.code)


@login_required
@require_http_methods(["GET", "POST"])
def budget_item_edit(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    item = (
        SpecificItem.objects.filter(institution=institution, pk=item_id)
        .select_related("generic__concept__chapter")
        .first()
    )
    if item is None:
        raise Http404("No existe esa partida específica.")
    form = SpecificItemForm(
        request.POST or None, initial={"name": item.name, "reviewed": not item.unreviewed}
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = specific_item_update(
                actor=Actor.for_user(request.user),
                user=request.user,
                item=item,
                name=form.cleaned_data["name"],
                reviewed=form.cleaned_data["reviewed"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if changed:
                messages.success(request, f"Se guardó la partida {item.key}.")
            return redirect("web:budget_items", institution.code)
    return render(
        request,
        "web/budget_item_edit.html",
        institution_context(request, institution, "program", item=item, form=form),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def budget_source_create(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    form = FundingSourceForm(request.POST)
    if form.is_valid():
        try:
            source = funding_source_create(
                actor=Actor.for_user(request.user),
                user=request.user,
                institution=institution,
                key=form.cleaned_data["key"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, f"Se agregó la fuente {source.key} {source.name}.")
            return redirect("web:budget_items", institution.code)
    return _items_page(request, institution, source_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def budget_source_edit(request: HttpRequest, code: str, source_id: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    source = FundingSource.objects.filter(institution=institution, pk=source_id).first()
    if source is None:
        raise Http404("No existe esa fuente de financiamiento.")
    form = FundingSourceNameForm(request.POST or None, initial={"name": source.name})
    if request.method == "POST" and form.is_valid():
        try:
            changed = funding_source_update(
                actor=Actor.for_user(request.user),
                user=request.user,
                source=source,
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if changed:
                messages.success(request, f"Se guardó la fuente {source.key}.")
            return redirect("web:budget_items", institution.code)
    return render(
        request,
        "web/budget_source_edit.html",
        institution_context(request, institution, "program", source=source, form=form),
        status=400 if form.errors else 200,
    )
