"""Notifications (avisos): what happened that a person must know, shown in the app and,
unless the person turned it off, sent by e-mail. ``key`` makes each event once per
recipient (``services.notify``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rumbo.institutions.models import Institution


class NotificationKind(models.TextChoices):
    WINDOW_OPENED = "window_opened", "Ventana de captura abierta"
    WINDOW_CLOSING = "window_closing", "La ventana cierra pronto"
    CAPTURE_SUBMITTED = "capture_submitted", "Captura enviada a revisión"
    CAPTURE_RETURNED = "capture_returned", "Captura devuelta"
    CAPTURE_APPROVED = "capture_approved", "Captura aprobada"
    CAPTURE_REOPENED = "capture_reopened", "Captura reabierta"
    ADJUSTMENT_REQUESTED = "adjustment_requested", "Adecuación solicitada"
    ADJUSTMENT_DECIDED = "adjustment_decided", "Adecuación decidida"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("tipo", max_length=24, choices=NotificationKind.choices)
    title = models.CharField("título", max_length=200)
    body = models.TextField("texto", blank=True)
    url = models.CharField("enlace", max_length=500, blank=True)
    key = models.CharField("clave", max_length=200)
    created_at = models.DateTimeField("creado", auto_now_add=True)
    read_at = models.DateTimeField("leído", null=True, blank=True)
    # True while the e-mail is owed (the recipient had an address and e-mail on when it was
    # created) and not yet delivered; `rumbo notify` retries those of the last days.
    email_pending = models.BooleanField("correo pendiente", default=False)
    emailed_at = models.DateTimeField("enviado por correo", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "aviso"
        verbose_name_plural = "avisos"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_key_unique"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_pending", "created_at"], name="notification_email_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"


class NotificationPreference(models.Model):
    """A user's choice about e-mail; without a row, e-mail is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField("avisos por correo", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "preferencia de avisos"
        verbose_name_plural = "preferencias de avisos"

    def __str__(self) -> str:
        return f"{self.user} · correo {'sí' if self.email_enabled else 'no'}"
