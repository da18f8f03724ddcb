"""Forms of the activity pages: they parse input; the services validate quantities and save.

Quantities stay text here (es-MX «1,234.5») and are parsed by
``rumbo.programs.services.quantity_parse`` so the web, the API and the Excel upload
accept exactly the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from rumbo.core.errors import error_items
from rumbo.core.forms import set_choices, version_field
from rumbo.core.periods import MONTH_NAMES
from rumbo.institutions.models import Area
from rumbo.programs.calendarize import MAX_PLACES
from rumbo.programs.models import ProgramNode, UnitOfMeasure
from rumbo.strategy.models import LineOfAction

MODE_MANUAL = "manual"
MODE_EVEN = "even"
MODE_FRONT = "front"
MODES = [
    (MODE_MANUAL, "Manual"),
    (MODE_EVEN, "Repartir en partes iguales"),
    (MODE_FRONT, "Cargar al inicio (decreciente)"),
]
MONTH_CHOICES = [(str(i), name.capitalize()) for i, name in enumerate(MONTH_NAMES, start=1)]
REASON_HELP = "Queda en el historial de la actividad."


def month_field(number: int) -> str:
    return f"month_{number}"


def _quantity_input(label: str, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "num", **attrs}
        ),
    )


def _reason_field(label: str = "Motivo del cambio", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=1000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CalendarForm(forms.Form):
    """Annual target, twelve months (blank = unknown) and the calendarization helper."""

    annual_target = _quantity_input("Cantidad anual", **{"data-calendar-annual": ""})
    mode = forms.ChoiceField(
        label="Cómo llenar los meses",
        choices=MODES,
        initial=MODE_MANUAL,
        required=False,
        widget=forms.RadioSelect,
    )
    spread_months = forms.MultipleChoiceField(
        label="Meses a programar",
        choices=MONTH_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    allow_fractions = forms.BooleanField(label="Permitir fracciones", required=False)
    version = version_field()
    places = forms.TypedChoiceField(
        label="Decimales",
        choices=[(str(i), str(i)) for i in range(1, MAX_PLACES + 1)],
        coerce=int,
        initial="2",
        required=False,
        empty_value=None,
    )
    reason = _reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, name in enumerate(MONTH_NAMES, start=1):
            self.fields[month_field(number)] = _quantity_input(
                name.capitalize(), **{"data-calendar-month": str(number)}
            )

    @property
    def month_fields(self) -> list[forms.BoundField]:
        return [self[month_field(n)] for n in range(1, 13)]

    def raw(self, name: str) -> str:
        """An input as typed (bound) or as first shown (unbound)."""
        source = self.data if self.is_bound else self.initial
        return str(source.get(name) or "").strip()

    def month_values(self) -> list[str]:
        """The twelve month inputs as typed (the service parses them)."""
        return [self.raw(month_field(n)) for n in range(1, 13)]

    def spread_settings(self) -> tuple[str, list[int], int]:
        """(mode, chosen months, decimal places) from the helper controls."""
        data = self.cleaned_data
        months = [int(m) for m in data.get("spread_months") or []]
        places = (data.get("places") or 2) if data.get("allow_fractions") else 0
        return data.get("mode") or MODE_MANUAL, months, int(places)

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors next to their inputs: ``months.3`` → «Marzo: …»."""
        for key, message in error_items(error):
            if key.startswith("months."):
                number = int(key.split(".", 1)[1])
                name = MONTH_NAMES[number - 1].capitalize()
                self.add_error(month_field(number), f"{name}: {message}")
            else:
                self.add_error(key if key in self.fields else None, message)


class ActivityForm(forms.Form):
    """Description, unit, responsible area (Planeación only) and alignment."""

    description = forms.CharField(
        label="Descripción", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ModelChoiceField(
        label="Unidad de medida",
        queryset=UnitOfMeasure.objects.none(),
        required=False,
        empty_label="Sin unidad",
    )
    area = forms.ModelChoiceField(
        label="Área responsable",
        queryset=Area.objects.none(),
        required=False,
        empty_label="La del nivel superior",
    )
    lines_of_action = forms.MultipleChoiceField(
        label="Líneas de acción",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = _reason_field()
    version = version_field()

    def __init__(
        self,
        *args: Any,
        units: QuerySet[UnitOfMeasure],
        areas: QuerySet[Area] | None,
        lines: Sequence[LineOfAction],
        inherited_area: Area | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)  # noqa: S101 - declared above
        unit_field.queryset = units
        if areas is None:
            del self.fields["area"]  # only Planeación reassigns an activity
        else:
            area_field = self.fields["area"]
            assert isinstance(area_field, forms.ModelChoiceField)  # noqa: S101
            area_field.queryset = areas
            if inherited_area is not None:
                area_field.empty_label = (
                    f"La del nivel superior: {inherited_area.name} ({inherited_area.code})"
                )
        set_choices(
            self.fields["lines_of_action"],
            [(line.code, f"{line.code} {line.text}") for line in lines],
        )


class ActivityCreateForm(ActivityForm):
    node = forms.TypedChoiceField(label="Nivel", coerce=int)
    key = forms.CharField(label="Clave", max_length=30)
    annual_target = _quantity_input("Cantidad anual")

    field_order = ["node", "key", "description", "unit", "area", "annual_target"]

    def __init__(self, *args: Any, nodes: Sequence[tuple[ProgramNode, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        del self.fields["version"]  # a new activity has none yet
        set_choices(self.fields["node"], [(str(node.pk), label) for node, label in nodes])
        self.order_fields(self.field_order)


class ActivityDeleteForm(forms.Form):
    reason = _reason_field("Motivo de la eliminación", required=True)
