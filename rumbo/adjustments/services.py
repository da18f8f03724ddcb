"""Request, approve and reject adjustments to an approved program.

``adjustment_request`` records what would change (the values before, read now, and
after) with its justification; ``adjustment_approve`` checks that nothing moved since,
applies the change through the programs' and indicators' own services — the only calls
that pass ``adjustment=`` and so may touch frozen targets — and freezes the program's next
version, all in one transaction; ``adjustment_reject`` keeps the reason. Every step is in
the audit trail, on the request and on the activity it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rumbo.audit.services import Actor, Change, audit_record_many
from rumbo.core.errors import Conflict
from rumbo.core.periods import MONTH_NAMES
from rumbo.core.text import clean
from rumbo.indicators.lifecycle import mir_state_text
from rumbo.indicators.models import Indicator
from rumbo.indicators.services.indicators import indicator_update
from rumbo.institutions.access import (
    AnyUser,
    can_write_for_area,
    require_capture_indicator,
    user_roles,
)
from rumbo.monitoring.changes import figures_changed
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.programs.access import access_activity
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    ProgramNode,
    ProgramState,
    activity_area_id,
    node_area_id,
)
from rumbo.programs.services import (
    activity_create,
    activity_delete,
    activity_update,
    months_parse,
    quantity_parse,
    unit_get_or_create,
)
from rumbo.programs.versions import decimal_text, version_freeze

from .budget import BudgetRow, budget_apply, budget_area, budget_propose, require_open
from .models import (
    BUDGET_KINDS,
    AdjustmentKind,
    AdjustmentRequest,
    AdjustmentState,
    DeciderRole,
)
from .notices import adjustment_decided_notify, adjustment_requested_notify
from .selectors import decider_roles

UNSET: Any = object()
ACTIVITY_KINDS = {
    AdjustmentKind.CALENDARIO,
    AdjustmentKind.META_ANUAL,
    AdjustmentKind.BAJA,
    AdjustmentKind.DESCRIPCION,
}


@dataclass
class Proposal:
    """What a request asks for; only what is given is changed."""

    kind: str
    activity: Activity | None = None
    indicator: Indicator | None = None
    annual_target: object = UNSET
    monthly_targets: Sequence[object] | None = None
    description: str | None = None
    unit: str | None = None
    targets: dict[str, object] | None = None
    # alta
    key: str = ""
    node: ProgramNode | None = None
    area_code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # ampliación, reducción, traspaso: the rows a person wrote (budget.py)
    movements: Sequence[BudgetRow] | None = None


def _texts(values: Sequence[Decimal | None]) -> list[str | None]:
    return [decimal_text(v) for v in values]


def _activity_values(activity: Activity) -> dict[str, Any]:
    months: list[Decimal | None] = [None] * 12
    for mt in activity.monthly_targets.all():
        months[mt.month - 1] = mt.quantity
    return {
        "key": activity.key,
        "description": activity.description,
        "unit": activity.unit.name if activity.unit else None,
        "annual_target": decimal_text(activity.annual_target),
        "monthly_targets": _texts(months),
    }


def _indicator_values(indicator: Indicator) -> dict[str, Any]:
    return {"targets": {str(t.period): decimal_text(t.value) for t in indicator.targets.all()}}


def _fresh_activity(activity: Activity) -> Activity:
    return (
        Activity.objects.select_related("program__institution", "node", "area", "unit")
        .prefetch_related("monthly_targets")
        .get(pk=activity.pk)
    )


def _fresh_indicator(indicator: Indicator) -> Indicator:
    return (
        Indicator.objects.select_related("row__mir__design__node__program__institution", "area")
        .prefetch_related("targets")
        .get(pk=indicator.pk)
    )


# --- what a request proposes -------------------------------------------------------------


def _target_change(activity: Activity, p: Proposal) -> tuple[dict, dict]:
    before = _activity_values(activity)
    after: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if p.kind == AdjustmentKind.CALENDARIO and p.monthly_targets is None:
        errors["monthly_targets"] = "Una reprogramación del calendario lleva los 12 meses."
    if p.kind == AdjustmentKind.META_ANUAL and p.annual_target is UNSET:
        errors["annual_target"] = "Un ajuste de meta anual lleva la nueva meta anual."
    if errors:
        raise ValidationError(errors)
    if p.annual_target is not UNSET:
        after["annual_target"] = decimal_text(
            quantity_parse(p.annual_target, field="annual_target")
        )
    if p.monthly_targets is not None:
        after["monthly_targets"] = _texts(
            months_parse(list(p.monthly_targets), field="monthly_targets")
        )
    return before, _only_changes(before, after)


def _only_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The proposed values that differ from the ones in force (what the request changes)."""
    return {k: v for k, v in after.items() if before.get(k) != v}


