"""Writes of indicators and their ficha técnica: fields, variables, targets per period.

``data`` carries Indicator field names (``area`` as an Area or its id) plus, optionally,
``variables`` (a list of ``{name, description, unit, source}`` that replaces them all)
and ``targets`` (``{period: value}``, period 0 being the annual meta, that replaces them
all). Every field is checked before anything is saved; the formula must parse and use
only declared variables. Once measurements exist, the frequency and the variable names
stay as they are (the stored values refer to them).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from rumbo.audit.services import Actor, audit_record
from rumbo.core.numbers import to_json_number
from rumbo.core.periods import Frequency
from rumbo.core.semaforo import Direction
from rumbo.core.text import whole_number
from rumbo.core.versions import version_bump, version_check
from rumbo.institutions.access import can_write_for_area
from rumbo.institutions.models import Area
from rumbo.programs.services import quantity_parse

from ..formula import FormulaError, parse
from ..lifecycle import require_mir_open
from ..models import (
    CREMAA_FIELDS,
    Accumulation,
    Dimension,
    FormulaType,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorVariable,
    MirRow,
)

MIN_BASELINE_YEAR = 1990
NAME_MAX_LENGTH = 255
UNIT_MAX_LENGTH = 60
VARIABLE_NAME_MAX_LENGTH = 40
TEXT_MAX_LENGTH = 5000

# Scalar fields a caller may give, and whether each is required.
FIELDS: dict[str, bool] = {
    "name": True,
    "definition": False,
    "formula": True,
    "formula_as_printed": False,
    "formula_type": True,
    "unit": True,
    "kind": True,
    "dimension": False,
    "frequency": True,
    "direction": True,
    "accumulation": True,
    "baseline_value": False,
    "baseline_year": False,
    "area": True,
    "order": False,
    **dict.fromkeys(CREMAA_FIELDS, False),
}
_CHOICES: dict[str, tuple[list[str], str]] = {
    "formula_type": (FormulaType.values, "Elige un tipo de fórmula de la lista."),
    "kind": (IndicatorKind.values, "Elige un tipo de indicador de la lista."),
    "dimension": (Dimension.values, "Elige una dimensión de la lista."),
    "frequency": ([f.value for f in Frequency], "Elige una frecuencia de la lista."),
    "direction": ([d.value for d in Direction], "El sentido es ascendente o descendente."),
    "accumulation": (Accumulation.values, "Elige periódico o acumulado."),
}
_DEFAULTS: dict[str, Any] = {
    "formula_type": FormulaType.PERCENT.value,
    "unit": "Porcentaje",
    "direction": Direction.ASCENDING.value,
    "accumulation": Accumulation.PERIODIC.value,
}


def indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    """Every field of an indicator, its variables and targets, JSON-safe (for the audit)."""
    snap: dict[str, Any] = {}
    for field in FIELDS:
        if field == "area":
            snap["area"] = indicator.area.code if indicator.area_id else None
        elif field == "baseline_value":
            snap[field] = to_json_number(indicator.baseline_value)
        else:
            snap[field] = getattr(indicator, field)
    snap["variables"] = [
        {"name": v.name, "description": v.description, "unit": v.unit, "source": v.source}
        for v in indicator.variables.all()
    ]
    snap["targets"] = {str(t.period): to_json_number(t.value) for t in indicator.targets.all()}
    return snap


def _int_or_none(value: object) -> int | str | None:
    """An int, None for empty, or the marker "bad"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "bad"
    if isinstance(value, int):
        return value
    number = whole_number(value)
    return "bad" if number is None else number


