"""Program page forms: the filters (GET), a new level of the tree (POST), and the acuerdo
that approves a program or one of its MIRs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from rumbo.core.formats.es_MX.formats import DATE_INPUT_FORMATS
from rumbo.core.forms import set_choices
from rumbo.institutions.models import Area
from rumbo.programs.models import UnitOfMeasure
from rumbo.programs.tree import NO_LINE, ProgramFilters
from rumbo.strategy.models import LineOfAction


class AgreementForm(forms.Form):
    """The acuerdo of an approval (a program's, a MIR's): number and date, dd/mm/aaaa. The
    services check the date against the program's year (``lifecycle.approval_check``)."""

    agreement = forms.CharField(
        label="Acuerdo del Consejo General",
        max_length=120,
        help_text="Número del acuerdo que aprueba el programa, p. ej. IEEM/CG/12/2024.",
    )
    date = forms.DateField(
        label="Fecha del acuerdo",
        input_formats=DATE_INPUT_FORMATS,
        help_text="dd/mm/aaaa",
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/aaaa", "inputmode": "numeric"}),
    )


class ProgramFilterForm(forms.Form):
    area = forms.ChoiceField(label="Área", required=False)
    unidad = forms.ChoiceField(label="Unidad de medida", required=False)
    linea = forms.ChoiceField(label="Línea de acción", required=False)
    q = forms.CharField(
        label="Buscar clave o descripción",
        required=False,
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "p. ej. 010101 o informe"}),
    )
    observaciones = forms.BooleanField(label="Solo con hallazgos por atender", required=False)

    def __init__(
        self,
        *args: Any,
        areas: Iterable[Area],
        units: Iterable[UnitOfMeasure],
        lines: Iterable[LineOfAction],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self.fields["area"],
            [("", "Todas las áreas"), *((a.code, f"{a.name} ({a.code})") for a in areas)],
        )
        set_choices(
            self.fields["unidad"],
            [("", "Todas las unidades"), *((str(u.pk), u.name) for u in units)],
        )
        set_choices(
            self.fields["linea"],
            [
                ("", "Todas las líneas"),
                (NO_LINE, "Sin línea de acción"),
                *((line.code, f"{line.code} {line.text[:70]}") for line in lines),
            ],
        )

    def filters(self) -> ProgramFilters:
        """The valid fields as filters; an invalid field filters nothing."""
        if not self.is_bound:
            return ProgramFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        unit = data.get("unidad")
        return ProgramFilters(
            area=data.get("area") or "",
            unit=int(unit) if unit else None,
            line=data.get("linea") or "",
            text=data.get("q") or "",
            flagged=bool(data.get("observaciones")),
        )


class NodeForm(forms.Form):
    """A new node of the tree (the page names its level from the program's level names)."""

    key = forms.CharField(label="Clave", max_length=30)
    name = forms.CharField(label="Nombre", widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.ModelChoiceField(
        label="Área responsable",
        queryset=Area.objects.none(),
        required=False,
        empty_label="Sin área (la del nivel superior)",
    )
    objective = forms.CharField(
        label="Objetivo general", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = self.fields["area"]
        if not isinstance(area_field, forms.ModelChoiceField):
            raise TypeError(f"{area_field!r} is not a ModelChoiceField")
        area_field.queryset = areas