def _description_change(activity: Activity, p: Proposal) -> tuple[dict, dict]:
    before = _activity_values(activity)
    after: dict[str, Any] = {}
    if p.description is not None:
        if not clean(p.description):
            raise ValidationError({"description": "La descripción no puede quedar vacía."})
        after["description"] = clean(p.description)
    if p.unit is not None:
        if not clean(p.unit):
            raise ValidationError({"unit": "La unidad de medida no puede quedar vacía."})
        after["unit"] = clean(p.unit)
    if not after:
        raise ValidationError(
            {
                "description": (
                    "Un cambio de unidad o descripción lleva la nueva descripción o unidad."
                )
            }
        )
    return before, _only_changes(before, after)


def _alta_change(program: AnnualProgram, p: Proposal) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    if not clean(p.key):
        errors["key"] = "Escribe la clave de la nueva actividad."
    elif Activity.objects.filter(program=program, key=clean(p.key)).exists():
        errors["key"] = f"Ya existe una actividad {clean(p.key)} en el programa {program.year}."
    if p.node is None:
        errors["node"] = "Elige el nivel del programa del que cuelga la actividad."
    elif p.node.program_id != program.pk:
        errors["node"] = "El nivel no pertenece a este programa."
    if not clean(p.description or ""):
        errors["description"] = "Escribe la descripción de la actividad."
    if errors:
        raise ValidationError(errors)
    months = (
        months_parse(list(p.monthly_targets), field="monthly_targets")
        if p.monthly_targets is not None
        else [None] * 12
    )
    target = (
        None if p.annual_target is UNSET else quantity_parse(p.annual_target, field="annual_target")
    )
    assert p.node is not None  # noqa: S101 - checked above
    after = {
        "key": clean(p.key),
        "node": p.node.key,
        "description": clean(p.description or ""),
        "unit": clean(p.unit or "") or None,
        "area": clean(p.area_code) or None,
        "annual_target": decimal_text(target),
        "monthly_targets": _texts(months),
    }
    return {}, after


def _indicator_change(indicator: Indicator, p: Proposal) -> tuple[dict, dict]:
    if not p.targets:
        raise ValidationError(
            {"targets": "Un ajuste de meta de indicador lleva las metas nuevas (periodo → valor)."}
        )
    before = _indicator_values(indicator)
    targets: dict[str, str | None] = dict(before["targets"])
    for period, value in p.targets.items():
        targets[str(period)] = decimal_text(quantity_parse(value, field=f"targets.{period}"))
    return before, {"targets": {k: v for k, v in targets.items() if v is not None}}


def _changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return any(before.get(k) != v for k, v in after.items())


# --- the month rule ----------------------------------------------------------------------


def _approved_months_touched(activity: Activity, before: dict, after: dict) -> list[int]:
    """The months whose target would change and whose capture (of the activity's area)
    is approved: an adjustment must not re-target them unless the month is reopened."""
    new = after.get("monthly_targets")
    if new is None:
        return []
    old = before.get("monthly_targets") or [None] * 12
    touched = [m for m in range(1, 13) if old[m - 1] != new[m - 1]]
    area_id = activity_area_id(activity)
    if not touched or area_id is None:
        return []
    return sorted(
        PeriodReport.objects.filter(
            program_id=activity.program_id,
            area_id=area_id,
            month__in=touched,
            state=PeriodState.APPROVED,
        ).values_list("month", flat=True)
    )


def _refuse_approved_months(activity: Activity, before: dict, after: dict) -> None:
    months = _approved_months_touched(activity, before, after)
    if months:
        names = ", ".join(MONTH_NAMES[m - 1] for m in months)
        raise ValidationError(
            {
                "monthly_targets": (
                    f"La captura de {names} del área de la actividad {activity.key} está "
                    "aprobada: su meta no se reprograma. Si hace falta, Planeación reabre "
                    "primero ese mes (queda en la bitácora) y luego se solicita la adecuación."
                )
            }
        )