def _clean_fields(
    values: Mapping[str, Any], *, institution_id: int, program_year: int
) -> tuple[dict[str, Any], dict[str, str]]:
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, value in values.items():
        required = FIELDS[field]
        if field == "area":
            area = value
            if isinstance(value, int | str) and not isinstance(value, bool):
                area = Area.objects.filter(pk=_int_or_none(value) or 0).first()
            if not isinstance(area, Area):
                errors[field] = "Elige el área responsable."
            elif area.institution_id != institution_id:
                errors[field] = "El área debe ser de la misma institución."
            else:
                clean[field] = area
        elif field in _CHOICES:
            text = str(value or "").strip()
            allowed, message = _CHOICES[field]
            if not text and not required:
                clean[field] = ""
            elif text not in allowed:
                errors[field] = message
            else:
                clean[field] = text
        elif field == "baseline_value":
            try:
                clean[field] = quantity_parse(value, field=field)
            except ValidationError as exc:
                errors[field] = exc.message_dict[field][0]
        elif field == "baseline_year":
            year = _int_or_none(value)
            if year == "bad" or (
                isinstance(year, int) and not MIN_BASELINE_YEAR <= year <= program_year
            ):
                errors[field] = (
                    f"El año de la línea base va de {MIN_BASELINE_YEAR} a {program_year} "
                    "(el año del programa)."
                )
            else:
                clean[field] = year
        elif field in CREMAA_FIELDS:
            score = _int_or_none(value)
            if score == "bad" or (isinstance(score, int) and not 1 <= score <= 5):
                errors[field] = "La calificación CREMAA va de 1 a 5."
            else:
                clean[field] = score
        elif field == "order":
            order = _int_or_none(value)
            if order == "bad" or (isinstance(order, int) and order > 9999):
                errors[field] = "El orden debe ser un número entero entre 0 y 9999."
            else:
                clean[field] = order
        else:
            text = str(value or "").strip()
            limit = {"name": NAME_MAX_LENGTH, "unit": UNIT_MAX_LENGTH}.get(field, TEXT_MAX_LENGTH)
            if required and not text:
                errors[field] = "Este dato es obligatorio."
            elif len(text) > limit:
                errors[field] = f"Se admiten hasta {limit:,} caracteres."
            else:
                clean[field] = text
    return clean, errors


def _clean_variables(raw: object) -> tuple[list[dict[str, str]], str | None]:
    if not isinstance(raw, list | tuple):
        return [], "Las variables deben ser una lista."
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            return [], f"La variable {i} no es válida."
        name = str(item.get("name") or "").strip()
        if not name:
            return [], f"La variable {i} no tiene nombre."
        if not name.isidentifier() or len(name) > VARIABLE_NAME_MAX_LENGTH:
            return [], (
                f"«{name}» no es un nombre de variable válido: usa letras, dígitos y guion "
                f"bajo, sin espacios ni empezar con dígito (hasta {VARIABLE_NAME_MAX_LENGTH})."
            )
        if name in seen:
            return [], f"La variable «{name}» aparece dos veces."
        seen.add(name)
        description = str(item.get("description") or "").strip()
        if not description:
            return [], f"Describe la variable «{name}»."
        unit = str(item.get("unit") or "").strip()
        if len(unit) > UNIT_MAX_LENGTH:
            return [], f"La unidad de «{name}» admite hasta {UNIT_MAX_LENGTH} caracteres."
        out.append(
            {
                "name": name,
                "description": description,
                "unit": unit,
                "source": str(item.get("source") or "").strip(),
            }
        )
    return out, None


def _clean_targets(raw: object, frequency: str) -> tuple[dict[int, Decimal], dict[str, str]]:
    if not isinstance(raw, Mapping):
        return {}, {"targets": "Las metas deben ser un diccionario periodo → valor."}
    per_year = Frequency(frequency).periods_per_year
    out: dict[int, Decimal] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        number = _int_or_none(key)
        if not isinstance(number, int) or not 0 <= number <= per_year:
            errors["targets"] = (
                f"El periodo «{key}» no existe para la frecuencia {frequency}: "
                f"usa 0 (meta anual) o de 1 a {per_year}."
            )
            continue
        try:
            parsed = quantity_parse(value, field=f"targets.{number}")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            continue
        if parsed is not None:
            out[number] = parsed
    return out, errors


