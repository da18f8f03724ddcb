"""Monthly progress through the API: capture, the period workflow, figures and history.

Thin views over the monitoring services and selectors: the rules (who may capture, the
capture window, the lock of a sent or approved period, the optimistic version, the
justification the semáforo asks for) live there. Their conflicts answer 409
(rumbo/core/api/errors.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.pagination import paginate
from rumbo.core.api.schemas import CodePath, KeyPath, PageQuery, YearPath
from rumbo.core.numbers import to_json_number
from rumbo.institutions.access import institution_for_user
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.selectors import area_by_code
from rumbo.programs.access import access_activity
from rumbo.programs.models import Activity, AnnualProgram, activity_area
from rumbo.programs.selectors import node_map, program_or_404

from .api_schemas import (
    ActivityProgressOut,
    AreaPath,
    HistoryPage,
    MonthPath,
    MonthProgressOut,
    PeriodApproveIn,
    PeriodOut,
    PeriodReasonIn,
    PeriodSubmitIn,
    PhysicalFinancialOut,
    PhysicalFinancialQuery,
    ProgressIn,
)
from .dashboard import dashboard_month
from .history import activity_history
from .models import PeriodReport
from .physical_financial import physical_financial, row_json
from .selectors import MonthProgress, activity_lean_get, activity_progress
from .services import (
    period_approve,
    period_reopen,
    period_return,
    period_submit,
    progress_save,
)

router = Router(tags=["Seguimiento mensual"])

# The operation ids the API has always published: ninja derives them from the module, and
# these operations lived in rumbo/api/progress.py; clients generated from the document keep
# their names.
OPERATION_ID = "rumbo_api_progress_{}"

ACTIVITY = "/institutions/{code}/programs/{year}/activities/{key}"
PERIOD = "/institutions/{code}/programs/{year}/areas/{area}/months/{month}"


def today() -> date:
    """The date the capture window is judged by (tests replace it)."""
    return timezone.localdate()


def month_dict(row: MonthProgress) -> dict[str, Any]:
    return {
        "month": row.month,
        "programmed": to_json_number(row.programmed),
        "achieved": to_json_number(row.achieved),
        "cumulative_programmed": to_json_number(row.cumulative_programmed),
        "cumulative_achieved": to_json_number(row.cumulative_achieved),
        "ratio": to_json_number(row.month_grade.ratio),
        "semaforo": row.month_grade.light.value,
        "cumulative_ratio": to_json_number(row.cumulative_grade.ratio),
        "cumulative_semaforo": row.cumulative_grade.light.value,
        "state": row.state.value if row.state else None,
        "figure_state": row.figure_state.value,
        "version": row.version,
        "comment": row.comment,
        "justification": row.justification,
    }


def period_dict(report: PeriodReport, area: Area) -> dict[str, Any]:
    return {
        "area": area.code,
        "month": report.month,
        "state": report.state,
        "version": report.version,
        "submitted_at": report.submitted_at,
        "decided_at": report.decided_at,
        "comment": report.comment,
    }


def event_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "who": event.actor_label,
        "when": event.created_at,
        "action": event.action,
        "object": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }


def _program(institution: Institution, year: int) -> AnnualProgram:
    return program_or_404(institution=institution, year=year)


def _activity(program: AnnualProgram, key: str) -> Activity:
    activity = activity_lean_get(program=program, key=key)
    if activity is None:
        raise Http404(f"No existe la actividad {key} en el programa {program.year}.")
    return activity


def _readable_activity(
    request: HttpRequest, code: str, year: int, key: str
) -> tuple[AnnualProgram, Activity]:
    inst = institution_for_user(api_user(request), code)
    prog = _program(inst, year)
    found = _activity(prog, key)
    access_activity(api_user(request), found, for_write=False)
    return prog, found


# --- an activity's progress -----------------------------------------------------------------


@router.get(
    f"{ACTIVITY}/progress",
    response={200: ActivityProgressOut, **responses()},
    summary="Avance mensual de una actividad: programado, alcanzado, acumulado y semáforo",
    description=(
        "Los 12 meses. `ratio`/`semaforo` comparan el mes; `cumulative_ratio`/"
        "`cumulative_semaforo`, lo acumulado al mes (el que pide justificación). Gris: "
        "nada programado o sin captura. `version` es la que se envía al guardar."
    ),
    operation_id=OPERATION_ID.format("progress"),
)
def progress(request: HttpRequest, code: CodePath, year: YearPath, key: KeyPath) -> Any:
    prog, found = _readable_activity(request, code, year, key)
    nodes = node_map(program=prog)
    area = activity_area(found, nodes)
    return {
        "key": found.key,
        "area": area.code if area else None,
        "months": [month_dict(m) for m in activity_progress(activity=found)],
        "simulated": prog.progress_simulated,
    }


@router.put(
    f"{ACTIVITY}/progress/{{month}}",
    response={200: MonthProgressOut, **responses(conflict=True)},
    summary="Captura o corrige el avance de un mes",
    description=(
        "Planeación captura cualquier actividad; un enlace, las de su área. Dentro de la "
        "ventana de captura y con el periodo sin enviar ni aprobar (409 si no). `version`: "
        "la que devolvió el GET (null para crear); si otra persona guardó antes, 409 con "
        "ambas versiones y ambos valores. La justificación es obligatoria cuando el "
        "semáforo acumulado no queda en verde (422)."
    ),
    operation_id=OPERATION_ID.format("progress_put"),
)
def progress_put(
    request: HttpRequest,
    code: CodePath,
    year: YearPath,
    key: KeyPath,
    month: MonthPath,
    payload: ProgressIn,
) -> Any:
    user = api_user(request)
    inst = institution_for_user(user, code)
    found = _activity(_program(inst, year), key)
    progress_save(
        actor=Actor.for_user(user),
        user=user,
        activity=found,
        month=month,
        achieved=payload.achieved,
        comment=payload.comment,
        justification=payload.justification,
        version=payload.version,
        today=today(),
    )
    return month_dict(activity_progress(activity=found)[month - 1])


@router.get(
    f"{ACTIVITY}/history",
    response={200: HistoryPage, **responses()},
    summary="Historial de una actividad y de sus avances (bitácora, lo más reciente primero)",
    operation_id=OPERATION_ID.format("history"),
)
def history(
    request: HttpRequest, code: CodePath, year: YearPath, key: KeyPath, query: Query[PageQuery]
) -> Any:
    _, found = _readable_activity(request, code, year, key)
    page = paginate(activity_history(activity=found), page=query.page, page_size=query.page_size)
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "items": [event_dict(e) for e in page.items],
    }


# --- physical against financial progress --------------------------------------------------


@router.get(
    "/institutions/{code}/programs/{year}/budget/physical-financial",
    response={200: PhysicalFinancialOut, **responses()},
    summary="Avance físico-financiero por nodo del programa a un mes",
    description=(
        "Por cada subprograma, proyecto… con actividades o presupuesto: avance físico "
        "(cumplimiento promedio de sus actividades, con tope de 100 %), avance financiero "
        "(devengado ÷ modificado acumulados al mes, contra el calendario del presupuesto, y "
        "del año), la brecha en puntos porcentuales con su semáforo (verde ≤ 10, amarillo "
        "≤ 20, rojo más; gris si falta un avance) y el modificado y devengado acumulados. "
        "Las mismas cifras que el informe de avance físico-financiero y el tablero."
    ),
    operation_id="rumbo_api_budget_physical_financial",
)
def physical_financial_view(
    request: HttpRequest, code: CodePath, year: YearPath, query: Query[PhysicalFinancialQuery]
) -> Any:
    inst = institution_for_user(api_user(request), code)
    prog = _program(inst, year)
    month = query.month or dashboard_month(program=prog) or 1
    figures = physical_financial(program=prog, month=month)
    return {"year": prog.year, "month": month, "items": [row_json(r) for r in figures.nodes]}


# --- the period workflow of an area's month -------------------------------------------------


def _period_target(
    request: HttpRequest, code: str, year: int, area_code: str
) -> tuple[AnnualProgram, Area]:
    inst = institution_for_user(api_user(request), code)
    prog = _program(inst, year)
    area = area_by_code(institution=inst, code=area_code)
    if area is None:
        raise Http404(f"No existe el área {area_code}.")
    return prog, area


PERIOD_RESPONSES = {200: PeriodOut, **responses(conflict=True)}


@router.post(
    f"{PERIOD}/submit",
    response=PERIOD_RESPONSES,
    summary="Envía a revisión la captura de un área en un mes",
    description=(
        "El enlace del área o Planeación, dentro de la ventana de captura (409 si cerró) y "
        "con la captura completa: cada actividad programada ese mes con su avance y su "
        "justificación donde haga falta (422 si no)."
    ),
    operation_id=OPERATION_ID.format("period_submit_view"),
)
def period_submit_view(
    request: HttpRequest,
    code: CodePath,
    year: YearPath,
    area: AreaPath,
    month: MonthPath,
    payload: PeriodSubmitIn | None = None,
) -> Any:
    prog, found = _period_target(request, code, year, area)
    user = api_user(request)
    report = period_submit(
        actor=Actor.for_user(user),
        user=user,
        program=prog,
        area=found,
        month=month,
        version=payload.version if payload else None,
        today=today(),
    )
    return period_dict(report, found)


@router.post(
    f"{PERIOD}/approve",
    response=PERIOD_RESPONSES,
    summary="Aprueba la captura enviada (queda bloqueada hasta reabrirla)",
    description="Planeación o Revisión; la captura debe estar enviada.",
    operation_id=OPERATION_ID.format("period_approve_view"),
)
def period_approve_view(
    request: HttpRequest,
    code: CodePath,
    year: YearPath,
    area: AreaPath,
    month: MonthPath,
    payload: PeriodApproveIn | None = None,
) -> Any:
    prog, found = _period_target(request, code, year, area)
    user = api_user(request)
    report = period_approve(
        actor=Actor.for_user(user),
        user=user,
        program=prog,
        area=found,
        month=month,
        comment=payload.comment if payload else "",
        version=payload.version if payload else None,
    )
    return period_dict(report, found)


@router.post(
    f"{PERIOD}/return",
    response=PERIOD_RESPONSES,
    summary="Devuelve la captura enviada con observaciones (motivo obligatorio)",
    description="Planeación o Revisión; la captura debe estar enviada.",
    operation_id=OPERATION_ID.format("period_return_view"),
)
def period_return_view(
    request: HttpRequest,
    code: CodePath,
    year: YearPath,
    area: AreaPath,
    month: MonthPath,
    payload: PeriodReasonIn,
) -> Any:
    prog, found = _period_target(request, code, year, area)
    user = api_user(request)
    report = period_return(
        actor=Actor.for_user(user),
        user=user,
        program=prog,
        area=found,
        month=month,
        reason=payload.reason,
        version=payload.version,
    )
    return period_dict(report, found)


@router.post(
    f"{PERIOD}/reopen",
    response=PERIOD_RESPONSES,
    summary="Reabre una captura aprobada (motivo obligatorio; vuelve a borrador)",
    description="Solo Planeación. Es la única forma de cambiar lo aprobado.",
    operation_id=OPERATION_ID.format("period_reopen_view"),
)
def period_reopen_view(
    request: HttpRequest,
    code: CodePath,
    year: YearPath,
    area: AreaPath,
    month: MonthPath,
    payload: PeriodReasonIn,
) -> Any:
    prog, found = _period_target(request, code, year, area)
    user = api_user(request)
    report = period_reopen(
        actor=Actor.for_user(user),
        user=user,
        program=prog,
        area=found,
        month=month,
        reason=payload.reason,
        version=payload.version,
    )
    return period_dict(report, found)