# --- request -----------------------------------------------------------------------------


def _authorize_request(user: AnyUser, program: AnnualProgram, p: Proposal) -> str:
    """Check the requester may ask for this; return the area code it concerns."""
    if p.kind == AdjustmentKind.META_INDICADOR:
        assert p.indicator is not None  # noqa: S101 - the caller resolved it
        require_capture_indicator(
            user, institution_id=program.institution_id, area_id=p.indicator.area_id
        )
        return p.indicator.area.code if p.indicator.area else ""
    if p.kind == AdjustmentKind.ALTA:
        area_id = None
        if p.area_code:
            area = program.institution.areas.filter(code=p.area_code).first()
            if area is None:
                raise ValidationError({"area": f"No existe el área «{p.area_code}»."})
            area_id = area.pk
        elif p.node is not None:
            area_id = node_area_id(p.node)
        if not can_write_for_area(user, program.institution_id, area_id):
            raise PermissionDenied(
                "Solo Planeación, o el enlace del área de la nueva actividad, puede pedir su alta."
            )
        return p.area_code
    assert p.activity is not None  # noqa: S101 - the caller resolved it
    access_activity(user, p.activity, for_write=True)
    return p.activity.area.code if p.activity.area else ""


@transaction.atomic
def adjustment_request(
    *,
    actor: Actor,
    program: AnnualProgram,
    proposal: Proposal,
    justification: str,
    document: UploadedFile | None = None,
) -> AdjustmentRequest:
    """Record a request to change an approved program. ``ValidationError`` for what is
    missing or wrong, ``PermissionDenied`` for who may not, ``Conflict`` if the program
    is not approved (edit it directly) or closed."""
    program = (
        AnnualProgram.objects.select_for_update().select_related("institution").get(pk=program.pk)
    )
    if proposal.kind in BUDGET_KINDS:
        p, area_code, before, after = _budget_request(actor, program, proposal, justification)
    else:
        p, area_code, before, after = _program_request(actor, program, proposal, justification)

    number = (
        AdjustmentRequest.objects.filter(program=program).aggregate(m=Max("number"))["m"] or 0
    ) + 1
    adjustment = AdjustmentRequest(
        program=program,
        number=number,
        kind=p.kind,
        activity=p.activity,
        activity_key=p.activity.key if p.activity else after.get("key", ""),
        indicator=p.indicator,
        indicator_name=p.indicator.name if p.indicator else "",
        area_code=area_code or (after.get("area") or ""),
        before=before,
        after=after,
        justification=clean(justification),
        requested_by_id=actor.user.pk if actor.user else None,
        requested_label=actor.label,
    )
    if document is not None:
        adjustment.document.save(document.name or "soporte.pdf", document, save=False)
    adjustment.save()
    _audit(
        actor,
        adjustment,
        "adjustment.request",
        before=before,
        after=after,
        reason=adjustment.justification,
    )
    adjustment_requested_notify(
        actor=actor, adjustment=adjustment, decider_role=decider_role(program)
    )
    return adjustment


def _program_request(
    actor: Actor, program: AnnualProgram, proposal: Proposal, justification: str
) -> tuple[Proposal, str, dict, dict]:
    """A change of the approved program's targets: (proposal, area, before, after)."""
    if program.state != ProgramState.APROBADO:
        raise Conflict(
            f"El programa {program.year} está «{program.get_state_display()}»: "
            + (
                "sus metas se editan directamente hasta que se apruebe."
                if not program.targets_frozen
                else "ya no admite adecuaciones."
            )
        )
    p = _resolve_subject(program, proposal)
    if p.indicator is not None:
        _require_mir_approved(p.indicator)
    area_code = _authorize_request(actor.user, program, p) if actor.user is not None else ""
    _require_justification(justification)
    before, after = _propose(program, p)
    _check_proposal(p, before, after)
    return p, area_code, before, after


