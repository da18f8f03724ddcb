"""Monthly progress: what each activity achieved, the capture cycle and the semáforo policy.

The cycle runs per program × area × month (``PeriodReport``): borrador →
enviado → aprobado, or devuelto (with comments) → corrected → enviado … Approval locks
the period; reopening needs a reason. Capture windows per institution: a month opens on
day 1 of the following month and closes on ``MonitoringPolicy.close_day``; Planeación
can extend it per area (``WindowExtension``). Semáforo bands are per institution
(``MonitoringPolicy``) with per-activity overrides (``ActivityBands``); the grading
itself lives in ``rumbo.core.semaforo``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from rumbo.core.models import TimeStamped
from rumbo.core.semaforo import DEFAULT_BANDS, Bands
from rumbo.institutions.models import Area, Institution, Role
from rumbo.programs.models import Activity, AnnualProgram


class BandFields(models.Model):
    """Four band edges in percent (see ``rumbo.core.semaforo``), ordered by constraint."""

    yellow_low = models.DecimalField(
        "amarillo desde (%)", max_digits=7, decimal_places=2, default=DEFAULT_BANDS.yellow_low
    )
    green_low = models.DecimalField(
        "verde desde (%)", max_digits=7, decimal_places=2, default=DEFAULT_BANDS.green_low
    )
    green_high = models.DecimalField(
        "verde hasta (%)", max_digits=7, decimal_places=2, default=DEFAULT_BANDS.green_high
    )
    yellow_high = models.DecimalField(
        "amarillo hasta (%)", max_digits=7, decimal_places=2, default=DEFAULT_BANDS.yellow_high
    )

    class Meta:
        abstract = True

    @property
    def bands(self) -> Bands:
        return Bands(self.yellow_low, self.green_low, self.green_high, self.yellow_high)


def _bands_ordered(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(yellow_low__gte=0)
        & Q(green_low__gte=F("yellow_low"))
        & Q(green_high__gte=F("green_low"))
        & Q(yellow_high__gte=F("green_high")),
        name=f"{prefix}_bands_ordered",
    )


class MonitoringPolicy(BandFields, TimeStamped):
    """Per-institution policy: default semáforo bands, capture window, evidence limits."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="monitoring_policy"
    )
    close_day = models.PositiveSmallIntegerField(
        "día de cierre de la captura",
        default=10,
        help_text="La captura de un mes abre el día 1 del mes siguiente y cierra este día.",
    )
    evidence_max_mb = models.PositiveSmallIntegerField(
        "tamaño máximo de evidencia (MB)", default=10
    )

    class Meta:
        verbose_name = "política de seguimiento"
        verbose_name_plural = "políticas de seguimiento"
        constraints = [
            _bands_ordered("policy"),
            models.CheckConstraint(
                condition=Q(close_day__gte=1, close_day__lte=28), name="policy_close_day_range"
            ),
            models.CheckConstraint(
                condition=Q(evidence_max_mb__gte=1, evidence_max_mb__lte=100),
                name="policy_evidence_size_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Política de seguimiento {self.institution.code}"


class ActivityBands(BandFields):
    """Bands of one activity that override its institution's."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="bands")
    reason = models.TextField("motivo", blank=True)

    class Meta:
        verbose_name = "semáforo propio de actividad"
        verbose_name_plural = "semáforos propios de actividades"
        constraints = [_bands_ordered("activity")]

    def __str__(self) -> str:
        return f"Semáforo de {self.activity.key}"


class WindowExtension(models.Model):
    """Planeación lets an area (or every area) capture a month after the window closed."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="window_extensions"
    )
    year = models.PositiveSmallIntegerField("ejercicio")
    month = models.PositiveSmallIntegerField("mes")
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="window_extensions",
        help_text="Vacío: todas las áreas.",
    )
    until = models.DateField("hasta")
    reason = models.TextField("motivo")
    created_by = models.CharField("otorgada por", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "prórroga de captura"
        verbose_name_plural = "prórrogas de captura"
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="extension_month_range"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="extension_reason_required"),
        ]
        indexes = [models.Index(fields=["institution", "year", "month"])]

    def __str__(self) -> str:
        who = self.area.code if self.area_id and self.area else "todas las áreas"
        return f"{self.institution.code} {self.month}/{self.year} {who} hasta {self.until}"


class PeriodState(models.TextChoices):
    DRAFT = "borrador", "Borrador"
    SUBMITTED = "enviado", "Enviado"
    RETURNED = "devuelto", "Devuelto"
    APPROVED = "aprobado", "Aprobado"


