"""GET filter forms: they only parse and validate the query string; selectors do the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.imports.models import FindingStatus, Severity
from rumbo.imports.selectors import FindingChoices, FindingFilters
from rumbo.institutions.models import Area

ALL = [("", "Todos")]


def _set_choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{field!r} is not a ChoiceField")
    field.choices = choices


class ProgramFilterForm(forms.Form):
    area = forms.ChoiceField(label="Área", required=False)
    q = forms.CharField(
        label="Buscar clave o descripción",
        required=False,
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "p. ej. 010101 o informe"}),
    )

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self.fields["area"],
            [("", "Todas las áreas"), *((a.code, f"{a.name} ({a.code})") for a in areas)],
        )

    def filters(self) -> tuple[str, str]:
        """(area code, text) from the valid fields; an invalid field filters nothing."""
        if not self.is_bound:
            return "", ""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("area") or "", data.get("q") or ""


class FindingFilterForm(forms.Form):
    codigo = forms.ChoiceField(label="Código", required=False)
    severidad = forms.ChoiceField(label="Severidad", required=False)
    estado = forms.ChoiceField(label="Estado", required=False)
    ejercicio = forms.TypedChoiceField(
        label="Ejercicio", required=False, coerce=int, empty_value=None
    )
    archivo = forms.ChoiceField(label="Archivo", required=False)
    actividad = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: FindingChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["codigo"], [*ALL, *choices.codes])
        _set_choices(self.fields["severidad"], [("", "Todas"), *Severity.choices])
        _set_choices(self.fields["estado"], [*ALL, *FindingStatus.choices])
        _set_choices(self.fields["ejercicio"], [*ALL, *((str(y), str(y)) for y in choices.years)])
        _set_choices(self.fields["archivo"], [*ALL, *((f, f) for f in choices.files)])

    def filters(self) -> FindingFilters:
        if not self.is_bound:
            return FindingFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return FindingFilters(
            code=data.get("codigo") or "",
            severity=data.get("severidad") or "",
            status=data.get("estado") or "",
            year=data.get("ejercicio"),
            source_file=data.get("archivo") or "",
            activity_id=data.get("actividad"),
        )
