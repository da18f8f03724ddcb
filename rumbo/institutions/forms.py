"""Forms of an institution's pages (institution, area) and the field of an area, for any
app's forms."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Area, Institution


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.name} ({obj.code})"


class InstitutionForm(forms.Form):
    code = forms.CharField(
        label="Clave",
        max_length=20,
        required=False,
        help_text="Letras y números, sin espacios (ejemplo: IEEM). No se puede cambiar después.",
    )
    name = forms.CharField(label="Nombre", max_length=255, required=False)
    short_name = forms.CharField(label="Nombre corto", max_length=60, required=False)
    web_domains = forms.CharField(
        label="Dominios web oficiales",
        required=False,
        help_text="Uno por línea o separados por comas (ejemplo: ieem.org.mx).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    @staticmethod
    def initial_for(institution: Institution) -> dict[str, str]:
        return {
            "name": institution.name,
            "short_name": institution.short_name,
            "web_domains": "\n".join(institution.web_domains or []),
        }


class AreaForm(forms.Form):
    name = forms.CharField(label="Nombre", max_length=255)
    code = forms.CharField(label="Siglas", max_length=30)
    parent = AreaChoiceField(
        label="Área superior (opcional)",
        queryset=Area.objects.none(),
        required=False,
        empty_label="— Ninguna —",
    )

    def __init__(
        self, *args: Any, institution: Institution, area: Area | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(institution=institution).order_by("name")
        if area is not None:
            areas = areas.exclude(pk=area.pk)
        field = self.fields["parent"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover
            raise TypeError(field)
        field.queryset = areas
