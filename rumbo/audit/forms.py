"""The audit log's filters: they parse the query; ``rumbo.audit.selectors.institution_log``
reads."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.core.formats.es_MX.formats import DATE_INPUT_FORMATS


class AuditFilterForm(forms.Form):
    """Filters of the institution's audit log (all optional; GET)."""

    ACTIONS = [
        ("", "Todas"),
        ("activity.", "Actividades"),
        ("progress.", "Avances"),
        ("period.", "Capturas mensuales"),
        ("window.", "Prórrogas"),
        ("bands.", "Semáforo"),
        ("policy.", "Política de seguimiento"),
        ("plan.", "Planes"),
        ("program.", "Programas"),
        ("node.", "Niveles del programa"),
        ("evidence.", "Evidencias"),
        ("finding.", "Hallazgos"),
        ("swot_item.", "FODA"),
        ("institution.", "Institución"),
        ("area.", "Áreas"),
        ("unit.", "Unidades de medida"),
        ("user.", "Usuarios"),
        ("membership.", "Roles"),
        ("token.", "Tokens de la API"),
    ]

    desde = forms.DateField(
        label="Desde (dd/mm/aaaa)",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/aaaa", "size": 10}),
        error_messages={"invalid": "Escribe la fecha como dd/mm/aaaa."},
    )
    hasta = forms.DateField(
        label="Hasta (dd/mm/aaaa)",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/aaaa", "size": 10}),
        error_messages={"invalid": "Escribe la fecha como dd/mm/aaaa."},
    )
    actor = forms.CharField(label="Quién", required=False, max_length=150)
    accion = forms.ChoiceField(label="Acción", required=False, choices=ACTIONS)
    objeto = forms.CharField(label="Objeto contiene", required=False, max_length=200)

    def description(self) -> str:
        """The filters in use, in words («Desde 01/02/2024 · Acción: Avances»), for a
        download that must say what it holds."""
        if not (self.is_bound and self.is_valid()):
            return "Sin filtros"
        data = self.cleaned_data
        parts = []
        if data["desde"]:
            parts.append(f"Desde {data['desde']:%d/%m/%Y}")
        if data["hasta"]:
            parts.append(f"Hasta {data['hasta']:%d/%m/%Y}")
        if data["actor"]:
            parts.append(f"Quién: {data['actor']}")
        if data["accion"]:
            parts.append(f"Acción: {dict(self.ACTIONS)[data['accion']]}")
        if data["objeto"]:
            parts.append(f"Objeto contiene: {data['objeto']}")
        return " · ".join(parts) or "Sin filtros"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("desde"), data.get("hasta")
        if start and end and start > end:
            self.add_error("hasta", "La fecha final no puede ser anterior a la inicial.")
        return data
