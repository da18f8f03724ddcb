"""An export asked for by a user: what, for whom, its state and, when done, its file."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from rumbo.institutions.models import Institution


class JobState(models.TextChoices):
    QUEUED = "en_cola", "En cola"
    RUNNING = "generando", "Generando"
    DONE = "listo", "Listo"
    FAILED = "fallido", "Falló"


class ExportJob(models.Model):
    """One export. ``token`` names it in URLs (not guessable); the file lives under
    ``DATA_DIR/exports/<token>/`` until it is purged."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="export_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField("tipo", max_length=40)
    params = models.JSONField("parámetros", default=dict)
    label = models.CharField("descripción", max_length=255)
    background = models.BooleanField("en segundo plano", default=False)
    state = models.CharField(
        "estado", max_length=12, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField("avance (%)", default=0)
    step = models.CharField("paso", max_length=255, blank=True)
    error = models.TextField("error", blank=True)
    filename = models.CharField("archivo", max_length=255, blank=True)
    size = models.PositiveBigIntegerField("tamaño (bytes)", null=True, blank=True)
    created_at = models.DateTimeField("solicitado", auto_now_add=True)
    started_at = models.DateTimeField("iniciado", null=True, blank=True)
    finished_at = models.DateTimeField("terminado", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_job_progress_le_100"
            )
        ]
        verbose_name = "exportación"
        verbose_name_plural = "exportaciones"

    def __str__(self) -> str:
        return f"{self.label} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
