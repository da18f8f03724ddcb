"""Forms of the users pages: they parse input; ``rumbo.accounts.services`` validates."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.institutions.forms import AreaChoiceField
from rumbo.institutions.models import Area, Institution, Role


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rol", choices=Role.choices)
    area = AreaChoiceField(
        label="Área (solo para enlace)",
        queryset=Area.objects.none(),
        required=False,
        empty_label="— Ninguna —",
    )

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover
            raise TypeError(field)
        field.queryset = Area.objects.filter(institution=institution).order_by("name")


class MemberCreateForm(RoleForm):
    username = forms.CharField(
        label="Usuario",
        max_length=150,
        help_text="Letras, números y @ . + - _ (sin espacios).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(label="Nombre(s)", max_length=150, required=False)
    last_name = forms.CharField(label="Apellidos", max_length=150, required=False)
    email = forms.CharField(
        label="Correo electrónico",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label="Contraseña inicial (opcional)",
        required=False,
        strip=False,
        help_text="Déjala vacía para que Rumbo genere una segura y te la muestre una sola vez.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "first_name", "last_name", "email", "role", "area", "password"]
