"""What every app's forms share. Forms only parse and validate input; services and
selectors do the rest."""

from __future__ import annotations

from django import forms


def set_choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{field!r} is not a ChoiceField")
    field.choices = choices
