"""Forms of the start-from-scratch pages: institution, areas, units, program."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.institutions.forms import AreaChoiceField
from rumbo.institutions.models import Area, Institution
from rumbo.programs.models import DEFAULT_LEVEL_NAMES


class InstitutionForm(forms.Form):
    code = forms.CharField(
        label="Clave",
        max_length=20,
        required=False,
        help_text="Letras y números, sin espacios (ejemplo: IEEM). No se puede cambiar después.",
    )
    name = forms.CharField(label="Nombre", max_length=255, required=False)
    short_name = forms.CharField(label="Nombre corto", max_length=60, required=False)
    web_domains = forms.CharField(
        label="Dominios web oficiales",
        required=False,
        help_text="Uno por línea o separados por comas (ejemplo: ieem.org.mx).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    @staticmethod
    def initial_for(institution: Institution) -> dict[str, str]:
        return {
            "name": institution.name,
            "short_name": institution.short_name,
            "web_domains": "\n".join(institution.web_domains or []),
        }


class AreaForm(forms.Form):
    name = forms.CharField(label="Nombre", max_length=255)
    code = forms.CharField(label="Siglas", max_length=30)
    parent = AreaChoiceField(
        label="Área superior (opcional)",
        queryset=Area.objects.none(),
        required=False,
        empty_label="— Ninguna —",
    )

    def __init__(
        self, *args: Any, institution: Institution, area: Area | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(institution=institution).order_by("name")
        if area is not None:
            areas = areas.exclude(pk=area.pk)
        field = self.fields["parent"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover
            raise TypeError(field)
        field.queryset = areas


class UnitForm(forms.Form):
    name = forms.CharField(label="Nombre de la unidad", max_length=120)


MAX_LEVELS = 4


class ProgramCreateForm(forms.Form):
    year = forms.IntegerField(label="Ejercicio", min_value=1990, max_value=2100)
    name = forms.CharField(
        label="Nombre",
        max_length=255,
        required=False,
        help_text="Vacío: «Programa Anual de Actividades AAAA».",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(MAX_LEVELS):
            default = DEFAULT_LEVEL_NAMES[i] if i < len(DEFAULT_LEVEL_NAMES) else ""
            label = f"Nivel {i + 1}"
            if i == 0:
                label += " (el más alto)"
            elif i >= len(DEFAULT_LEVEL_NAMES):
                label += " (opcional)"
            self.fields[f"level_{i + 1}"] = forms.CharField(
                label=label, max_length=60, required=i < 2, initial=default
            )

    def level_fields(self) -> list[forms.BoundField]:
        return [self[f"level_{i + 1}"] for i in range(MAX_LEVELS)]

    def level_names(self) -> list[str]:
        return [
            self.cleaned_data[f"level_{i + 1}"]
            for i in range(MAX_LEVELS)
            if self.cleaned_data.get(f"level_{i + 1}")
        ]
