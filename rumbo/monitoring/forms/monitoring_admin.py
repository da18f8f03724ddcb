"""Forms of Planeación's monitoring settings (close day, evidence limit, bands, window
extensions, an object's own bands): they parse input; the monitoring services validate and
write."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.core.periods import MONTH_NAMES
from rumbo.core.semaforo import EDGES, PROFILES, Bands
from rumbo.institutions.forms import AreaChoiceField
from rumbo.institutions.models import Area, Institution

CUSTOM = "custom"
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MONTH_CHOICES = [(i, name.capitalize()) for i, name in enumerate(MONTH_NAMES, start=1)]


def profile_for(bands: Bands) -> str:
    """The ready profile whose edges equal ``bands``, else ``custom``."""
    for key, (_label, profile) in PROFILES.items():
        if profile == bands:
            return key
    return CUSTOM


def _edge(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 7}),
    )


class BandsFields(forms.Form):
    """A ready profile or four custom edges (percent)."""

    profile = forms.ChoiceField(
        label="Perfil del semáforo",
        choices=[*((k, label) for k, (label, _b) in PROFILES.items()), (CUSTOM, "Personalizado")],
        widget=forms.RadioSelect,
    )
    yellow_low = _edge("Amarillo desde (%)")
    green_low = _edge("Verde desde (%)")
    green_high = _edge("Verde hasta (%)")
    yellow_high = _edge("Amarillo hasta (%)")

    def edges(self) -> dict[str, object]:
        """The four edges to send to the service: the profile's, or what was typed."""
        profile = self.cleaned_data["profile"]
        if profile != CUSTOM:
            bands = PROFILES[profile][1]
            return {name: getattr(bands, name) for name in EDGES}
        return {name: self.cleaned_data.get(name, "") for name in EDGES}

    @classmethod
    def initial_for(cls, bands: Bands) -> dict[str, object]:
        return {
            "profile": profile_for(bands),
            **{name: format(getattr(bands, name).normalize(), "f") for name in EDGES},
        }


class PolicyForm(BandsFields):
    close_day = forms.IntegerField(
        label="Día de cierre de la captura",
        min_value=1,
        max_value=28,
        help_text="La captura de un mes abre el día 1 del mes siguiente y cierra este día"
        " (1 a 28).",
    )
    evidence_max_mb = forms.IntegerField(
        label="Tamaño máximo de cada evidencia (MB)", min_value=1, max_value=100
    )
    reason = forms.CharField(
        label="Motivo del cambio",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["close_day", "evidence_max_mb", "profile", *EDGES, "reason"]


class ActivityBandsForm(BandsFields):
    reason = forms.CharField(
        label="Motivo",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Escribe el motivo."},
    )


class BandsClearForm(forms.Form):
    reason = forms.CharField(
        label="Motivo",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Escribe el motivo."},
    )


class ExtensionForm(forms.Form):
    year = forms.IntegerField(label="Ejercicio", min_value=1990, max_value=2100)
    month = forms.TypedChoiceField(label="Mes", choices=MONTH_CHOICES, coerce=int)
    area = AreaChoiceField(
        label="Área", queryset=Area.objects.none(), required=False, empty_label="Todas las áreas"
    )
    until = forms.DateField(
        label="Hasta (dd/mm/aaaa)",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/aaaa"}),
        error_messages={"invalid": "Escribe la fecha como dd/mm/aaaa."},
    )
    reason = forms.CharField(
        label="Motivo",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Escribe el motivo de la prórroga."},
    )

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover
            raise TypeError(field)
        field.queryset = Area.objects.filter(institution=institution).order_by("code")
