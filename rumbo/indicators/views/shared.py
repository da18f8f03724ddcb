"""What the MIR and indicator pages share: loading a design or an indicator within the
user's institution (404 outside it, 403 for non-members) and the edit permission."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rumbo.indicators.models import Indicator, Mir, MirRow, ProgramDesign
from rumbo.institutions.access import Capability, can_edit_design, institution_for_user
from rumbo.institutions.models import Institution


def design_for(
    request: HttpRequest, code: str, design_id: int
) -> tuple[Institution, ProgramDesign]:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    design = (
        ProgramDesign.objects.select_related("node__program", "node__area")
        .filter(pk=design_id, node__program__institution=institution)
        .first()
    )
    if design is None:
        raise Http404("No existe ese diseño de programa.")
    return institution, design


def mir_of(design: ProgramDesign) -> Mir:
    mir = Mir.objects.filter(design=design).first()
    if mir is None:
        raise Http404("Este diseño aún no tiene MIR.")
    return mir


def row_of(mir: Mir, row_id: int) -> MirRow:
    row = MirRow.objects.select_related("parent").filter(pk=row_id, mir=mir).first()
    if row is None:
        raise Http404("No existe ese renglón de la MIR.")
    return row


def indicator_for(
    request: HttpRequest, code: str, indicator_id: int
) -> tuple[Institution, Indicator]:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    indicator = (
        Indicator.objects.select_related(
            "area", "row__mir__design__node__program", "row__mir__design__node__area"
        )
        .filter(pk=indicator_id, row__mir__design__node__program__institution=institution)
        .first()
    )
    if indicator is None:
        raise Http404("No existe ese indicador.")
    return institution, indicator


def may_edit(request: HttpRequest, design: ProgramDesign) -> bool:
    return can_edit_design(request.user, design)
