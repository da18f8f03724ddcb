"""What an institution has decided to publish as open data.

A ``Publication`` makes one annual program year public (its tree, and the progress of its
approved months), or — on top of a published year — one MIR of that program (its
indicators, targets and approved measurements). Without a row nothing is public. Withdrawing
deletes the row; the audit trail keeps who published and withdrew what, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rumbo.indicators.models import Mir
from rumbo.programs.models import AnnualProgram


class PublicationKind(models.TextChoices):
    PROGRAM = "programa", "Programa anual"
    MIR = "mir", "MIR"


class Publication(models.Model):
    program = models.ForeignKey(
        AnnualProgram, on_delete=models.CASCADE, related_name="publications"
    )
    kind = models.CharField("qué", max_length=10, choices=PublicationKind.choices)
    mir = models.OneToOneField(
        Mir, null=True, blank=True, on_delete=models.CASCADE, related_name="publication"
    )
    published_at = models.DateTimeField("publicado")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by_label = models.CharField("publicado por", max_length=150)

    class Meta:
        ordering = ["program", "kind", "mir"]
        verbose_name = "publicación de datos abiertos"
        verbose_name_plural = "publicaciones de datos abiertos"
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(kind=PublicationKind.PROGRAM),
                name="publication_program_unique",
            ),
            models.CheckConstraint(
                condition=(Q(kind=PublicationKind.PROGRAM) & Q(mir__isnull=True))
                | (Q(kind=PublicationKind.MIR) & Q(mir__isnull=False)),
                name="publication_kind_matches_mir",
            ),
        ]

    def __str__(self) -> str:
        what = "programa" if self.kind == PublicationKind.PROGRAM else f"MIR {self.mir_id}"
        return f"Publicación {self.program_id} · {what}"


class ProgramMonthSummary(models.Model):
    """The national comparison's four figures of a published program year at one month
    (``rumbo/opendata/summary.py`` computes them from ``rumbo.monitoring.figures``; docs/
    open-data.md defines them). Twelve rows per published program, none for the others;
    every figure of a month without an approved capture is null. Rewritten in the same
    transaction as every event that changes them (``rumbo.monitoring.changes``, publishing
    and withdrawing); ``rumbo opendata rebuild-summary`` rebuilds it from scratch."""

    program = models.ForeignKey(
        AnnualProgram, on_delete=models.CASCADE, related_name="open_month_summaries"
    )
    month = models.PositiveSmallIntegerField("mes")
    average_compliance = models.DecimalField(
        "cumplimiento promedio", max_digits=7, decimal_places=2, null=True
    )
    on_track_share = models.DecimalField("en meta", max_digits=7, decimal_places=2, null=True)
    timeliness = models.DecimalField("puntualidad", max_digits=7, decimal_places=2, null=True)
    completeness = models.DecimalField("completitud", max_digits=7, decimal_places=2, null=True)

    class Meta:
        verbose_name = "resumen mensual de un programa publicado"
        verbose_name_plural = "resúmenes mensuales de programas publicados"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "month"], name="program_month_summary_unique"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12),
                name="program_month_summary_month_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Resumen {self.program_id} · {self.month:02d}"
