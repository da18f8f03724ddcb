"""What the bulk approval posts: each checked capture as «id:version» (the version the page
showed, so a capture changed since is refused), and one comment."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from rumbo.core.text import whole_number
from rumbo.monitoring.services import CaptureRef

COMMENT_MAX = 2000


def captures_parse(values: Iterable[str]) -> list[CaptureRef]:
    """The checked captures; ``ValidationError`` for a value the page never drew."""
    refs = []
    for value in values:
        report_id, _, version = value.partition(":")
        report, number = whole_number(report_id), whole_number(version)
        if report is None or number is None:
            raise ValidationError({"captures": "La selección no es válida; recarga la página."})
        refs.append(CaptureRef(report_id=report, version=number))
    return refs


def comment_clean(value: str) -> str:
    text = (value or "").strip()
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            {"comment": f"El comentario admite hasta {COMMENT_MAX:,} caracteres."}
        )
    return text
