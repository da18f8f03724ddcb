"""Forms of the transparency pages: the period of the formats, and the checker's upload."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.imports.base import MAX_FILE_BYTES
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
