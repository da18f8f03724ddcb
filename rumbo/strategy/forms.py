"""Forms of the strategic plan: they parse input; ``rumbo.strategy.services`` validates."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.core.forms import version_field
from rumbo.strategy.models import SwotKind

TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 60})
YEAR = forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "autocomplete": "off"})

# Service error keys → form field names.
SERVICE_FIELDS = {
    "name": "nombre",
    "start_year": "inicio",
    "end_year": "fin",
    "mission": "mision",
    "vision": "vision",
    "code": "clave",
    "text": "texto",
    "kind": "tipo",
    "policy": "politica",
    "program": "programa",
    "objective": "objetivo",
    "__all__": None,
}


class PlanForm(forms.Form):
    # Required-ness, year ranges and lengths are the service's rules: one place, one message.
    nombre = forms.CharField(label="Nombre del plan", required=False)
    inicio = forms.CharField(label="Año inicial", required=False, widget=YEAR)
    fin = forms.CharField(label="Año final", required=False, widget=YEAR)
    mision = forms.CharField(label="Misión", required=False, widget=TEXTAREA)
    vision = forms.CharField(label="Visión", required=False, widget=TEXTAREA)


class ElementForm(forms.Form):
    """Code, text and parents of a policy, general program, objective or line of action."""

    clave = forms.CharField(label="Clave", required=False)
    texto = forms.CharField(label="Texto", required=False, widget=TEXTAREA)
    version = version_field()  # the element's version as the page read it (edit only)

    def __init__(
        self,
        *args: Any,
        text_label: str,
        parents: list[tuple[str, str, list[tuple[int, str]]]],
        **kwargs: Any,
    ) -> None:
        """``parents``: (field name, label, [(id, label)…]) for each parent the element may have."""
        super().__init__(*args, **kwargs)
        self.fields["texto"].label = text_label
        self.parent_ids: dict[str, set[int]] = {}
        for name, label, options in parents:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "— Ninguno —"), *options],
            )
            self.parent_ids[name] = {pk for pk, _ in options}


class SwotForm(forms.Form):
    tipo = forms.ChoiceField(label="Cuadrante", choices=SwotKind.choices)
    texto = forms.CharField(label="Texto", required=False, widget=TEXTAREA)
    version = version_field()  # the item's version as the page read it (edit only)
