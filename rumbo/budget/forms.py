"""Forms of the budget's pages: the upload of a budget file, and the catalogues' edits."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from rumbo.core.periods import MONTH_NAMES
from rumbo.core.spreadsheets import LIMITS

from .services import NAME_MAX_LENGTH

MAX_UPLOAD_MB = LIMITS.file_bytes // (1024 * 1024)


class BudgetUploadForm(forms.Form):
    file = forms.FileField(
        label="Archivo del sistema financiero (CSV o XLSX)",
        help_text=(
            "Una fila por clave programática, partida, fuente, mes y momento, como la "
            f"plantilla. Máximo {MAX_UPLOAD_MB} MB."
        ),
        error_messages={
            "required": "Elige el archivo CSV o XLSX que quieres cargar.",
            "empty": "El archivo está vacío.",
            "invalid": "No se recibió un archivo; vuelve a elegirlo.",
        },
    )
    through = forms.TypedChoiceField(
        label="Último mes cerrado",
        required=False,
        coerce=int,
        empty_value=None,
        help_text=(
            "Se revisa que no haya gasto (comprometido, devengado, ejercido o pagado) "
            "después de este mes."
        ),
    )

    def __init__(self, *args: object, automatic: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments
        auto = f"Automático ({automatic})" if automatic else "Automático"
        self.fields["through"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", auto),
            *((str(n), name.capitalize()) for n, name in enumerate(MONTH_NAMES, 1)),
        ]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(
                "Solo se aceptan archivos CSV (.csv) o libros de Excel (.xlsx); guarda el "
                "archivo en uno de esos formatos."
            )
        if upload.size is not None and upload.size > LIMITS.file_bytes:
            raise forms.ValidationError(f"El archivo pesa más de {MAX_UPLOAD_MB} MB.")
        return upload


class SpecificItemForm(forms.Form):
    name = forms.CharField(label="Nombre", max_length=NAME_MAX_LENGTH)
    reviewed = forms.BooleanField(
        label="Revisada",
        required=False,
        help_text="Una partida revisada deja de señalarse como nueva en las cargas.",
    )


class FundingSourceForm(forms.Form):
    key = forms.CharField(label="Clave", max_length=10)
    name = forms.CharField(label="Nombre", max_length=NAME_MAX_LENGTH)


class FundingSourceNameForm(forms.Form):
    name = forms.CharField(label="Nombre", max_length=NAME_MAX_LENGTH)
