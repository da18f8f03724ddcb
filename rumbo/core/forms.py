"""What every app's forms share. Forms only parse and validate input; services and
selectors do the rest."""

from __future__ import annotations

from django import forms

from .versions import StaleVersion


def set_choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{field!r} is not a ChoiceField")
    field.choices = choices


def version_field() -> forms.IntegerField:
    """The hidden field an edit form carries: the object's version as the page read it
    (``rumbo.core.versions``)."""
    return forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def form_stale(form: forms.BaseForm, exc: StaleVersion, *, field: str = "version") -> None:
    """A stale save on a form: the conflict's message on top of the form (what the other
    person saved), the person's own values kept in the inputs, and the stored version in
    the hidden field — so saving again is a deliberate choice, made knowing both sides."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a bound form's QueryDict
    data[form.add_prefix(field)] = str(exc.current) if exc.current is not None else ""
    form.data = data
    form.add_error(None, exc.message)
