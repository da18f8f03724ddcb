"""What the design services share: field cleaners, snapshots and the audited save/delete.

Each item kind (stakeholder, tree node, alternative…) has a ``_clean`` function that
takes the full set of values (the stored ones overlaid with the changes), validates
every field and returns the cleaned values or raises one ``ValidationError`` with a
Spanish message per field. Creating, updating and deleting are then the same three
audited steps for every kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean, whole_number
from rumbo.core.versions import Versioned, version_bump, version_check

from ..models import ProgramDesign

TEXT_MAX_LENGTH = 5000
M = TypeVar("M", bound=models.Model)
Errors = dict[str, str]


def institution_id_of(design: ProgramDesign) -> int:
    return design.node.program.institution_id


def line(
    errors: Errors, values: Mapping[str, Any], name: str, *, max_length: int, required: str = ""
) -> str:
    """One line of text (whitespace collapsed); ``required`` is the message when empty."""
    text = clean(str(values.get(name) or ""))
    if required and not text:
        errors[name] = required
    elif len(text) > max_length:
        errors[name] = f"Admite hasta {max_length:,} caracteres."
    return text


def paragraph(errors: Errors, values: Mapping[str, Any], name: str, *, required: str = "") -> str:
    """Free text: line breaks kept, surrounding blanks stripped."""
    text = str(values.get(name) or "").replace("\r\n", "\n").strip()
    if required and not text:
        errors[name] = required
    elif len(text) > TEXT_MAX_LENGTH:
        errors[name] = f"Admite hasta {TEXT_MAX_LENGTH:,} caracteres."
    return text


def score(
    errors: Errors, values: Mapping[str, Any], name: str, *, label: str, required: bool = False
) -> int | None:
    """A 1–5 score given as an int or digits; empty is None unless ``required``."""
    raw = values.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors[name] = f"Indica {label} (1 a 5)."
        return None
    number = None if isinstance(raw, bool) else whole_number(raw)
    if number is None or not 1 <= number <= 5:
        errors[name] = f"{label[0].upper()}{label[1:]} va de 1 a 5."
        return None
    return number


def order(errors: Errors, values: Mapping[str, Any]) -> int | None:
    """The position among its siblings; None means «at the end»."""
    raw = values.get("order")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number = None if isinstance(raw, bool) else whole_number(raw)
    if number is None or number > 100_000:
        errors["order"] = "El orden es un número entero de 0 en adelante."
        return None
    return number


def choice(
    errors: Errors, values: Mapping[str, Any], name: str, allowed: Iterable[str], message: str
) -> str:
    value = str(values.get(name) or "")
    if value not in set(allowed):
        errors[name] = message
    return value


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def merged(
    obj: models.Model | None, fields: Iterable[str], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """The stored values of ``fields`` overlaid with ``changes`` (unknown keys refused)."""
    names = list(fields)
    unknown = sorted(set(changes) - set(names))
    if unknown:
        raise ValidationError({"__all__": f"Campos desconocidos: {', '.join(unknown)}."})
    values = {name: getattr(obj, name) for name in names} if obj is not None else {}
    values.update(changes)
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


# How a stale-version message names each kind (``rumbo.core.versions.stale_message``).
NOUNS = {
    "Stakeholder": "este involucrado",
    "TreeNode": "este elemento del árbol",
    "Alternative": "esta alternativa",
    "PopulationFigure": "esta cifra de población",
    "Risk": "este riesgo",
    "ScheduleAction": "esta acción del cronograma",
}


def lock_item(obj: M) -> M:
    """Lock the item's row and read it again, in place: the changes are then laid over what
    is stored now, not over what the caller read (its cached design is kept)."""
    design = getattr(obj, "design", None)
    obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
    if design is not None:
        obj.design = design  # type: ignore[attr-defined]  # every item has one
    return obj


def _labels(obj: models.Model, names: Iterable[str]) -> dict[str, str]:
    return {name: str(getattr(obj._meta.get_field(name), "verbose_name", name)) for name in names}


def next_order(queryset: models.QuerySet[Any]) -> int:
    last = queryset.aggregate(m=Max("order"))["m"]
    return (last or 0) + 1


def create_item(
    *,
    actor: Actor,
    design: ProgramDesign,
    model: type[M],
    values: dict[str, Any],
    action: str,
    fields: Iterable[str],
) -> M:
    if values.get("order") is None:
        values["order"] = next_order(model._default_manager.filter(design=design))
    obj = model._default_manager.create(design=design, **values)
    audit_record(
        actor=actor,
        institution_id=institution_id_of(design),
        action=action,
        obj=obj,
        after=snapshot(obj, fields),
    )
    return obj


def update_item(
    *,
    actor: Actor,
    design: ProgramDesign,
    obj: M,
    values: dict[str, Any],
    action: str,
    fields: Iterable[str],
    reason: str = "",
    version: int | None = None,
    sent: Mapping[str, Any] | None = None,
) -> bool:
    """Save the changed values; False (and no audit event) when nothing changed.

    ``obj`` was locked and read again by the caller (``lock_item``) before ``values`` were
    laid over it. ``version``: the one the user read (``StaleVersion`` if someone saved
    since; None: not checked); ``sent``: what the user sent, for the conflict's message.
    Only the changed fields are written, with one more version."""
    names = list(fields)
    if "order" in values and values["order"] is None:
        values["order"] = getattr(obj, "order")  # noqa: B009  (not every model has one)
    before = snapshot(obj, names)
    if isinstance(obj, Versioned):
        version_check(
            obj,
            version,
            noun=NOUNS.get(type(obj).__name__, "este elemento"),
            current_values=before,
            # what was sent, as cleaned (the stored types: a page sends «3» for 3)
            submitted_values={k: _plain(values.get(k, v)) for k, v in (sent or {}).items()},
            labels=_labels(obj, names),
        )
    for name, value in values.items():
        setattr(obj, name, value)
    after = snapshot(obj, names)
    changed = [k for k in names if before[k] != after[k]]
    if not changed:
        return False
    if isinstance(obj, Versioned):
        version_bump(obj, write=False)
        obj.save(update_fields=[*changed, "version"])
    else:
        obj.save(update_fields=changed)
    audit_record(
        actor=actor,
        institution_id=institution_id_of(design),
        action=action,
        obj=obj,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        reason=reason,
    )
    return True


def delete_item(
    *,
    actor: Actor,
    design: ProgramDesign,
    obj: models.Model,
    action: str,
    fields: Iterable[str],
    reason: str = "",
) -> None:
    before = snapshot(obj, fields)
    institution_id = institution_id_of(design)
    pk = obj.pk
    obj.delete()
    obj.pk = pk
    audit_record(
        actor=actor,
        institution_id=institution_id,
        action=action,
        obj=obj,
        before=before,
        reason=reason,
    )
