"""Filters of the program page (GET)."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.institutions.models import Area

from . import set_choices


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
        set_choices(
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