def _budget_request(
    actor: Actor, program: AnnualProgram, proposal: Proposal, justification: str
) -> tuple[Proposal, str, dict, dict]:
    """An adecuación presupuestaria (budget.py), in any state of the program but closed."""
    require_open(program)
    rows = list(proposal.movements or [])
    area_code = budget_area(actor.user, program, rows)
    errors: dict[str, list[str]] = {}
    if not clean(justification):
        errors["justification"] = ["Escribe la justificación de la adecuación."]
    try:
        before, after = budget_propose(program, proposal.kind, rows)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:  # every reason at once: the rows' and the justification's
        raise ValidationError(errors)
    return Proposal(kind=proposal.kind), area_code, before, after


def _require_justification(justification: str) -> None:
    if not clean(justification):
        raise ValidationError({"justification": "Escribe la justificación de la adecuación."})


def _resolve_subject(program: AnnualProgram, p: Proposal) -> Proposal:
    """Check the kind and reload the activity or indicator it names (it must be this
    program's)."""
    if p.kind not in AdjustmentKind.values:
        raise ValidationError(
            {"kind": f"Tipo desconocido «{p.kind}»: usa {', '.join(AdjustmentKind.values)}."}
        )
    if p.kind == AdjustmentKind.META_INDICADOR:
        if p.indicator is None:
            raise ValidationError({"indicator": "Indica el indicador que se ajusta."})
        p.indicator = _fresh_indicator(p.indicator)
        if p.indicator.row.mir.design.node.program_id != program.pk:
            raise ValidationError({"indicator": "El indicador no es de una MIR de este programa."})
    elif p.kind != AdjustmentKind.ALTA:
        if p.activity is None:
            raise ValidationError({"activity": "Indica la actividad que se ajusta."})
        p.activity = _fresh_activity(p.activity)
        if p.activity.program_id != program.pk:
            raise ValidationError({"activity": "La actividad no es de este programa."})
    return p


def _require_mir_approved(indicator: Indicator) -> None:
    """A meta adjustment is for an approved MIR: one still in formulación or revisión is
    edited directly, a closed one no longer changes (``Conflict``)."""
    mir = indicator.row.mir
    if mir.state == ProgramState.APROBADO:
        return
    if mir.state == ProgramState.CERRADO:
        raise Conflict(f"La MIR «{mir.design.title}» está cerrada: ya no admite adecuaciones.")
    raise Conflict(
        f"La MIR «{mir.design.title}» está {mir_state_text(mir)}: edita la meta "
        f"del indicador «{indicator.name}» directamente; la solicitud de adecuación es para "
        "las metas de una MIR aprobada."
    )


def _check_proposal(p: Proposal, before: dict, after: dict) -> None:
    """A request must change something, must not re-target months whose capture is
    approved, and a baja must not erase captured progress."""
    if p.kind == AdjustmentKind.BAJA:
        _refuse_baja_with_progress(p.activity)
        return
    if p.kind != AdjustmentKind.ALTA and not _changed(before, after):
        field = "targets" if p.indicator is not None else "__all__"
        raise ValidationError({field: "La solicitud no cambia nada: los valores son los vigentes."})
    if p.activity is not None:
        _refuse_approved_months(p.activity, before, after)


def _propose(program: AnnualProgram, p: Proposal) -> tuple[dict, dict]:
    if p.kind == AdjustmentKind.ALTA:
        return _alta_change(program, p)
    if p.kind == AdjustmentKind.META_INDICADOR:
        assert p.indicator is not None  # noqa: S101 - resolved by the caller
        return _indicator_change(p.indicator, p)
    assert p.activity is not None  # noqa: S101 - resolved by the caller
    if p.kind == AdjustmentKind.DESCRIPCION:
        return _description_change(p.activity, p)
    if p.kind == AdjustmentKind.BAJA:
        return _activity_values(p.activity), {}
    return _target_change(p.activity, p)


def _refuse_baja_with_progress(activity: Activity | None) -> None:
    assert activity is not None  # noqa: S101 - resolved by the caller
    months = activity.progress_entries.count()
    if months:
        raise ValidationError(
            {
                "activity": (
                    f"La actividad {activity.key} ya tiene avance capturado en {months} "
                    "mes(es): una baja borraría ese historial. Para cancelarla, solicita una "
                    "reprogramación del calendario con los meses restantes en 0."
                )
            }
        )


