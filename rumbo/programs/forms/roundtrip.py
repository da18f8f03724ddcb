"""Forms of the Excel round trip: the upload and the confirmation of a preview."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ProgramUploadForm(forms.Form):
    file = forms.FileField(
        label="Archivo de Excel (.xlsx)",
        help_text="La plantilla de este programa, editada. Máximo 5 MB.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={
            "required": "Elige el archivo de Excel que quieres cargar.",
            "empty": "El archivo está vacío.",
            "invalid": "No se recibió un archivo; vuelve a elegirlo.",
        },
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(
                "Solo se aceptan libros de Excel .xlsx (no .xls, .csv ni .ods). Guarda el archivo "
                "como «Libro de Excel (.xlsx)»."
            )
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("El archivo pesa más de 5 MB.")
        return upload


class UploadConfirmForm(forms.Form):
    digest = forms.CharField(
        widget=forms.HiddenInput,
        validators=[RegexValidator(r"^[0-9a-f]{64}$", "Vista previa no válida.")],
    )