def _validate(
    *, row: MirRow, values: dict[str, Any], indicator: Indicator | None
) -> tuple[dict[str, Any], list[dict[str, str]] | None, dict[int, Decimal] | None]:
    """Check the whole final state; returns (fields, variables or None, targets or None)."""
    program = row.mir.design.node.program
    scalar = {k: v for k, v in values.items() if k not in ("variables", "targets")}
    unknown = set(scalar) - set(FIELDS)
    if unknown:
        raise ValidationError({"__all__": f"Campos desconocidos: {', '.join(sorted(unknown))}."})
    clean, errors = _clean_fields(
        scalar, institution_id=program.institution_id, program_year=program.year
    )

    def final(field: str) -> Any:
        if field in clean:
            return clean[field]
        if field in scalar:  # given but invalid
            return None
        return getattr(indicator, field) if indicator is not None else _DEFAULTS.get(field)

    if indicator is None:
        for field, required in FIELDS.items():
            if required and field not in scalar and field not in _DEFAULTS:
                errors.setdefault(field, "Este dato es obligatorio.")
    variables: list[dict[str, str]] | None = None
    if "variables" in values:
        variables, message = _clean_variables(values["variables"])
        if message:
            errors["variables"] = message
    names = (
        [v["name"] for v in variables]
        if variables is not None
        else list(indicator.variables.values_list("name", flat=True))
        if indicator is not None
        else []
    )
    formula_text = final("formula")
    if formula_text and "variables" not in errors:
        try:
            parsed = parse(formula_text)
            parsed.check_names(names)
        except FormulaError as exc:
            errors["formula"] = exc.message
    frequency = final("frequency")
    targets: dict[int, Decimal] | None = None
    if indicator is not None and indicator.measurements.exists():
        if frequency and frequency != indicator.frequency:
            errors["frequency"] = (
                "Ya hay mediciones capturadas con la frecuencia "
                f"{indicator.frequency}; no se puede cambiar."
            )
        old = set(indicator.variables.values_list("name", flat=True))
        if variables is not None and {v["name"] for v in variables} != old:
            errors["variables"] = (
                "Ya hay mediciones capturadas con las variables "
                f"{', '.join(sorted(old))}; no se pueden renombrar, agregar ni quitar."
            )
    if "targets" in values and frequency:
        targets, target_errors = _clean_targets(values["targets"], frequency)
        errors.update(target_errors)
    elif frequency and indicator is not None and "frequency" in clean:
        per_year = Frequency(frequency).periods_per_year
        stale = indicator.targets.filter(period__gt=per_year).values_list("period", flat=True)
        if stale:
            errors["targets"] = (
                f"Las metas de los periodos {', '.join(map(str, stale))} no existen en la "
                f"frecuencia {frequency}; corrige las metas."
            )
    if errors:
        raise ValidationError(errors)
    return clean, variables, targets


def _replace_children(
    indicator: Indicator,
    variables: list[dict[str, str]] | None,
    targets: dict[int, Decimal] | None,
) -> None:
    if variables is not None:
        indicator.variables.all().delete()
        IndicatorVariable.objects.bulk_create(
            IndicatorVariable(indicator=indicator, order=i, **v)
            for i, v in enumerate(variables, start=1)
        )
    if targets is not None:
        indicator.targets.all().delete()
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, period=p, value=v)
            for p, v in sorted(targets.items())
        )


def _reload(indicator_id: int) -> Indicator:
    return (
        Indicator.objects.select_related("area", "row__mir__design__node__program__institution")
        .prefetch_related("variables", "targets")
        .get(pk=indicator_id)
    )


def _sent(
    clean: dict[str, Any],
    variables: list[dict[str, str]] | None,
    targets: dict[int, Decimal] | None,
) -> dict[str, Any]:
    """What an update sends, as ``indicator_snapshot`` shows it (for a 409)."""
    sent: dict[str, Any] = {}
    for field, value in clean.items():
        if isinstance(value, Area):
            sent[field] = value.code
        elif isinstance(value, Decimal):
            sent[field] = to_json_number(value)
        else:
            sent[field] = value
    if variables is not None:
        sent["variables"] = variables
    if targets is not None:
        sent["targets"] = {str(p): to_json_number(v) for p, v in sorted(targets.items())}
    return sent


def _check_area(actor: Actor, institution_id: int, area: Area | None, current: int | None) -> None:
    """«Planeación any; an Enlace its own area only» for the area an indicator is assigned
    to (its measurements block that area's month): ``PermissionDenied`` otherwise. Keeping
    the area it has is no change; an operator at the command line may."""
    if actor.user is None or area is None or area.pk == current:
        return
    if not can_write_for_area(actor.user, institution_id, area.pk):
        raise PermissionDenied(
            f"Solo puedes asignar indicadores a tu propia área, no a {area.name} "
            f"({area.code}): sus mediciones las captura esa área. Planeación asigna cualquiera."
        )


