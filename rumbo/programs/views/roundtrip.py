"""The Excel round trip: download the template, upload an edited copy, preview, confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.core.exportfile import attachment
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context
from rumbo.programs.forms.roundtrip import ProgramUploadForm, UploadConfirmForm
from rumbo.programs.models import AnnualProgram
from rumbo.programs.roundtrip.apply import program_apply_upload
from rumbo.programs.roundtrip.columns import Layout
from rumbo.programs.roundtrip.diff import ChangeSet, changeset_build
from rumbo.programs.roundtrip.read import UploadInvalid, workbook_read
from rumbo.programs.roundtrip.storage import upload_discard, upload_load, upload_store
from rumbo.programs.roundtrip.template import program_template_build, template_filename
from rumbo.programs.selectors import program_or_404

SESSION_KEY = "rumbo_upload"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _program(institution: Institution, year: int) -> AnnualProgram:
    return program_or_404(institution=institution, year=year)


def _forget_upload(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if isinstance(pending, dict):
        upload_discard(pending.get("file"))


def _changeset(data: bytes, program: AnnualProgram, name: str) -> ChangeSet:
    read = workbook_read(data, program=program, name=name)
    return changeset_build(program=program, rows=read.rows, errors=read.errors)


@login_required
@require_GET
def program_template(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    program = _program(institution, year)
    response = HttpResponse(program_template_build(program), content_type=XLSX)
    response["Content-Disposition"] = attachment(template_filename(program))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def program_upload(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    program = _program(institution, year)
    context: dict[str, Any] = {"program": program, "layout": Layout.for_program(program)}
    form = (
        ProgramUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else ProgramUploadForm()
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            changeset = _changeset(data, program, upload.name or "archivo.xlsx")
        except UploadInvalid as exc:
            form.add_error("file", exc.message)
        else:
            _forget_upload(request)  # a new upload replaces the one waiting
            context.update(changeset=changeset, source_name=upload.name)
            if changeset.errors or changeset.is_empty:
                return render(
                    request,
                    "web/roundtrip_upload.html",
                    institution_context(request, institution, "program", form=form, **context),
                )
            stored, sha256 = upload_store(data)
            request.session[SESSION_KEY] = {
                "program": program.pk,
                "file": stored,
                "name": upload.name,
                "sha256": sha256,
            }
            return render(
                request,
                "web/roundtrip_preview.html",
                institution_context(
                    request,
                    institution,
                    "program",
                    confirm=UploadConfirmForm(initial={"digest": changeset.digest()}),
                    **context,
                ),
            )
    return render(
        request,
        "web/roundtrip_upload.html",
        institution_context(request, institution, "program", form=form, **context),
    )


@login_required
@require_POST
def program_upload_confirm(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    program = _program(institution, year)
    upload_url = redirect("web:program_upload", institution.code, program.year)
    pending = request.session.get(SESSION_KEY)
    form = UploadConfirmForm(request.POST)
    if not isinstance(pending, dict) or pending.get("program") != program.pk:
        messages.error(
            request, "No hay una carga pendiente de confirmar. Carga el archivo de nuevo."
        )
        return upload_url
    data = upload_load(pending.get("file", ""), pending.get("sha256", ""))
    if data is None or not form.is_valid():
        _forget_upload(request)
        messages.error(request, "La carga ya no está disponible. Carga el archivo de nuevo.")
        return upload_url
    try:
        changeset = _changeset(data, program, pending.get("name") or "archivo.xlsx")
    except UploadInvalid:
        changeset = None
    if changeset is None or changeset.errors or changeset.digest() != form.cleaned_data["digest"]:
        _forget_upload(request)
        messages.error(
            request,
            "El programa cambió desde la vista previa, así que no se aplicó nada. Carga el "
            "archivo de nuevo para ver las diferencias actuales.",
        )
        return upload_url
    try:
        result = program_apply_upload(
            actor=Actor.for_user(request.user),
            program=program,
            changeset=changeset,
            source_name=pending.get("name") or "archivo.xlsx",
        )
    except ValidationError as exc:
        _forget_upload(request)
        messages.error(request, f"No se aplicó nada: {error_text(exc)}")
        return upload_url
    _forget_upload(request)
    counts = [
        (result.added, "agregada"),
        (result.changed, "modificada"),
        (result.removed, "eliminada"),
    ]
    parts = [f"{n:,} {word}{'' if n == 1 else 's'}" for n, word in counts]
    messages.success(request, f"Carga aplicada: {parts[0]}, {parts[1]} y {parts[2]}.")
    return redirect("web:program", institution.code, program.year)
