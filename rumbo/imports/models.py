"""Quality findings (suspicious data, reviewable) and the record of each import run."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from rumbo.core.models import TimeStamped
from rumbo.institutions.models import Institution


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Advertencia"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Abierto"
    ACCEPTED = "accepted", "Aceptado"
    RESOLVED = "resolved", "Resuelto"


class QualityFinding(TimeStamped):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="quality_findings"
    )
    # The importer that raised it (ImportRun.kind): a later import of the same kind
    # re-evaluates it by the object it concerns, whatever the file is called.
    kind = models.CharField("tipo de importación", max_length=30, blank=True)
    year = models.PositiveSmallIntegerField("ejercicio", null=True, blank=True)
    source_file = models.CharField("archivo", max_length=255)
    source_line = models.PositiveIntegerField("línea", null=True, blank=True)
    severity = models.CharField("severidad", max_length=10, choices=Severity.choices)
    code = models.CharField("código", max_length=40, db_index=True)
    message = models.TextField("mensaje")
    status = models.CharField(
        "estado", max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    concerns = GenericForeignKey("content_type", "object_id")
    object_label = models.CharField("objeto", max_length=255, blank=True)
    fingerprint = models.CharField(max_length=64, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_comment = models.TextField("comentario", blank=True)

    class Meta:
        ordering = ["institution", "source_file", "source_line", "code"]
        verbose_name = "hallazgo de calidad"
        verbose_name_plural = "hallazgos de calidad"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "fingerprint"], name="finding_fingerprint_unique"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=[s.value for s in Severity]), name="finding_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in FindingStatus]),
                name="finding_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["institution", "status", "code"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.source_file}:{self.source_line}"


class ImportRun(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="import_runs"
    )
    kind = models.CharField("tipo", max_length=30)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    source_file = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    summary = models.JSONField(default=dict)
    actor = models.CharField("ejecutado por", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "importación"
        verbose_name_plural = "importaciones"

    def __str__(self) -> str:
        return f"{self.kind} {self.source_file} ({self.created_at:%d/%m/%Y %H:%M})"
