"""Writes of program designs: the general fields, and the items of each kind.

The path names the kind (``involucrado``, ``arbol``, ``alternativa``, ``poblacion``,
``riesgo``, ``accion``, as on the pages, rumbo/design/views/items.py); ``KINDS`` maps it
to its model, its services, its body schemas and the shape it answers with (the one the
design's read shows). Who may write: ``require_edit_design`` (Planeación, or the Enlace of
the area of the design's node). The services validate, save and audit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest
from ninja import Query, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from rumbo.audit.services import Actor
from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import INVALID, responses
from rumbo.core.api.schemas import CodePath
from rumbo.core.errors import error_items
from rumbo.design import services
from rumbo.design.models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)
from rumbo.design.selectors import design_get, risk_matrix, schedule
from rumbo.indicators.api.common import INSTITUTION
from rumbo.indicators.api.schemas import DeletedOut, ReasonQuery
from rumbo.indicators.models import MirRow
from rumbo.institutions.access import institution_for_user, require_edit_design
from rumbo.programs.models import Activity

from .designs import (
    alternative_dict,
    design_dict,
    population_dict,
    risk_dict,
    router,
    schedule_dict,
    stakeholder_dict,
    tree_node_dicts,
)
from .schemas import (
    CREATE_SCHEMAS,
    PATCH_SCHEMAS,
    DesignItemOut,
    DesignOut,
    DesignPatchIn,
    DesignPath,
    ItemBody,
    ItemPatchBody,
    ItemPath,
    KindPath,
)

# The operation ids the API has always published: ninja derives them from the module,
# and these operations lived in rumbo/api/mirs/design_writes.py;
# clients generated from the document keep their names.
OPERATION_ID = "rumbo_api_mirs_design_writes_{}"

DESIGN = f"{INSTITUTION}/designs/{{design_id}}"
EDIT_DESIGN = "Planeación, o el enlace del área del subprograma (403 si no)."


# --- what answers each kind -----------------------------------------------------------------


def _tree_node_out(node: TreeNode) -> dict[str, Any]:
    nodes = list(TreeNode.objects.filter(design_id=node.design_id, tree=node.tree))
    return tree_node_dicts(nodes)[1][node.pk]


def _risk_out(risk: Risk) -> dict[str, Any]:
    return risk_dict(next(r for r in risk_matrix(design=risk.design).rows if r.risk.pk == risk.pk))


def _schedule_out(action: ScheduleAction) -> dict[str, Any]:
    return next(
        schedule_dict(group, row)
        for group in schedule(design=action.design)
        for row in group.rows
        if row.action.pk == action.pk
    )


# --- from the API's fields to the services' ---------------------------------------------------


def _tree_data(design: ProgramDesign, data: dict[str, Any]) -> dict[str, Any]:
    """``parent`` by id (the service checks its design and tree)."""
    if data.get("parent") is not None:
        parent = TreeNode.objects.filter(pk=data["parent"]).first()
        if parent is None:
            raise ValidationError({"parent": "No existe el elemento superior elegido."})
        data["parent"] = parent
    return data


def _alternative_data(design: ProgramDesign, data: dict[str, Any]) -> dict[str, Any]:
    if "actions" in data:
        data["actions"] = "\n".join(a.strip() for a in data["actions"] if a.strip())
    return data


def _schedule_data(design: ProgramDesign, data: dict[str, Any]) -> dict[str, Any]:
    """``mir_row`` by id (the service checks it is of this design's MIR) and ``activity``
    by its key in the design's annual program."""
    if "mir_row" in data:
        pk = data.pop("mir_row")
        row = None
        if pk is not None:
            row = MirRow.objects.select_related("mir").filter(pk=pk).first()
            if row is None:
                raise ValidationError({"component": "No existe el renglón de la MIR elegido."})
        data["component"] = row
    if data.get("activity") is not None:
        key = data["activity"]
        activity = Activity.objects.filter(program_id=design.node.program_id, key=key).first()
        if activity is None:
            raise ValidationError(
                {"activity": f"No existe la actividad {key} en el programa anual del diseño."}
            )
        data["activity"] = activity
    return data


def _same(design: ProgramDesign, data: dict[str, Any]) -> dict[str, Any]:
    return data


@dataclass(frozen=True)
class ItemKind:
    label: str  # «el involucrado»
    model: type[Model]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    obj_kwarg: str  # the services' name for the item
    out: Callable[[Any], dict[str, Any]]
    data: Callable[[ProgramDesign, dict[str, Any]], dict[str, Any]] = _same
    fields: Mapping[str, str] | None = None  # service field → API field, where they differ


KINDS: dict[str, ItemKind] = {
    "involucrado": ItemKind(
        "el involucrado",
        Stakeholder,
        services.stakeholder_create,
        services.stakeholder_update,
        services.stakeholder_delete,
        "stakeholder",
        stakeholder_dict,
    ),
    "arbol": ItemKind(
        "el elemento del árbol",
        TreeNode,
        services.tree_node_create,
        services.tree_node_update,
        services.tree_node_delete,
        "node",
        _tree_node_out,
        _tree_data,
    ),
    "alternativa": ItemKind(
        "la alternativa",
        Alternative,
        services.alternative_create,
        services.alternative_update,
        services.alternative_delete,
        "alternative",
        alternative_dict,
        _alternative_data,
    ),
    "poblacion": ItemKind(
        "la cifra de población",
        PopulationFigure,
        services.population_create,
        services.population_update,
        services.population_delete,
        "figure",
        population_dict,
    ),
    "riesgo": ItemKind(
        "el riesgo",
        Risk,
        services.risk_create,
        services.risk_update,
        services.risk_delete,
        "risk",
        _risk_out,
    ),
    "accion": ItemKind(
        "la acción del cronograma",
        ScheduleAction,
        services.schedule_action_create,
        services.schedule_action_update,
        services.schedule_action_delete,
        "action",
        _schedule_out,
        _schedule_data,
        {"component": "mir_row"},
    ),
}


# --- helpers --------------------------------------------------------------------------------


def _editable_design(request: HttpRequest, code: str, design_id: int) -> ProgramDesign:
    user = api_user(request)
    design = design_get(institution=institution_for_user(user, code), design_id=design_id)
    if design is None:
        raise Http404("No existe el diseño del programa.")
    require_edit_design(user, design)
    return design


def _item(spec: ItemKind, design: ProgramDesign, item_id: int) -> Any:
    obj: Any = spec.model._default_manager.filter(design=design, pk=item_id).first()
    if obj is None:
        raise Http404(f"No existe {spec.label} en este diseño.")
    obj.design = design  # the services read its institution from here: no extra query
    return obj


def _body(schema: type[Schema], payload: dict[str, Any]) -> dict[str, Any]:
    """The body checked against its kind's schema: only the fields sent."""
    try:
        return schema.model_validate(payload).model_dump(exclude_unset=True)
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from exc


def _invalid(spec: ItemKind, exc: ValidationError) -> Status[dict[str, Any]]:
    """A service's refusal as the API's 422, with the API's field names."""
    names = spec.fields or {}
    errors = [
        {"field": names.get(field, field) if field else "", "message": message}
        for field, message in error_items(exc)
    ]
    return Status(422, {"message": INVALID, "errors": errors})


# --- the design -----------------------------------------------------------------------------


@router.patch(
    DESIGN,
    response={200: DesignOut, **responses()},
    summary="Cambia los datos generales de un diseño (solo los campos enviados)",
    description=(
        f"{EDIT_DESIGN} Título, planteamiento del problema, diagnóstico, justificación de "
        "la alternativa, población objetivo y nota de fuentes. `reason` queda en la "
        "bitácora. Responde el diseño completo, como el `GET`."
    ),
    operation_id=OPERATION_ID.format("design_update"),
)
def design_update(
    request: HttpRequest, code: CodePath, design_id: DesignPath, payload: DesignPatchIn
) -> Any:
    design = _editable_design(request, code, design_id)
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("reason", "")
    services.design_update(
        actor=Actor.for_user(api_user(request)), design=design, changes=changes, reason=reason
    )
    return design_dict(design)


# --- its items ------------------------------------------------------------------------------

BODIES = (
    "El cuerpo lleva los campos del tipo de la ruta (ver los esquemas, uno por tipo): "
    "**involucrado** `actor`, `interests`, `perceived_problems`, `resources_mandates`, "
    "`expectations`, `conflicts_alliances`, `position`, `power`, `involvement`, "
    "`importance` (1–5 o null), `notes`; **arbol** `tree` (problema|objetivo), `role` "
    "(central|causa|efecto), `parent` (id del elemento del que cuelga; null el central), "
    "`text`; **alternativa** `title`, `actions` (lista), `chosen`; **poblacion** `group`, "
    "`label`, `value`, `unit`, `source`, `cutoff`; **riesgo** `risk`, `cause`, `effect`, "
    "`probability` y `impact` (1–5), `owner`, `controls`, `treatment` "
    "(evitar|reducir|compartir|aceptar), `treatment_actions`, `follow_up`; **accion** "
    "`number`, `description`, `months` (1–12), `responsible`, `mir_row` (id de un "
    "componente o actividad de la MIR del diseño), `activity` (clave de la actividad del "
    "programa anual). Todos admiten `order`. Un campo de otro tipo es un 422."
)


@router.post(
    f"{DESIGN}/items/{{kind}}",
    response={200: DesignItemOut, **responses()},
    summary="Agrega un elemento al diseño: involucrado, árbol, alternativa, población, "
    "riesgo o acción del cronograma",
    description=(
        f"{EDIT_DESIGN} {BODIES} Responde el elemento como lo muestra el `GET` del diseño "
        "(un elemento de árbol, con sus `children`; un riesgo, con su número y nivel)."
    ),
    operation_id=OPERATION_ID.format("design_item_create"),
)
def design_item_create(
    request: HttpRequest, code: CodePath, design_id: DesignPath, kind: KindPath, payload: ItemBody
) -> Any:
    design = _editable_design(request, code, design_id)
    spec = KINDS[kind]
    data = _body(CREATE_SCHEMAS[kind], payload)
    try:
        obj = spec.create(
            actor=Actor.for_user(api_user(request)), design=design, data=spec.data(design, data)
        )
    except ValidationError as exc:
        return _invalid(spec, exc)
    obj.design = design
    return spec.out(obj)


@router.patch(
    f"{DESIGN}/items/{{kind}}/{{item_id}}",
    response={200: DesignItemOut, **responses(conflict=True)},
    summary="Cambia un elemento del diseño (solo los campos enviados)",
    description=(
        f"{EDIT_DESIGN} {BODIES} 404 si el elemento no es de ese tipo o de ese diseño. "
        "Un elemento de árbol no cambia de árbol, ni de tipo si tiene otros debajo (422). "
        "`version`: la que leíste (409 con lo guardado si alguien guardó después)."
    ),
    operation_id=OPERATION_ID.format("design_item_update"),
)
def design_item_update(
    request: HttpRequest,
    code: CodePath,
    design_id: DesignPath,
    kind: KindPath,
    item_id: ItemPath,
    payload: ItemPatchBody,
) -> Any:
    design = _editable_design(request, code, design_id)
    spec = KINDS[kind]
    obj = _item(spec, design, item_id)
    data = _body(PATCH_SCHEMAS[kind], payload)
    version = data.pop("version", None)
    try:
        spec.update(
            actor=Actor.for_user(api_user(request)),
            **{spec.obj_kwarg: obj},
            changes=spec.data(design, data),
            version=version,
        )
    except ValidationError as exc:
        return _invalid(spec, exc)
    return spec.out(obj)


@router.delete(
    f"{DESIGN}/items/{{kind}}/{{item_id}}",
    response={200: DeletedOut, **responses()},
    summary="Borra un elemento del diseño",
    description=(
        f"{EDIT_DESIGN} Un elemento de árbol del que cuelgan otros no se borra (422, "
        "diciendo cuántos). `reason` queda en la bitácora."
    ),
    operation_id=OPERATION_ID.format("design_item_delete"),
)
def design_item_delete(
    request: HttpRequest,
    code: CodePath,
    design_id: DesignPath,
    kind: KindPath,
    item_id: ItemPath,
    query: Query[ReasonQuery],
) -> Any:
    design = _editable_design(request, code, design_id)
    spec = KINDS[kind]
    obj = _item(spec, design, item_id)
    try:
        spec.delete(
            actor=Actor.for_user(api_user(request)), **{spec.obj_kwarg: obj}, reason=query.reason
        )
    except ValidationError as exc:
        return _invalid(spec, exc)
    return {"message": f"Se borró {spec.label} del diseño."}
