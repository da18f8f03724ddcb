"""Adjustment requests (solicitudes de adecuación): the only way to change the targets of
an approved program, and — the budget kinds (ampliación, reducción, traspaso) — the
budget's modificado. An enlace requests for its own area, Planeación for
any; someone with the authority who is not the requester decides; approved, the change is
applied and the program's next version frozen (``services.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rumbo.core.models import TimeStamped
from rumbo.indicators.models import Indicator
from rumbo.institutions.models import Institution, Role
from rumbo.programs.models import Activity, AnnualProgram, ProgramVersion


class AdjustmentKind(models.TextChoices):
    CALENDARIO = "calendario", "Reprogramación del calendario"
    META_ANUAL = "meta_anual", "Ajuste de meta anual"
    ALTA = "alta", "Alta de actividad"
    BAJA = "baja", "Baja de actividad"
    DESCRIPCION = "descripcion", "Cambio de unidad o descripción"
    META_INDICADOR = "meta_indicador", "Ajuste de meta de indicador"
    # adecuaciones presupuestarias: they move the budget's modificado (rumbo.budget.movements)
    AMPLIACION = "ampliacion", "Ampliación presupuestal"
    REDUCCION = "reduccion", "Reducción presupuestal"
    TRASPASO = "traspaso", "Traspaso presupuestal"


BUDGET_KINDS = frozenset(
    {AdjustmentKind.AMPLIACION, AdjustmentKind.REDUCCION, AdjustmentKind.TRASPASO}
)


class AdjustmentState(models.TextChoices):
    SOLICITADA = "solicitada", "Solicitada"
    APROBADA = "aprobada", "Aprobada"
    RECHAZADA = "rechazada", "Rechazada"


class AdjustmentRequest(TimeStamped):
    program = models.ForeignKey(AnnualProgram, on_delete=models.PROTECT, related_name="adjustments")
    number = models.PositiveIntegerField("folio")
    kind = models.CharField("tipo", max_length=16, choices=AdjustmentKind.choices)
    state = models.CharField(
        "estado", max_length=12, choices=AdjustmentState.choices, default=AdjustmentState.SOLICITADA
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="adjustments"
    )
    activity_key = models.CharField("clave de la actividad", max_length=30, blank=True)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="adjustments"
    )
    indicator_name = models.CharField("indicador", max_length=255, blank=True)
    area_code = models.CharField("área", max_length=20, blank=True)
    before = models.JSONField("antes", default=dict)
    after = models.JSONField("después", default=dict)
    justification = models.TextField("justificación")
    document = models.FileField(
        "documento de soporte", upload_to="adecuaciones/%Y/", blank=True, max_length=255
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_label = models.CharField("solicitó", max_length=150)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_label = models.CharField("decidió", max_length=150, blank=True)
    decided_at = models.DateTimeField("decidida el", null=True, blank=True)
    decision_reason = models.TextField("motivo de la decisión", blank=True)
    version = models.OneToOneField(
        ProgramVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustment",
        help_text="La versión del programa que creó al aprobarse.",
    )

    class Meta:
        ordering = ["program", "-number"]
        verbose_name = "solicitud de adecuación"
        verbose_name_plural = "solicitudes de adecuación"
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="adjustment_number_unique"),
            models.CheckConstraint(
                condition=Q(indicator__isnull=True) | Q(activity__isnull=True),
                name="adjustment_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"Adecuación {self.number} ({self.program})"

    @property
    def is_budget(self) -> bool:
        return self.kind in BUDGET_KINDS

    @property
    def budget_keys(self) -> list[str]:
        """The claves a budget request moves, in its order, once each."""
        keys = [m.get("clave", "") for m in (self.after or {}).get("movimientos", [])]
        return list(dict.fromkeys(k for k in keys if k))

    @property
    def subject(self) -> str:
        """What it changes, as a person reads it: «actividad 010501», «indicador …» or
        «presupuesto de 0101 y 0102» (no query)."""
        if self.kind == AdjustmentKind.META_INDICADOR:
            return f"indicador «{self.indicator_name}»"
        if self.is_budget:
            keys = self.budget_keys
            listed = ", ".join(keys[:-1]) + f" y {keys[-1]}" if len(keys) > 1 else "".join(keys)
            return f"presupuesto de {listed}"
        return f"actividad {self.activity_key}"

    @property
    def subject_phrase(self) -> str:
        """«de la actividad 010501», «del indicador …», «del presupuesto de 0101»."""
        article = "de la" if self.subject.startswith("actividad") else "del"
        return f"{article} {self.subject}"


class DeciderRole(models.TextChoices):
    PLANEACION = Role.PLANEACION.value, "Planeación"
    REVISOR = Role.REVISOR.value, "Revisión"


class AdjustmentPolicy(TimeStamped):
    """Who decides an institution's adjustment requests (Planeación unless set)."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="adjustment_policy"
    )
    decider = models.CharField(
        "decide", max_length=12, choices=DeciderRole.choices, default=DeciderRole.PLANEACION
    )

    class Meta:
        verbose_name = "política de adecuaciones"
        verbose_name_plural = "políticas de adecuaciones"
