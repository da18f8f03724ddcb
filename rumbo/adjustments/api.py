"""The approved program and its changes: approval, versions and adjustment requests.

Same access rules and error shape as the rest of the API: 403 for who may not, 404 for
what does not exist, 409 for what the state forbids (the program is not approved, the
request was decided, its «before» is stale), 422 for bad input.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from rumbo.audit.services import Actor
from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.schemas import CodePath, IdPath, YearPath
from rumbo.indicators.models import Indicator
from rumbo.institutions.access import institution_for_user
from rumbo.programs.api_schemas import ProgramTreeOut
from rumbo.programs.exports import program_to_dict
from rumbo.programs.lifecycle import program_approve
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode, ProgramVersion
from rumbo.programs.selectors import program_or_404
from rumbo.programs.versions import version_get, version_list

from .api_schemas import (
    AdjustmentIn,
    AdjustmentOut,
    ApproveIn,
    DecisionIn,
    VersionDetailOut,
    VersionOut,
)
from .budget import BudgetRow
from .models import AdjustmentRequest
from .selectors import adjustment_get, adjustment_list
from .services import Proposal, adjustment_approve, adjustment_reject, adjustment_request

router = Router(tags=["Programa aprobado y adecuaciones"])
PROGRAM = "/institutions/{code}/programs/{year}"


def _program(request: HttpRequest, code: str, year: int) -> AnnualProgram:
    institution = institution_for_user(api_user(request), code)
    return program_or_404(institution=institution, year=year)


def version_dict(version: ProgramVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "approved_at": version.approved_at,
        "sha256": version.sha256,
        "reason": version.reason,
        "adjustment": version.adjustment_id,
    }


def adjustment_dict(adj: AdjustmentRequest) -> dict[str, Any]:
    return {
        "id": adj.pk,
        "number": adj.number,
        "kind": adj.kind,
        "state": adj.state,
        "activity": adj.activity_key or None,
        "indicator": adj.indicator_id,
        "area": adj.area_code or None,
        "before": adj.before,
        "after": adj.after,
        "justification": adj.justification,
        "requested_by": adj.requested_label,
        "requested_at": adj.created_at,
        "decided_by": adj.decided_label or None,
        "decided_at": adj.decided_at,
        "decision_reason": adj.decision_reason,
        "version": adj.version.number if adj.version_id and adj.version else None,
    }


@router.post(
    f"{PROGRAM}/approve",
    response={200: ProgramTreeOut, **responses(conflict=True)},
    summary="Registra la aprobación del programa (acuerdo y fecha) y congela la versión 1",
    description=(
        "Solo Planeación. El programa pasa a «aprobado», sus MIR aún en formulación o "
        "revisión se aprueban con el mismo acuerdo, y sus metas (de actividades y de "
        "indicadores de sus MIR aprobadas) quedan congeladas en la versión 1: desde entonces "
        "solo cambian con solicitudes de adecuación aprobadas. 409 si ya estaba aprobado o "
        "cerrado."
    ),
)
def program_approve_api(
    request: HttpRequest, code: CodePath, year: YearPath, payload: ApproveIn
) -> Any:
    program = _program(request, code, year)
    program_approve(
        actor=Actor.for_user(api_user(request)),
        program=program,
        agreement=payload.agreement,
        approved_on=payload.date,
    )
    return program_to_dict(program)


@router.get(
    f"{PROGRAM}/versions",
    response={200: list[VersionOut], **responses()},
    summary="Versiones aprobadas del programa (1 = la aprobada por el Consejo)",
)
def program_versions(request: HttpRequest, code: CodePath, year: YearPath) -> Any:
    return [version_dict(v) for v in version_list(_program(request, code, year))]


@router.get(
    f"{PROGRAM}/versions/{{number}}",
    response={200: VersionDetailOut, **responses()},
    summary="Una versión con su contenido congelado (recalcula su SHA-256 para verificarla)",
)
def program_version(request: HttpRequest, code: CodePath, year: YearPath, number: IdPath) -> Any:
    version = version_get(_program(request, code, year), number)
    if version is None:
        raise Http404(f"No existe la versión {number} del programa {year}.")
    return {**version_dict(version), "snapshot": version.snapshot}


class StateQuery(Schema):
    state: str = ""


def _proposal(program: AnnualProgram, payload: AdjustmentIn) -> Proposal:
    data = payload.model_dump(exclude_unset=True)
    proposal = Proposal(kind=payload.kind)
    if payload.activity:
        activity = Activity.objects.filter(program=program, key=payload.activity).first()
        if activity is None:
            raise ValidationError(
                {"activity": f"No existe la actividad {payload.activity} en {program.year}."}
            )
        proposal.activity = activity
    if payload.indicator is not None:
        indicator = Indicator.objects.filter(
            pk=payload.indicator, row__mir__design__node__program=program
        ).first()
        if indicator is None:
            raise ValidationError(
                {"indicator": f"No existe el indicador {payload.indicator} en {program.year}."}
            )
        proposal.indicator = indicator
    if "annual_target" in data:
        proposal.annual_target = data["annual_target"]
    proposal.monthly_targets = data.get("monthly_targets")
    proposal.description = data.get("description")
    proposal.unit = data.get("unit")
    proposal.targets = data.get("targets")
    proposal.key = data.get("key") or ""
    proposal.area_code = data.get("area") or ""
    if payload.movements is not None:
        default = "a" if payload.kind == "ampliacion" else "de"
        proposal.movements = [
            BudgetRow(m.side or default, m.key, m.item, m.source, m.month, m.amount)
            for m in payload.movements
        ]
    if data.get("node"):
        proposal.node = ProgramNode.objects.filter(program=program, key=data["node"]).first()
        if proposal.node is None:
            raise ValidationError({"node": f"No existe el nivel {data['node']} en el programa."})
    return proposal


@router.post(
    f"{PROGRAM}/adjustments",
    response={201: AdjustmentOut, **responses(conflict=True)},
    summary="Solicita una adecuación programática o presupuestaria",
    description=(
        "Un enlace solicita para las actividades de su área; Planeación, para cualquiera. "
        "`kind`: calendario (12 meses en `monthly_targets`), meta_anual (`annual_target`), "
        "alta (`key`, `node`, `description`, `unit`, `area`, metas), baja, descripcion "
        "(`description` y/o `unit`), meta_indicador (`indicator` y `targets`); las "
        "adecuaciones presupuestarias ampliacion, reduccion y traspaso llevan `movements` "
        "(clave, partida, fuente, mes, importe positivo y, en un traspaso, el lado «de» o "
        "«a»; lo que se quita = lo que se da). No cambia nada hasta que alguien con la "
        "autoridad, distinto de quien solicita, la aprueba."
    ),
)
def adjustment_create(
    request: HttpRequest, code: CodePath, year: YearPath, payload: AdjustmentIn
) -> Any:
    program = _program(request, code, year)
    adj = adjustment_request(
        actor=Actor.for_user(api_user(request)),
        program=program,
        proposal=_proposal(program, payload),
        justification=payload.justification,
    )
    return 201, adjustment_dict(adj)


@router.get(
    f"{PROGRAM}/adjustments",
    response={200: list[AdjustmentOut], **responses()},
    summary="Solicitudes de adecuación del programa (filtro `state`)",
)
def adjustments(
    request: HttpRequest, code: CodePath, year: YearPath, query: Query[StateQuery]
) -> Any:
    program = _program(request, code, year)
    if query.state and query.state not in ("solicitada", "aprobada", "rechazada"):
        raise ValidationError({"state": "Usa solicitada, aprobada o rechazada."})
    return [adjustment_dict(a) for a in adjustment_list(program=program, state=query.state)]


def _adjustment(request: HttpRequest, code: str, year: int, pk: int) -> AdjustmentRequest:
    adj = adjustment_get(program=_program(request, code, year), pk=pk)
    if adj is None:
        raise Http404(f"No existe la solicitud de adecuación {pk} en el programa {year}.")
    return adj


@router.get(
    f"{PROGRAM}/adjustments/{{id}}",
    response={200: AdjustmentOut, **responses()},
    summary="Una solicitud de adecuación",
)
def adjustment_detail(request: HttpRequest, code: CodePath, year: YearPath, id: IdPath) -> Any:
    return adjustment_dict(_adjustment(request, code, year, id))


@router.post(
    f"{PROGRAM}/adjustments/{{id}}/approve",
    response={200: AdjustmentOut, **responses(conflict=True)},
    summary=(
        "Aprueba una solicitud: se aplica (la programática crea la versión siguiente del "
        "programa; la presupuestaria mueve el modificado)"
    ),
)
def adjustment_approve_api(
    request: HttpRequest, code: CodePath, year: YearPath, id: IdPath, payload: DecisionIn
) -> Any:
    adj = adjustment_approve(
        actor=Actor.for_user(api_user(request)),
        adjustment=_adjustment(request, code, year, id),
        reason=payload.reason,
    )
    return adjustment_dict(adj)


@router.post(
    f"{PROGRAM}/adjustments/{{id}}/reject",
    response={200: AdjustmentOut, **responses(conflict=True)},
    summary="Rechaza una solicitud (con el motivo)",
)
def adjustment_reject_api(
    request: HttpRequest, code: CodePath, year: YearPath, id: IdPath, payload: DecisionIn
) -> Any:
    adj = adjustment_reject(
        actor=Actor.for_user(api_user(request)),
        adjustment=_adjustment(request, code, year, id),
        reason=payload.reason,
    )
    return adjustment_dict(adj)
