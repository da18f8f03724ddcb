"""The one rule for a new key of a node or an activity of a program."""

from __future__ import annotations

from django.db import models

from ..models import AnnualProgram

KEY_MAX_LENGTH = 30


def new_key_error(
    model: type[models.Model], *, program: AnnualProgram, key: str, noun: str
) -> str | None:
    """Why ``key`` (already cleaned) cannot be a new key of ``model`` in the program, or None.

    ``noun`` names the object with its article: «un nivel», «una actividad».
    """
    if not key:
        return "La clave es obligatoria."
    if len(key) > KEY_MAX_LENGTH:
        return f"La clave admite hasta {KEY_MAX_LENGTH} caracteres."
    if model._default_manager.filter(program=program, key=key).exists():
        return f"Ya existe {noun} con la clave {key}."
    return None
