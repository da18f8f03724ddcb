"""Forms of the MIR pages: they only parse what was typed; the services validate and save.

Variables and targets of an indicator are repeated inputs (``var-N-name`` …, ``meta-P``)
parsed here into the shapes ``indicator_create`` / ``indicator_update`` take.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from rumbo.core.errors import form_add_errors
from rumbo.core.forms import version_field
from rumbo.core.periods import FREQUENCY_CHOICES, Frequency, Period, periods
from rumbo.core.text import whole_number
from rumbo.indicators.models import (
    DIRECTION_CHOICES,
    Accumulation,
    Dimension,
    FormulaType,
    Indicator,
    IndicatorKind,
    Level,
    MirRow,
)
from rumbo.institutions.models import Area
from rumbo.programs.forms.program import AgreementForm


class MirApprovalForm(AgreementForm):
    """The acuerdo that approves a MIR (``mir_approve`` checks its date)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].label = "Acuerdo de aprobación de la MIR"
        self.fields["agreement"].help_text = "Número del acuerdo, p. ej. IEEM/CG/12/2024."


class MirStateForm(forms.Form):
    reason = forms.CharField(
        label="Motivo u observaciones",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Queda en la bitácora; obligatorio para devolver la MIR a formulación.",
    )


EXTRA_VARIABLE_ROWS = 2
CREMAA_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]
# Default frequency per level for a new indicator, one the MIR checker expects of that
# level (``rumbo.indicators.checker.DEFAULT_EXPECTATIONS``).
DEFAULT_FREQUENCY = {
    Level.FIN: Frequency.ANNUAL,
    Level.PROPOSITO: Frequency.ANNUAL,
    Level.COMPONENTE: Frequency.QUARTERLY,
    Level.ACTIVIDAD: Frequency.MONTHLY,
}


def _row_label(obj: MirRow) -> str:
    return f"{obj.code} {obj.summary[:70]}".strip()


def _area_label(obj: Area) -> str:
    return f"{obj.name} ({obj.code})"


