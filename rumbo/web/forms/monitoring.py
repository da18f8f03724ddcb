"""The filters of the institution's audit log (its page: ``rumbo.web.views.audit_log``)."""

from __future__ import annotations

from typing import Any

from django import forms

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


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
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/aaaa", "size": 10}),
        error_messages={"invalid": "Escribe la fecha como dd/mm/aaaa."},
    )
    hasta = forms.DateField(
        label="Hasta (dd/mm/aaaa)",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/aaaa", "size": 10}),
        error_messages={"invalid": "Escribe la fecha como dd/mm/aaaa."},
    )
    actor = forms.CharField(label="Quién", required=False, max_length=150)
    accion = forms.ChoiceField(label="Acción", required=False, choices=ACTIONS)
    objeto = forms.CharField(label="Objeto contiene", required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("desde"), data.get("hasta")
        if start and end and start > end:
            self.add_error("hasta", "La fecha final no puede ser anterior a la inicial.")
        return data
