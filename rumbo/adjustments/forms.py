"""Forms of the approval and adjustment pages: they parse input; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.core.forms import set_choices
from rumbo.core.periods import MONTH_NAMES
from rumbo.programs.forms.program import AgreementForm

from .models import AdjustmentKind

MAX_DOCUMENT = 20 * 1024 * 1024


def clean_pdf(document: Any) -> Any:
    """An optional supporting document: a PDF of at most 20 MB."""
    if not document:
        return None
    if document.size > MAX_DOCUMENT:
        raise forms.ValidationError("El documento pasa de 20 MB.")
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        raise forms.ValidationError("El documento debe ser un PDF.")
    return document


class ApprovalForm(AgreementForm):
    document = forms.FileField(label="Documento del acuerdo (PDF)", required=False)

    def clean_document(self) -> Any:
        return clean_pdf(self.cleaned_data.get("document"))


class StateForm(forms.Form):
    reason = forms.CharField(
        label="Motivo u observaciones", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActivityAdjustmentForm(forms.Form):
    """A request about one activity: the kind, and the values proposed (prefilled with
    the ones in force)."""

    kind = forms.ChoiceField(
        label="Tipo de adecuación",
        choices=[
            (k.value, k.label)
            for k in (
                AdjustmentKind.CALENDARIO,
                AdjustmentKind.META_ANUAL,
                AdjustmentKind.DESCRIPCION,
                AdjustmentKind.BAJA,
            )
        ],
        widget=forms.RadioSelect,
    )
    annual_target = forms.CharField(label="Meta anual", required=False)
    description = forms.CharField(
        label="Descripción", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.CharField(label="Unidad de medida", required=False, max_length=120)
    justification = forms.CharField(
        label="Justificación",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Por qué cambia: queda en la solicitud, en la bitácora y en la versión.",
    )
    document = forms.FileField(label="Documento de soporte (PDF, opcional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for month, name in enumerate(MONTH_NAMES, start=1):
            self.fields[f"m{month}"] = forms.CharField(
                label=name.capitalize(), required=False, max_length=30
            )

    @property
    def month_fields(self) -> list[forms.BoundField]:
        return [self[f"m{m}"] for m in range(1, 13)]

    def clean_document(self) -> Any:
        return clean_pdf(self.cleaned_data.get("document"))

    def months(self) -> list[str]:
        return [self.cleaned_data.get(f"m{m}") or "" for m in range(1, 13)]


class AltaForm(ActivityAdjustmentForm):
    """A new activity: where it hangs, its key, area and targets."""

    key = forms.CharField(label="Clave de la actividad nueva", max_length=30)
    node = forms.ChoiceField(label="Nivel del que cuelga")
    area = forms.ChoiceField(label="Área responsable", required=False)

    def __init__(
        self, *args: Any, nodes: list[tuple[str, str]], areas: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("kind")
        set_choices(self.fields["node"], nodes)
        set_choices(self.fields["area"], [("", "— La del nivel —"), *areas])
        self.fields["description"].required = True


class IndicatorAdjustmentForm(forms.Form):
    justification = ActivityAdjustmentForm.base_fields["justification"]
    document = forms.FileField(label="Documento de soporte (PDF, opcional)", required=False)

    def __init__(self, *args: Any, periods: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = periods
        for number, label in periods:
            self.fields[f"t{number}"] = forms.CharField(label=label, required=False, max_length=30)

    @property
    def target_fields(self) -> list[forms.BoundField]:
        return [self[f"t{n}"] for n, _ in self.periods]

    def clean_document(self) -> Any:
        return clean_pdf(self.cleaned_data.get("document"))

    def targets(self) -> dict[str, str]:
        return {
            str(n): self.cleaned_data[f"t{n}"]
            for n, _ in self.periods
            if (self.cleaned_data.get(f"t{n}") or "").strip()
        }


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label="Motivo de la decisión",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatorio para rechazar.",
    )
