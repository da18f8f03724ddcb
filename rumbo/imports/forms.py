"""Filters of the findings page (GET)."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.core.forms import set_choices

from .models import FindingStatus, Severity
from .selectors import FindingChoices, FindingFilters

ALL = [("", "Todos")]


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
        set_choices(self.fields["codigo"], [*ALL, *choices.codes])
        set_choices(self.fields["severidad"], [("", "Todas"), *Severity.choices])
        set_choices(self.fields["estado"], [*ALL, *FindingStatus.choices])
        set_choices(self.fields["ejercicio"], [*ALL, *((str(y), str(y)) for y in choices.years)])
        set_choices(self.fields["archivo"], [*ALL, *((f, f) for f in choices.files)])

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


REVIEW_CHOICES = [
    (FindingStatus.ACCEPTED.value, "Aceptar (el dato es correcto así)"),
    (FindingStatus.RESOLVED.value, "Resolver (ya se corrigió)"),
    (FindingStatus.OPEN.value, "Reabrir"),
]


class FindingReviewForm(forms.Form):
    """Accept, resolve or reopen a finding (POST). The service validates the comment."""

    estado = forms.ChoiceField(label="Acción", choices=REVIEW_CHOICES)
    comentario = forms.CharField(
        label="Comentario",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
    )
    # The list's query string, to return to the same filters and page without JS.
    volver = forms.CharField(required=False, widget=forms.HiddenInput)


BULK_CHOICES = [
    (FindingStatus.ACCEPTED.value, "Aceptar"),
    (FindingStatus.RESOLVED.value, "Resolver"),
]


class FindingBulkForm(forms.Form):
    """Accept or resolve every open finding of the list's filters (POST, with the filters'
    own fields beside it). ``esperados``: the count the page showed; ``confirmar``: the
    second step, after the confirmation page. The service validates the comment."""

    accion = forms.ChoiceField(label="Acción", choices=BULK_CHOICES)
    comentario = forms.CharField(
        label="Comentario para todos",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    esperados = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    confirmar = forms.BooleanField(required=False, widget=forms.HiddenInput)
