"""Forms of the programs' setup pages: a unit of measure, a new annual program."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.programs.models import DEFAULT_LEVEL_NAMES


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
