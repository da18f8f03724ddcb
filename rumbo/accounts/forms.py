"""Forms of the users pages: they parse input; ``rumbo.accounts.services`` validates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from rumbo.institutions.forms import AreaChoiceField
from rumbo.institutions.models import Area, Institution, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

from .services import user_password_set_by_link
from .throttle import Block, client_address, login_begin, login_succeeded, reset_request_allowed

# What the login says, in Mexican Spanish and «tú» (Django's own translation is Spain's,
# in «usted»). A wrong password and an unknown user read the same: no account is revealed.
LOGIN_ERRORS: dict[str, str | StrPromise] = {
    "invalid_login": "Usuario o contraseña incorrectos. Revisa mayúsculas y minúsculas.",
    "inactive": "Tu cuenta está desactivada. Pide a Planeación de tu institución que la active.",
}
NEW_CREDENTIAL_HELP = (
    "Al menos 8 caracteres. Que no sea solo números, ni una contraseña muy común, ni "
    "parecida a tu usuario, tu nombre o tu correo."
)


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


class TokenCreateForm(forms.Form):
    """A new API token of one's own: a name to recognise it and how many days it lasts."""

    name = forms.CharField(
        label="Nombre",
        max_length=100,
        required=False,
        help_text="Para reconocerlo después, p. ej. «Carga nocturna del área».",
    )
    days = forms.TypedChoiceField(
        label="Vigencia",
        coerce=int,
        choices=[(30, "30 días"), (90, "90 días"), (180, "180 días"), (365, "1 año")],
        initial=90,
        help_text="Al vencer deja de servir; entonces crea otro.",
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form behind the throttle (``rumbo.accounts.throttle``).

    The attempt is reserved before the password is checked; while a block is in force
    the password is not checked at all and ``block`` says until when.
    """

    error_messages = LOGIN_ERRORS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.block: Block | None = None
        self.fields["username"].error_messages["required"] = "Escribe tu usuario."
        self.fields["password"].error_messages["required"] = "Escribe tu contraseña."

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if not (username.strip() and password and self.request is not None):
            return super().clean()  # an incomplete form reaches no password check
        outcome = login_begin(username=username, ip_address=client_address(self.request))
        if isinstance(outcome, Block):
            self.block = outcome
            raise ValidationError(outcome.message, code="throttled")
        try:
            return super().clean()
        finally:
            if self.user_cache is not None:  # the password was right (even if refused after)
                login_succeeded(outcome)


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's login form (staff only) behind the same throttle."""


class ResetRequestForm(PasswordResetForm):
    """«¿Olvidaste tu contraseña?»: the address to send the link to. Whether an account has
    it is never said; requests beyond the limit per address are dropped silently
    (``throttle.reset_request_allowed``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "Correo electrónico"
        field.help_text = "El que registró Planeación en tu cuenta de Rumbo."
        field.error_messages["required"] = "Escribe tu correo electrónico."
        field.error_messages["invalid"] = (
            "Escribe un correo electrónico válido, p. ej. ana@ieem.org.mx."
        )

    def get_users(self, email: str) -> Any:
        if not reset_request_allowed(email):
            return iter(())
        return super().get_users(email)


class ResetSetPasswordForm(SetPasswordForm):
    """The new password chosen from the link; saved (and audited) by the service."""

    error_messages: dict[str, str | StrPromise] = {  # Django's own attribute
        "password_mismatch": "Las dos contraseñas no coinciden; escríbelas de nuevo."
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, first.help_text = "Contraseña nueva", NEW_CREDENTIAL_HELP
        second.label, second.help_text = "Escríbela otra vez", ""
        first.error_messages["required"] = "Escribe la contraseña nueva."
        second.error_messages["required"] = "Escribe otra vez la contraseña nueva."

    def save(self, commit: bool = True) -> User:
        user: User = self.user  # type: ignore[assignment]  # the default User model
        user_password_set_by_link(user=user, password=self.cleaned_data["new_password1"])
        return user
