"""Create, update and delete the items of the plan's FODA (SWOT)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from rumbo.audit.services import Actor, audit_record
from rumbo.core.versions import version_bump, version_check

from ..models import StrategicPlan, SwotItem, SwotKind
from .common import TEXT_MAX_LENGTH, UNSET


def _swot_snapshot(item: SwotItem) -> dict[str, Any]:
    return {"kind": item.kind, "text": item.text}


def _validate_swot(kind: str, text: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if kind not in SwotKind.values:
        errors["kind"] = "Escoge fortaleza, oportunidad, debilidad o amenaza."
    text = (text or "").strip()
    if not text:
        errors["text"] = "El texto es obligatorio."
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = f"El texto admite hasta {TEXT_MAX_LENGTH:,} caracteres."
    if errors:
        raise ValidationError(errors)
    return kind, text


def _next_swot_order(plan: StrategicPlan, kind: str) -> int:
    last = SwotItem.objects.filter(plan=plan, kind=kind).aggregate(m=Max("order"))["m"]
    return (last or 0) + 1


@transaction.atomic
def swot_item_create(*, actor: Actor, plan: StrategicPlan, kind: str, text: str) -> SwotItem:
    kind, text = _validate_swot(kind, text)
    item = SwotItem.objects.create(
        plan=plan, kind=kind, text=text, order=_next_swot_order(plan, kind)
    )
    audit_record(
        actor=actor,
        institution_id=plan.institution_id,
        action="swot_item.create",
        obj=item,
        after=_swot_snapshot(item),
    )
    return item


@transaction.atomic
def swot_item_update(
    *,
    actor: Actor,
    item: SwotItem,
    kind: str = UNSET,
    text: str = UNSET,
    version: int | None = None,
) -> bool:
    """Change what is given (``UNSET``: kept) under the row lock; ``version``: the one the
    user read (``StaleVersion`` if someone saved since; None: not checked)."""
    plan = item.plan
    locked: Any = SwotItem.objects.select_for_update()
    item.refresh_from_db(from_queryset=locked)
    item.plan = plan
    before = _swot_snapshot(item)
    sent = {k: v for k, v in (("kind", kind), ("text", text)) if v is not UNSET}
    version_check(
        item,
        version,
        noun="este elemento FODA",
        current_values=before,
        submitted_values=sent,
        labels={"kind": "cuadrante", "text": "texto"},
    )
    new_kind, new_text = _validate_swot(
        item.kind if kind is UNSET else kind, item.text if text is UNSET else text
    )
    fields = ["kind", "text"]
    if new_kind != item.kind:
        item.order = _next_swot_order(item.plan, new_kind)
        fields.append("order")
    item.kind, item.text = new_kind, new_text
    after = _swot_snapshot(item)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return False
    version_bump(item, write=False)
    item.save(update_fields=[*fields, "version"])
    audit_record(
        actor=actor,
        institution_id=item.plan.institution_id,
        action="swot_item.update",
        obj=item,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return True


@transaction.atomic
def swot_item_delete(*, actor: Actor, item: SwotItem) -> None:
    before = _swot_snapshot(item)
    institution_id = item.plan.institution_id
    pk = item.pk
    item.delete()
    item.pk = pk
    audit_record(
        actor=actor,
        institution_id=institution_id,
        action="swot_item.delete",
        obj=item,
        before=before,
    )
