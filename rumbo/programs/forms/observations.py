"""Forms of the review's observations: write one, answer one (the service validates and
saves; these parse the text)."""

from __future__ import annotations

from django import forms

from rumbo.programs.services.observations import MAX_TEXT


def _text(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        help_text=help_text,
        error_messages={
            "required": "Escribe el texto: está vacío.",
            "max_length": f"Escribe a lo más {MAX_TEXT:,} caracteres.",
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObservationForm(forms.Form):
    text = _text(
        "Nueva observación",
        "Qué debe revisar o corregir el área en esta actividad. La verá su enlace, que la "
        "responde aquí.",
    )


class AnswerForm(forms.Form):
    """One per open observation on the page: ``prefix=answer_prefix(pk)``."""

    text = _text("Respuesta del área", "Qué se corrigió o por qué se mantiene como está.")


def answer_prefix(pk: int) -> str:
    return f"respuesta-{pk}"