# How Spanish says a capture («la captura», feminine) is in each state, for messages.
CAPTURE_STATE_PHRASES = {
    PeriodState.DRAFT: "en borrador",
    PeriodState.SUBMITTED: "enviada",
    PeriodState.RETURNED: "devuelta",
    PeriodState.APPROVED: "aprobada",
}


class PeriodReport(TimeStamped):
    """The capture of one area for one month of a program, and where it is in the cycle."""

    program = models.ForeignKey(
        AnnualProgram, on_delete=models.CASCADE, related_name="period_reports"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="period_reports")
    month = models.PositiveSmallIntegerField("mes")
    state = models.CharField(
        "estado", max_length=10, choices=PeriodState.choices, default=PeriodState.DRAFT
    )
    submitted_at = models.DateTimeField("enviado", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("resuelto", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField("observaciones", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["program", "month", "area"]
        verbose_name = "captura mensual de área"
        verbose_name_plural = "capturas mensuales de áreas"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "area", "month"], name="period_report_unique"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="period_report_month_range"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in PeriodState]),
                name="period_report_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.area.code} · mes {self.month} · {self.state}"

    @property
    def locked(self) -> bool:
        return self.state in (PeriodState.SUBMITTED, PeriodState.APPROVED)

    @property
    def state_phrase(self) -> str:
        """«enviada», «en borrador»…: completes «La captura está …»."""
        return CAPTURE_STATE_PHRASES[PeriodState(self.state)]


class ProgressEntry(TimeStamped):
    """What an activity achieved in one month. No row = not reported yet."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="progress_entries"
    )
    month = models.PositiveSmallIntegerField("mes")
    achieved = models.DecimalField("cantidad alcanzada", max_digits=14, decimal_places=4)
    comment = models.TextField("comentario", blank=True)
    justification = models.TextField("justificación", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["activity", "month"]
        verbose_name = "avance mensual"
        verbose_name_plural = "avances mensuales"
        constraints = [
            models.UniqueConstraint(fields=["activity", "month"], name="progress_entry_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="progress_entry_month_range"
            ),
            models.CheckConstraint(
                condition=Q(achieved__gte=Decimal(0)), name="progress_entry_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.key} · mes {self.month}: {self.achieved}"


class Evidence(models.Model):
    """A file backing a progress entry, stored outside the web root, served only by access."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="evidence")
    original_name = models.CharField("nombre del archivo", max_length=255)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    content_type = models.CharField("tipo", max_length=100)
    size = models.PositiveBigIntegerField("tamaño (bytes)")
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "uploaded_at"]
        verbose_name = "evidencia"
        verbose_name_plural = "evidencias"

    def __str__(self) -> str:
        return self.original_name


# --- review as a conversation ---------------------------------------------------------------


class MessageKind(models.TextChoices):
    OBSERVATION = "observacion", "Observación"
    ANSWER = "respuesta", "Respuesta"
    RETURN = "devolucion", "Devolución"
    APPROVAL = "aprobacion", "Aprobación"


class PeriodMessage(models.Model):
    """One post of the thread of an area's month: the reviewer's observations, the area's
    answers, and the comments that came with returning or approving it
    (``rumbo/monitoring/services/conversation.py``). Never edited nor deleted."""

    period = models.ForeignKey(PeriodReport, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField("escribió", max_length=150)
    # The role the author wrote with, as it was then (a membership may change later).
    author_role = models.CharField("papel", max_length=20, choices=Role.choices)
    kind = models.CharField("tipo", max_length=12, choices=MessageKind.choices)
    text = models.TextField("texto")
    created_at = models.DateTimeField("fecha", auto_now_add=True)

    class Meta:
        ordering = ["period", "created_at", "id"]
        verbose_name = "mensaje de revisión de captura"
        verbose_name_plural = "mensajes de revisión de capturas"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="period_message_text_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in MessageKind]),
                name="period_message_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} de {self.author_label} · {self.period_id}"


class PeriodSubmission(models.Model):
    """What an area's month held when it was sent to review, each time (1, 2, 3…): the
    reviewer sees what changed since the previous one (``rumbo/monitoring/submissions.py``).

    ``values``: activity id (text) → {"key", "achieved" (decimal text or null), "comment",
    "justification", "evidence" (how many files)}."""

    period = models.ForeignKey(PeriodReport, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField("envío")
    submitted_at = models.DateTimeField("enviado")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_label = models.CharField("envió", max_length=150)
    values = models.JSONField("valores enviados", default=dict)

    class Meta:
        ordering = ["period", "number"]
        verbose_name = "envío de captura"
        verbose_name_plural = "envíos de capturas"
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="period_submission_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="period_submission_number"),
        ]

    def __str__(self) -> str:
        return f"Envío {self.number} · {self.period_id}"
