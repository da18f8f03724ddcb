"""What the capture pages read from a POST: the grid's rows, a reason, an evidence file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django import forms

from ..selectors import GridRow


def field_name(kind: str, row: GridRow) -> str:
    """``avance-<activity id>``: the name of one input of one row of the grid."""
    return f"{kind}-{row.activity.pk}"


@dataclass(frozen=True)
class TypedRow:
    """What the person typed in one row (raw text: the service parses and validates)."""

    grid_row: GridRow
    achieved: str
    comment: str
    justification: str
    version: int | None
    version_error: bool = False

    @property
    def key(self) -> str:
        return self.grid_row.activity.key


def _version(text: str) -> tuple[int | None, bool]:
    text = (text or "").strip()
    if not text:
        return None, False
    try:
        value = int(text)
    except ValueError:
        return None, True
    return (value, False) if value > 0 else (None, True)


def typed_rows(data: Mapping[str, str], rows: list[GridRow]) -> list[TypedRow]:
    """Every row of the grid with what the POST holds for it."""
    out = []
    for row in rows:
        version, bad = _version(data.get(field_name("version", row), ""))
        out.append(
            TypedRow(
                grid_row=row,
                achieved=(data.get(field_name("avance", row)) or "").strip(),
                comment=(data.get(field_name("comentario", row)) or "").strip(),
                justification=(data.get(field_name("justificacion", row)) or "").strip(),
                version=version,
                version_error=bad,
            )
        )
    return out


def rows_to_save(typed: list[TypedRow]) -> list[TypedRow]:
    """Rows with something typed, or with a stored entry (blank there is an error to show)."""
    return [
        t
        for t in typed
        if t.achieved or t.comment or t.justification or t.grid_row.entry is not None
    ]


class ReasonForm(forms.Form):
    """Observations of a return or the reason of a reopening (required)."""

    motivo = forms.CharField(
        label="Motivo",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Escribe el motivo."},
    )


class CommentForm(forms.Form):
    """An optional comment when approving."""

    motivo = forms.CharField(label="Comentario", required=False, widget=forms.Textarea)


class EvidenceForm(forms.Form):
    archivo = forms.FileField(
        label="Archivo de evidencia",
        error_messages={
            "required": "Elige un archivo.",
            "empty": "El archivo está vacío.",
            "invalid": "No se recibió un archivo.",
        },
    )