class MirRowForm(forms.Form):
    level = forms.ChoiceField(label="Nivel", choices=Level.choices)
    parent = forms.ModelChoiceField(
        label="Componente (solo para una actividad)",
        queryset=MirRow.objects.none(),
        required=False,
        empty_label="— ninguno —",
    )
    code = forms.CharField(
        label="Clave", required=False, max_length=20, help_text="p. ej. C1, A1.2"
    )
    summary = forms.CharField(
        label="Resumen narrativo", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    verification = forms.CharField(
        label="Medios de verificación", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    assumptions = forms.CharField(
        label="Supuestos", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    order = forms.IntegerField(label="Orden", required=False, min_value=0)
    version = version_field()  # the row's version as the page read it (edit only)

    def __init__(self, *args: Any, componentes: list[MirRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = MirRow.objects.filter(pk__in=[c.pk for c in componentes])
        field.label_from_instance = _row_label  # type: ignore[method-assign]  # per-form labels


class IndicatorForm(forms.Form):
    name = forms.CharField(label="Nombre del indicador", max_length=255, required=False)
    definition = forms.CharField(
        label="Definición", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    formula = forms.CharField(
        label="Método de cálculo",
        required=False,
        help_text="Expresión sobre los nombres de las variables, p. ej. «atendidas / "
        "solicitadas * 100». Operadores: + − * / ^ y paréntesis.",
    )
    formula_as_printed = forms.CharField(
        label="Fórmula como aparece en el documento", required=False
    )
    formula_type = forms.ChoiceField(label="Tipo de fórmula", choices=FormulaType.choices)
    unit = forms.CharField(label="Unidad de medida", max_length=60, required=False)
    kind = forms.ChoiceField(label="Tipo", choices=IndicatorKind.choices)
    dimension = forms.ChoiceField(
        label="Dimensión", choices=[("", "—"), *Dimension.choices], required=False
    )
    frequency = forms.ChoiceField(label="Frecuencia de medición", choices=FREQUENCY_CHOICES)
    direction = forms.ChoiceField(label="Sentido", choices=DIRECTION_CHOICES)
    accumulation = forms.ChoiceField(
        label="Comportamiento de la meta", choices=Accumulation.choices
    )
    baseline_value = forms.CharField(label="Línea base (valor)", required=False)
    baseline_year = forms.CharField(label="Año de la línea base", required=False)
    area = forms.ModelChoiceField(
        label="Área responsable", queryset=Area.objects.none(), empty_label=None
    )
    cremaa_clear = forms.ChoiceField(label="Claro", choices=CREMAA_CHOICES, required=False)
    cremaa_relevant = forms.ChoiceField(label="Relevante", choices=CREMAA_CHOICES, required=False)
    cremaa_economic = forms.ChoiceField(label="Económico", choices=CREMAA_CHOICES, required=False)
    cremaa_monitorable = forms.ChoiceField(
        label="Monitoreable", choices=CREMAA_CHOICES, required=False
    )
    cremaa_adequate = forms.ChoiceField(label="Adecuado", choices=CREMAA_CHOICES, required=False)
    cremaa_marginal = forms.ChoiceField(
        label="Aportación marginal", choices=CREMAA_CHOICES, required=False
    )
    version = version_field()  # the indicator's version as the page read it (edit only)

    SCALAR = (
        "name",
        "definition",
        "formula",
        "formula_as_printed",
        "formula_type",
        "unit",
        "kind",
        "dimension",
        "frequency",
        "direction",
        "accumulation",
        "baseline_value",
        "baseline_year",
        "area",
    )
    CREMAA = (
        "cremaa_clear",
        "cremaa_relevant",
        "cremaa_economic",
        "cremaa_monitorable",
        "cremaa_adequate",
        "cremaa_marginal",
    )

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by("name")
        field.label_from_instance = _area_label  # type: ignore[method-assign]  # per-form labels

    def data_for_service(self) -> dict[str, Any]:
        """Cleaned scalar fields with the names of ``Indicator``."""
        return {name: self.cleaned_data.get(name) for name in (*self.SCALAR, *self.CREMAA)}

    def apply_errors(self, exc: ValidationError) -> list[str]:
        """Put each service error on its field; returns those that belong to no field."""
        return form_add_errors(self, exc, keep_others=True)


def indicator_initial(indicator: Indicator) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(indicator, name) for name in IndicatorForm.SCALAR if name != "area"
    }
    initial["area"] = indicator.area_id
    initial["baseline_value"] = (
        format(indicator.baseline_value.normalize(), "f")
        if indicator.baseline_value is not None
        else ""
    )
    initial["baseline_year"] = indicator.baseline_year or ""
    initial["version"] = indicator.version
    for name in IndicatorForm.CREMAA:
        value = getattr(indicator, name)
        initial[name] = str(value) if value is not None else ""
    return initial


@dataclass
class VariableInput:
    index: int
    name: str = ""
    description: str = ""
    unit: str = ""
    source: str = ""


def variables_from_post(data: Mapping[str, Any]) -> list[VariableInput]:
    """Every ``var-N-*`` row as typed (blank rows included, to show them again)."""
    indexes = sorted(
        {
            int(key.split("-")[1])
            for key in data
            if key.startswith("var-")
            and key.count("-") == 2
            and whole_number(key.split("-")[1]) is not None
        }
    )
    return [
        VariableInput(
            index=i,
            name=str(data.get(f"var-{i}-name", "")).strip(),
            description=str(data.get(f"var-{i}-description", "")).strip(),
            unit=str(data.get(f"var-{i}-unit", "")).strip(),
            source=str(data.get(f"var-{i}-source", "")).strip(),
        )
        for i in indexes
    ]


def variables_for_service(rows: list[VariableInput]) -> list[dict[str, str]]:
    """The rows with anything typed (a row with only a description still reaches the
    service, which says that the name is missing)."""
    return [
        {"name": r.name, "description": r.description, "unit": r.unit, "source": r.source}
        for r in rows
        if r.name or r.description or r.unit or r.source
    ]


def variable_rows(existing: list[VariableInput]) -> list[VariableInput]:
    """The rows to show: those given plus blank ones to add more."""
    start = max((r.index for r in existing), default=0) + 1
    return [*existing, *(VariableInput(index=start + i) for i in range(EXTRA_VARIABLE_ROWS))]


@dataclass
class TargetInput:
    number: int  # 0 = annual
    label: str
    value: str


def targets_from_post(data: Mapping[str, Any]) -> dict[int, str]:
    out: dict[int, str] = {}
    for key, value in data.items():
        if key.startswith("meta-") and whole_number(key[5:]) is not None:
            text = str(value).strip()
            if text:
                out[int(key[5:])] = text
    return out


def target_rows(frequency: str, values: Mapping[int, str]) -> list[TargetInput]:
    """Inputs for the annual meta and each period of the frequency."""
    try:
        year: list[Period] = periods(frequency)
    except ValueError:
        year = periods(Frequency.ANNUAL)
    rows = [TargetInput(0, "Meta anual", values.get(0, ""))]
    if len(year) > 1:
        rows += [TargetInput(p.number, p.label, values.get(p.number, "")) for p in year]
    else:
        rows[0].label = "Meta anual (periodo único)"
        if not rows[0].value:
            rows[0].value = values.get(1, "")
    return rows


def targets_for_service(frequency: str, typed: Mapping[int, str]) -> dict[int, str]:
    """For a once-a-year frequency the one meta is stored as period 1 (what measurements of
    period 1 are graded against)."""
    try:
        per_year = Frequency(frequency).periods_per_year
    except ValueError:
        return dict(typed)
    if per_year == 1 and 0 in typed and 1 not in typed:
        return {1: typed[0]}
    return dict(typed)


class MeasurementForm(forms.Form):
    comment = forms.CharField(
        label="Comentario", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    justification = forms.CharField(
        label="Justificación (obligatoria fuera de verde)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def measurement_values(data: Mapping[str, Any], names: list[str]) -> dict[str, str]:
    """The typed value of each variable (``valor-<name>``), as text for the service."""
    return {name: str(data.get(f"valor-{name}", "")).strip() for name in names}
