"""Form fields of an institution's objects, for any app's forms."""

from __future__ import annotations

from django import forms

from .models import Area


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.name} ({obj.code})"
