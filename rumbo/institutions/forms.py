"""Forms of an institution's pages (institution, area) and the field of an area, for any
app's forms."""

from __future__ import annotations

from typing import Any

from django import forms

from .letterhead import SIGNER_FIELDS, SIGNER_ROLES
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


class LetterheadForm(forms.Form):
    """The reports' letterhead on the institution's edit page: logo and signers."""

    logo = forms.FileField(
        label="Logotipo",
        required=False,
        help_text="PNG o JPEG, hasta 1 MB. Va en el encabezado de los informes en PDF.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label="Quitar el logotipo actual", required=False)
    prepared_by_name = forms.CharField(label="Elaboró: nombre", max_length=150, required=False)
    prepared_by_position = forms.CharField(label="Elaboró: cargo", max_length=200, required=False)
    reviewed_by_name = forms.CharField(label="Revisó: nombre", max_length=150, required=False)
    reviewed_by_position = forms.CharField(label="Revisó: cargo", max_length=200, required=False)
    authorized_by_name = forms.CharField(label="Autorizó: nombre", max_length=150, required=False)
    authorized_by_position = forms.CharField(
        label="Autorizó: cargo", max_length=200, required=False
    )

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not institution.logo:
            del self.fields["remove_logo"]

    @staticmethod
    def initial_for(institution: Institution) -> dict[str, str]:
        return {name: getattr(institution, name) for name in SIGNER_FIELDS}

    def signer_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(role, name field, position field) for the page's table of signers."""
        return [
            (role, self[f"{prefix}_name"], self[f"{prefix}_position"])
            for role, prefix in SIGNER_ROLES
        ]


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