@transaction.atomic
def indicator_create(*, actor: Actor, row: MirRow, data: dict[str, Any]) -> Indicator:
    """Add an indicator to a MIR row with its ficha, variables and targets. An Enlace
    assigns it to its own area only (``PermissionDenied``); Planeación to any."""
    row = MirRow.objects.select_related("mir__design__node__program__institution").get(pk=row.pk)
    require_mir_open(row.mir, "sus indicadores")
    clean, variables, targets = _validate(row=row, values=data, indicator=None)
    _check_area(actor, row.mir.design.node.program.institution_id, clean.get("area"), None)
    fields = {**{k: v for k, v in _DEFAULTS.items() if k not in clean}, **clean}
    if fields.get("order") is None:
        last = Indicator.objects.filter(row=row).aggregate(m=Max("order"))["m"]
        fields["order"] = (last or 0) + 1
    indicator = Indicator.objects.create(row=row, **fields)
    _replace_children(indicator, variables, targets)
    indicator = _reload(indicator.pk)
    audit_record(
        actor=actor,
        institution_id=row.mir.design.node.program.institution_id,
        action="indicator.create",
        obj=indicator,
        after=indicator_snapshot(indicator),
    )
    return indicator


INDICATOR_LABELS = {
    "name": "nombre",
    "formula": "fórmula",
    "kind": "tipo",
    "frequency": "frecuencia",
    "unit": "unidad",
    "area": "área",
    "variables": "variables",
    "targets": "metas",
}


@transaction.atomic
def indicator_update(
    *,
    actor: Actor,
    indicator: Indicator,
    data: dict[str, Any],
    adjustment: int | None = None,
    version: int | None = None,
) -> Indicator:
    """Change the given fields (and replace variables / targets when given). Once the
    MIR is approved, the targets change only when ``adjustment`` names the approved
    adjustment request that applies them (``MirFrozen`` otherwise). ``version``: the one
    the user read (``StaleVersion`` if someone saved since; None: not checked —
    ``rumbo.core.versions``)."""
    Indicator.objects.select_for_update().filter(pk=indicator.pk).values_list("pk").first()
    indicator = _reload(indicator.pk)
    clean, variables, targets = _validate(row=indicator.row, values=data, indicator=indicator)
    version_check(
        indicator,
        version,
        noun="este indicador",
        current_values=indicator_snapshot(indicator),
        submitted_values=_sent(clean, variables, targets),
        labels=INDICATOR_LABELS,
    )
    if "area" in clean:
        institution_id = indicator.row.mir.design.node.program.institution_id
        _check_area(actor, institution_id, clean["area"], indicator.area_id)
    current = {t.period: t.value for t in indicator.targets.all()}
    if adjustment is None and targets is not None and targets != current:
        require_mir_open(indicator.row.mir, "las metas de sus indicadores")
    before = indicator_snapshot(indicator)
    for field, value in clean.items():
        if field == "order" and value is None:
            continue
        setattr(indicator, field, value)
    indicator.save()
    _replace_children(indicator, variables, targets)
    indicator = _reload(indicator.pk)
    after = indicator_snapshot(indicator)
    changed = [k for k in after if before.get(k) != after.get(k)]
    if changed:
        version_bump(indicator)
        audit_record(
            actor=actor,
            institution_id=indicator.row.mir.design.node.program.institution_id,
            action="indicator.update",
            obj=indicator,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )
    return indicator


@transaction.atomic
def indicator_delete(*, actor: Actor, indicator: Indicator, reason: str = "") -> None:
    """Delete an indicator without measurements (refused, with the count, otherwise)."""
    indicator = _reload(indicator.pk)
    require_mir_open(indicator.row.mir, "sus indicadores")
    count = indicator.measurements.count()
    if count:
        raise ValidationError(
            {
                "__all__": f"El indicador tiene {count} medición(es) capturada(s); "
                "no se puede borrar."
            }
        )
    before = indicator_snapshot(indicator)
    institution_id = indicator.row.mir.design.node.program.institution_id
    pk = indicator.pk
    indicator.delete()
    indicator.pk = pk
    audit_record(
        actor=actor,
        institution_id=institution_id,
        action="indicator.delete",
        obj=indicator,
        before=before,
        reason=(reason or "").strip(),
    )