def _audit(
    actor: Actor,
    adjustment: AdjustmentRequest,
    action: str,
    *,
    before: dict | None,
    after: dict | None,
    reason: str,
) -> None:
    """One event on the request and, when it concerns an activity, one on the activity
    (so both the request and its decision are in the activity's history)."""
    summary = {
        "folio": adjustment.number,
        "tipo": adjustment.get_kind_display(),
        "estado": adjustment.get_state_display(),
    }
    changes = [
        Change(action=action, obj=adjustment, before=before, after={**summary, **(after or {})})
    ]
    subject = adjustment.activity or adjustment.indicator
    if subject is not None:
        changes.append(
            Change(action=action, obj=subject, before=before, after={**summary, **(after or {})})
        )
    audit_record_many(
        actor=actor,
        institution_id=adjustment.program.institution_id,
        changes=changes,
        reason=reason,
    )


# --- decide ------------------------------------------------------------------------------


def decider_role(program: AnnualProgram) -> str:
    return decider_roles([program.institution_id])[program.institution_id]


def can_decide(user: AbstractBaseUser | AnonymousUser, adjustment: AdjustmentRequest) -> bool:
    """The institution's deciding role, and not the requester."""
    if not user.is_authenticated or user.pk == adjustment.requested_by_id:
        return False
    if getattr(user, "is_superuser", False):
        return True
    role = decider_role(adjustment.program)
    return role in user_roles(user, adjustment.program.institution)


def _require_decide(actor: Actor, adjustment: AdjustmentRequest) -> None:
    if actor.user is None:
        return
    if actor.user.pk == adjustment.requested_by_id:
        raise PermissionDenied("Quien solicita una adecuación no puede decidirla.")
    if not can_decide(actor.user, adjustment):
        label = DeciderRole(decider_role(adjustment.program)).label
        raise PermissionDenied(f"Solo {label} decide las adecuaciones de esta institución.")


def _lock_pending(adjustment: AdjustmentRequest) -> AdjustmentRequest:
    locked = (
        AdjustmentRequest.objects.select_for_update(of=("self",))
        .select_related("program__institution", "activity", "indicator")
        .get(pk=adjustment.pk)
    )
    if locked.state != AdjustmentState.SOLICITADA:
        raise Conflict(
            f"La adecuación {locked.number} ya fue {locked.get_state_display().lower()}."
        )
    return locked


@transaction.atomic
def adjustment_reject(
    *, actor: Actor, adjustment: AdjustmentRequest, reason: str
) -> AdjustmentRequest:
    locked = _lock_pending(adjustment)
    _require_decide(actor, locked)
    if not clean(reason):
        raise ValidationError({"reason": "Escribe el motivo del rechazo."})
    locked.state = AdjustmentState.RECHAZADA
    locked.decided_by_id = actor.user.pk if actor.user else None
    locked.decided_label = actor.label
    locked.decided_at = timezone.now()
    locked.decision_reason = clean(reason)
    locked.save()
    _audit(
        actor, locked, "adjustment.reject", before=None, after=None, reason=locked.decision_reason
    )
    adjustment_decided_notify(actor=actor, adjustment=locked)
    return locked


@transaction.atomic
def adjustment_approve(
    *, actor: Actor, adjustment: AdjustmentRequest, reason: str = ""
) -> AdjustmentRequest:
    """Apply the request and freeze the program's next version, or refuse it whole."""
    locked = _lock_pending(adjustment)
    _require_decide(actor, locked)
    program = (
        AnnualProgram.objects.select_for_update()
        .select_related("institution")
        .get(pk=locked.program_id)
    )
    locked.decided_at = timezone.now()
    if locked.is_budget:
        budget_apply(actor, locked, program)
        _decided(actor, locked, reason)
        locked.save()
        _audit(
            actor,
            locked,
            "adjustment.approve",
            before=None,
            after={"movimientos": len(locked.after.get("movimientos", []))},
            reason=locked.decision_reason or locked.justification,
        )
        adjustment_decided_notify(actor=actor, adjustment=locked)
        return locked
    if program.state != ProgramState.APROBADO:
        raise Conflict(f"El programa {program.year} está «{program.get_state_display()}».")
    _apply(actor, locked, program)
    _decided(actor, locked, reason)
    locked.version = version_freeze(
        program=program,
        user=actor.user if actor.user else None,
        reason=(
            f"Adecuación {locked.number} ({locked.get_kind_display().lower()}) de "
            f"{locked.subject}: {locked.justification}"
        ),
        at=locked.decided_at,
        adjustment_id=locked.pk,
    )
    locked.save()
    figures_changed(program_ids=[program.pk])  # targets of approved months' figures
    _audit(
        actor,
        locked,
        "adjustment.approve",
        before=None,
        after={"versión": locked.version.number},
        reason=locked.decision_reason or locked.justification,
    )
    adjustment_decided_notify(actor=actor, adjustment=locked)
    return locked


