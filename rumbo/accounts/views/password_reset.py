"""«¿Olvidaste tu contraseña?»: Django's password reset views with Rumbo's forms, pages
and mail. The mail goes through Django's mail (SMTP from the environment; the console
when no ``EMAIL_HOST`` is set, and the pages say so). No page tells whether an account
has the address given."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy

from ..forms import ResetRequestForm, ResetSetPasswordForm

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def mail_context() -> dict[str, Any]:
    """What the pages say about where the mail goes and how long the link lasts."""
    return {
        "mail_to_console": settings.EMAIL_BACKEND == CONSOLE_BACKEND,
        "link_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "web/password_reset_form.html"
    email_template_name = "web/password_reset_email.txt"
    subject_template_name = "web/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **mail_context()}

    def form_valid(self, form: Any) -> HttpResponse:
        # Links point at the configured address (RUMBO_BASE_URL) when there is one, else
        # at the address the request came to.
        base = settings.RUMBO_BASE_URL or self.request.build_absolute_uri("/").rstrip("/")
        self.extra_email_context = {"base_url": base, **mail_context()}
        return super().form_valid(form)

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **mail_context()}


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    template_name = "web/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset_complete.html"
