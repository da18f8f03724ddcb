"""Forms of the transparency pages: the period of the formats, the checker's upload, and the
correction of an imported fr. IV row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from rumbo.imports.base import MAX_FILE_BYTES
from rumbo.institutions.models import Area
from rumbo.programs.models import AreaObjective
from rumbo.transparency.formats import FormatDefinition

QUARTERS = [
    ("", "Todo el año"),
    ("1", "1.er trimestre"),
    ("2", "2.º trimestre"),
    ("3", "3.er trimestre"),
    ("4", "4.º trimestre"),
]


class PeriodForm(forms.Form):
    ejercicio = forms.TypedChoiceField(label="Ejercicio", coerce=int)
    trimestre = forms.TypedChoiceField(
        label="Periodo", choices=QUARTERS, coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ejercicio"].choices = [(str(y), str(y)) for y in years]  # type: ignore[attr-defined]  # ChoiceField


class CheckUploadForm(forms.Form):
    formato = forms.ChoiceField(label="Formato")
    archivo = forms.FileField(
        label="Archivo (XLSX, CSV o texto con tabuladores)",
        help_text=f"Hasta {MAX_FILE_BYTES // (1024 * 1024)} MB. El archivo no se guarda.",
    )

    def __init__(self, *args: Any, formats: list[FormatDefinition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["formato"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            (d.id, f"{d.short_title} · {d.title}") for d in formats
        ]

    def clean_archivo(self) -> Any:
        upload = self.cleaned_data["archivo"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"El archivo «{upload.name}» pesa más de {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        return upload


class AreaObjectiveForm(forms.Form):
    """The cells of an imported fr. IV row that the formats publish, and the reason.

    Texts stay as typed here; ``area_objective_update`` cleans and validates them."""

    area = forms.ModelChoiceField(
        label="Denominación del área", queryset=Area.objects.none(), empty_label=None
    )
    objective = forms.CharField(
        label="Descripción breve y clara de cada objetivo",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    indicator = forms.CharField(
        label="Indicadores asociados", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    goal = forms.CharField(
        label="Meta(s) por cada indicador",
        required=False,
        help_text="Una cantidad: «95 %», «12 informes».",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = forms.CharField(
        label="Unidad de medida por cada meta",
        required=False,
        max_length=255,
        help_text="Una unidad («Porcentaje», «Informe»), no una frecuencia («Trimestral»).",
    )
    hyperlink = forms.CharField(
        label="Hipervínculo al documento del programa",
        required=False,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    responsible = forms.CharField(
        label="Área(s) responsable(s) que genera(n), posee(n), publica(n) y actualiza(n) la "
        "información",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label="Nota", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label="Motivo de la corrección",
        required=False,
        max_length=1000,
        help_text="Queda en el historial de la fila y en los hallazgos que se resuelvan.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    FIELDS = ("objective", "indicator", "goal", "unit", "hyperlink", "responsible", "note")

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]  # ModelChoiceField

    @classmethod
    def initial_for(cls, row: AreaObjective) -> dict[str, Any]:
        return {"area": row.area_id, **{name: getattr(row, name) for name in cls.FIELDS}}