def _decided(actor: Actor, adj: AdjustmentRequest, reason: str) -> None:
    adj.state = AdjustmentState.APROBADA
    adj.decided_by_id = actor.user.pk if actor.user else None
    adj.decided_label = actor.label
    adj.decision_reason = clean(reason)


def _stale(what: str, number: int) -> Conflict:
    return Conflict(
        f"{what} cambió después de la solicitud {number}: los valores «antes» ya no son los "
        "vigentes. Recházala y presenta una nueva con los valores actuales."
    )


def _apply(actor: Actor, adj: AdjustmentRequest, program: AnnualProgram) -> None:
    why = f"Adecuación {adj.number} aprobada: {adj.justification}"
    if adj.kind == AdjustmentKind.META_INDICADOR:
        _apply_indicator(actor, adj)
    elif adj.kind == AdjustmentKind.ALTA:
        _apply_alta(actor, adj, program, why)
    else:
        _apply_activity(actor, adj, program, why)


def _apply_indicator(actor: Actor, adj: AdjustmentRequest) -> None:
    if adj.indicator is None:
        raise Conflict(f"El indicador de la adecuación {adj.number} ya no existe.")
    indicator = _fresh_indicator(adj.indicator)
    _require_mir_approved(indicator)
    if _indicator_values(indicator) != adj.before:
        raise _stale(f"El indicador «{indicator.name}»", adj.number)
    indicator_update(
        actor=actor, indicator=indicator, data={"targets": adj.after["targets"]}, adjustment=adj.pk
    )


def _apply_activity(actor: Actor, adj: AdjustmentRequest, program: AnnualProgram, why: str) -> None:
    if adj.activity is None:
        raise Conflict(
            f"La actividad {adj.activity_key} de la adecuación {adj.number} ya no existe."
        )
    activity = _fresh_activity(adj.activity)
    if _activity_values(activity) != adj.before:
        raise _stale(f"La actividad {activity.key}", adj.number)
    if adj.kind == AdjustmentKind.BAJA:
        _refuse_baja_with_progress(activity)
        activity_delete(actor=actor, activity=activity, reason=why, adjustment=adj.pk)
        return
    _refuse_approved_months(activity, adj.before, adj.after)
    names = {
        "annual_target": "annual_target",
        "monthly_targets": "months",
        "description": "description",
    }
    changes: dict[str, Any] = {names[k]: v for k, v in adj.after.items() if k in names}
    if "unit" in adj.after:
        changes["unit"] = unit_get_or_create(
            actor=actor, institution=program.institution, name=adj.after["unit"]
        )
    activity_update(
        actor=actor,
        activity=activity,
        reason=why,
        action="activity.adjust",
        adjustment=adj.pk,
        **changes,
    )


def _apply_alta(actor: Actor, adj: AdjustmentRequest, program: AnnualProgram, why: str) -> None:
    after = adj.after
    node = ProgramNode.objects.filter(program=program, key=after["node"]).first()
    if node is None:
        raise Conflict(f"El nivel {after['node']} de la adecuación {adj.number} ya no existe.")
    area = (
        program.institution.areas.filter(code=after["area"]).first() if after.get("area") else None
    )
    unit = (
        unit_get_or_create(actor=actor, institution=program.institution, name=after["unit"])
        if after.get("unit")
        else None
    )
    activity = activity_create(
        actor=actor,
        program=program,
        node=node,
        key=after["key"],
        description=after["description"],
        unit=unit,
        area=area,
        annual_target=after["annual_target"],
        months=after["monthly_targets"],
        reason=why,
        adjustment=adj.pk,
    )
    adj.activity = activity
