"""Annual programs (the export tree) and their activities: list, read, change; the review's
observations: list, write, answer, resolve."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from rumbo.audit.services import Actor
from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.pagination import paginate
from rumbo.core.api.renderer import json_response
from rumbo.core.api.schemas import CodePath, IdPath, KeyPath, YearPath
from rumbo.core.numbers import to_json_number
from rumbo.institutions.access import institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.selectors import area_by_code

from .access import access_activity
from .api_schemas import (
    ActivityOut,
    ActivityPage,
    ActivityPatchIn,
    ActivityQuery,
    ObservationIn,
    ObservationOut,
    ObservationQuery,
    ProgramOut,
    ProgramTreeOut,
)
from .catalog import unit_by_name
from .exports import program_to_dict
from .models import Activity, ActivityObservation, AnnualProgram, ProgramNode, activity_area
from .selectors import (
    activity_get,
    activity_list,
    node_map,
    observation_get,
    observation_list,
    program_list,
    program_or_404,
)
from .selectors.observations import STATES
from .services import (
    activity_months,
    activity_update,
    observation_answer,
    observation_create,
    observation_resolve,
)

# Each operation keeps the OpenAPI operation id it had in rumbo/api/programs.py (ninja
# derives it from the module): the ids are public.
router = Router(tags=["Programas anuales"])


def _program(institution: Institution, year: YearPath) -> AnnualProgram:
    return program_or_404(institution=institution, year=year)


def _activity(program: AnnualProgram, key: KeyPath) -> Activity:
    activity = activity_get(program=program, key=key)
    if activity is None:
        raise Http404(f"No existe la actividad {key} en el programa {program.year}.")
    return activity


def _path(node: ProgramNode, nodes: dict[int, ProgramNode], program: AnnualProgram) -> list:
    chain: list[ProgramNode] = []
    current: ProgramNode | None = node
    while current is not None:
        chain.append(current)
        current = nodes.get(current.parent_id) if current.parent_id else None
    return [
        {"key": n.key, "name": n.name, "level": program.level_name(n.depth)}
        for n in reversed(chain)
    ]


def activity_dict(
    activity: Activity, nodes: dict[int, ProgramNode], program: AnnualProgram
) -> dict[str, Any]:
    node = nodes[activity.node_id]
    area = activity_area(activity, nodes)
    return {
        "key": activity.key,
        "description": activity.description,
        "path": _path(node, nodes, program),
        "area": {"code": area.code, "name": area.name} if area else None,
        "area_inherited": activity.area_id is None and area is not None,
        "unit": activity.unit.name if activity.unit else None,
        "annual_target": to_json_number(activity.annual_target),
        "monthly_targets": [to_json_number(m) for m in activity_months(activity)],
        "calendar_simulated": activity.calendar_simulated,
        "beneficiaries": [
            {"description": b.description, "quantity": b.quantity}
            for b in activity.beneficiaries.all()
        ],
        "lines_of_action": sorted(line.code for line in activity.lines_of_action.all()),
        "version": activity.version,
    }


@router.get(
    "/institutions/{code}/programs",
    response={200: list[ProgramOut], **responses()},
    summary="Programas anuales de la institución",
    operation_id="rumbo_api_programs_programs",
)
def programs(request: HttpRequest, code: CodePath) -> Any:
    inst = institution_for_user(api_user(request), code)
    return [
        {
            "year": p.year,
            "name": p.name,
            "level_names": list(p.level_names or []),
            "activity_count": p.activity_count,  # type: ignore[attr-defined]  # annotated by program_list
        }
        for p in program_list(institution=inst)
    ]


@router.get(
    "/institutions/{code}/programs/{year}",
    response={200: ProgramTreeOut, **responses()},
    summary="Un programa anual completo (el mismo JSON que `rumbo export program`)",
    operation_id="rumbo_api_programs_program",
)
def program(request: HttpRequest, code: CodePath, year: YearPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    data = program_to_dict(_program(inst, year))
    # Rendered as it is: the dict already has ProgramTreeOut's shape and types (the
    # export's contract, tested field by field), and validating 14,000 numbers again
    # through the schema cost more than building them.
    return json_response(request, data)


@router.get(
    "/institutions/{code}/programs/{year}/activities",
    response={200: ActivityPage, **responses()},
    summary="Actividades de un programa (paginadas; filtros área, unidad, línea, texto)",
    operation_id="rumbo_api_programs_activities",
)
def activities(
    request: HttpRequest, code: CodePath, year: YearPath, query: Query[ActivityQuery]
) -> Any:
    inst = institution_for_user(api_user(request), code)
    prog = _program(inst, year)
    nodes = node_map(program=prog)
    qs = activity_list(
        program=prog, nodes=nodes, area=query.area, unit=query.unit, line=query.line, q=query.q
    )
    page = paginate(qs, page=query.page, page_size=query.page_size)
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "items": [activity_dict(a, nodes, prog) for a in page.items],
    }


@router.get(
    "/institutions/{code}/programs/{year}/activities/{key}",
    response={200: ActivityOut, **responses()},
    summary="Una actividad",
    operation_id="rumbo_api_programs_activity",
)
def activity(request: HttpRequest, code: CodePath, year: YearPath, key: KeyPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    prog = _program(inst, year)
    found = _activity(prog, key)
    nodes = node_map(program=prog)
    access_activity(api_user(request), found, for_write=False, nodes=nodes)
    return activity_dict(found, nodes, prog)


@router.patch(
    "/institutions/{code}/programs/{year}/activities/{key}",
    response={200: ActivityOut, **responses(conflict=True)},
    summary="Cambia una actividad (solo los campos enviados)",
    description=(
        "Planeación cambia cualquier actividad; un enlace, solo las de su área, y solo "
        "mientras el programa está en formulación (en revisión, 409: solo Planeación edita; "
        "aprobado, 409: solicitudes de adecuación). Cambiar el área requiere Planeación. "
        "Cada cambio queda en la bitácora con el usuario de la API. Envía la `version` que "
        "leíste: si otra persona guardó después, 409 con ambas versiones y ambos valores."
    ),
    operation_id="rumbo_api_programs_activity_patch",
)
def activity_patch(
    request: HttpRequest, code: CodePath, year: YearPath, key: KeyPath, payload: ActivityPatchIn
) -> Any:
    user = api_user(request)
    inst = institution_for_user(user, code)
    prog = _program(inst, year)
    found = _activity(prog, key)
    nodes = node_map(program=prog)
    access_activity(user, found, for_write=True, nodes=nodes)
    data = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "description" in data:
        changes["description"] = data["description"]
    if "unit" in data:
        unit = unit_by_name(institution=inst, name=data["unit"])
        if unit is None:
            raise ValidationError(
                {"unit": f"«{data['unit']}» no está en el catálogo de unidades de medida."}
            )
        changes["unit"] = unit
    if "area" in data:
        area = None
        if data["area"] is not None:
            area = area_by_code(institution=inst, code=data["area"])
            if area is None:
                raise ValidationError({"area": f"No existe el área {data['area']}."})
        changes["area"] = area  # activity_update refuses a new area to all but Planeación
    if "annual_target" in data:
        changes["annual_target"] = data["annual_target"]
    if "monthly_targets" in data:
        changes["months"] = data["monthly_targets"]
    if "lines_of_action" in data:
        changes["lines_of_action"] = data["lines_of_action"]
    result = activity_update(
        actor=Actor.for_user(user),
        activity=found,
        reason=data.get("reason") or "",
        version=data.get("version"),
        **changes,
    )
    return activity_dict(result.activity, nodes, prog)


# --- the review's observations ------------------------------------------------------------------


def observation_dict(
    observation: ActivityObservation, nodes: dict[int, ProgramNode]
) -> dict[str, Any]:
    area = activity_area(observation.activity, nodes)
    return {
        "id": observation.pk,
        "activity": observation.activity.key,
        "area": {"code": area.code, "name": area.name} if area else None,
        "text": observation.text,
        "state": observation.state,
        "author": observation.author_label,
        "created_at": observation.created_at,
        "answer": observation.answer or None,
        "answered_by": observation.answered_label or None,
        "answered_at": observation.answered_at,
        "resolved_by": observation.resolved_label or None,
        "resolved_at": observation.resolved_at,
    }


def _observation(program: AnnualProgram, pk: int) -> ActivityObservation:
    found = observation_get(program=program, pk=pk)
    if found is None:
        raise Http404(f"No existe la observación {pk} en el programa {program.year}.")
    return found


@router.get(
    "/institutions/{code}/programs/{year}/observations",
    response={200: list[ObservationOut], **responses()},
    summary="Observaciones de revisión del programa (filtro `state`: abierta, atendida)",
    operation_id="rumbo_api_programs_observations",
)
def observations(
    request: HttpRequest, code: CodePath, year: YearPath, query: Query[ObservationQuery]
) -> Any:
    inst = institution_for_user(api_user(request), code)
    prog = _program(inst, year)
    if query.state and query.state not in STATES:
        raise ValidationError({"state": "Usa abierta o atendida (o nada, para todas)."})
    nodes = node_map(program=prog)
    return [observation_dict(o, nodes) for o in observation_list(program=prog, state=query.state)]


@router.post(
    "/institutions/{code}/programs/{year}/activities/{key}/observations",
    response={201: ObservationOut, **responses(conflict=True)},
    summary="Escribe una observación de revisión a una actividad",
    description=(
        "Solo Planeación, y solo mientras el programa está en revisión (409 en otro estado). "
        "El enlace del área responsable la responde; Planeación la marca atendida."
    ),
    operation_id="rumbo_api_programs_observation_create",
)
def observation_post(
    request: HttpRequest, code: CodePath, year: YearPath, key: KeyPath, payload: ObservationIn
) -> Any:
    user = api_user(request)
    inst = institution_for_user(user, code)
    prog = _program(inst, year)
    found = _activity(prog, key)
    observation = observation_create(actor=Actor.for_user(user), activity=found, text=payload.text)
    return Status(201, observation_dict(observation, node_map(program=prog)))


@router.post(
    "/institutions/{code}/programs/{year}/observations/{id}/answer",
    response={200: ObservationOut, **responses(conflict=True)},
    summary="Responde una observación (el enlace del área de la actividad)",
    description=(
        "Solo el enlace del área responsable de la actividad; mientras la observación está "
        "abierta y el programa no se ha aprobado (409 si no). Responder de nuevo reemplaza la "
        "respuesta; la bitácora conserva la anterior."
    ),
    operation_id="rumbo_api_programs_observation_answer",
)
def observation_answer_api(
    request: HttpRequest, code: CodePath, year: YearPath, id: IdPath, payload: ObservationIn
) -> Any:
    user = api_user(request)
    prog = _program(institution_for_user(user, code), year)
    observation = observation_answer(
        actor=Actor.for_user(user), observation=_observation(prog, id), text=payload.text
    )
    return observation_dict(observation, node_map(program=prog))


@router.post(
    "/institutions/{code}/programs/{year}/observations/{id}/resolve",
    response={200: ObservationOut, **responses(conflict=True)},
    summary="Marca atendida una observación (Planeación)",
    description="409 si ya estaba atendida o si el programa ya se aprobó.",
    operation_id="rumbo_api_programs_observation_resolve",
)
def observation_resolve_api(
    request: HttpRequest, code: CodePath, year: YearPath, id: IdPath
) -> Any:
    user = api_user(request)
    prog = _program(institution_for_user(user, code), year)
    observation = observation_resolve(
        actor=Actor.for_user(user), observation=_observation(prog, id)
    )
    return observation_dict(observation, node_map(program=prog))
