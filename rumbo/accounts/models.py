"""Accounts beyond Django's users: API tokens and the login attempts that throttle logins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nombre", max_length=100, blank=True)
    prefix = models.CharField("prefijo", max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("creado", auto_now_add=True)
    last_used_at = models.DateTimeField("último uso", null=True, blank=True)
    expires_at = models.DateTimeField("vence")
    revoked_at = models.DateTimeField("revocado", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "token de API"
        verbose_name_plural = "tokens de API"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def state(self) -> str:
        """«vigente», «vencido» or «revocado», as the pages and `rumbo token list` say it."""
        if self.revoked_at is not None:
            return "revocado"
        return "vencido" if self.expires_at <= timezone.now() else "vigente"


class LoginAttempt(models.Model):
    """One login attempt, kept to slow down password guessing (by user name and by address)."""

    username = models.CharField("usuario", max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField("dirección", null=True, blank=True, db_index=True)
    succeeded = models.BooleanField("correcto", default=False)
    created_at = models.DateTimeField("fecha", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "intento de inicio de sesión"
        verbose_name_plural = "intentos de inicio de sesión"

    def __str__(self) -> str:
        outcome = "correcto" if self.succeeded else "fallido"
        return f"{self.username} {outcome} {self.created_at:%d/%m/%Y %H:%M}"
