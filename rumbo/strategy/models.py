"""The multi-year strategic plan (PGD): políticas → programas → objetivos → líneas, FODA."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from rumbo.core.models import TimeStamped
from rumbo.core.versions import Versioned
from rumbo.institutions.models import Institution


class StrategicPlan(TimeStamped):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField("nombre", max_length=255)
    start_year = models.PositiveSmallIntegerField("año inicial")
    end_year = models.PositiveSmallIntegerField("año final")
    mission = models.TextField("misión", blank=True)
    vision = models.TextField("visión", blank=True)
    source_file = models.CharField("archivo de origen", max_length=255, blank=True)

    class Meta:
        ordering = ["institution", "-start_year"]
        verbose_name = "plan general de desarrollo"
        verbose_name_plural = "planes generales de desarrollo"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "start_year", "end_year"], name="plan_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="plan_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=1990, end_year__lte=2100), name="plan_years_sane"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Plan {self.start_year}-{self.end_year}"


class PlanElement(Versioned, models.Model):
    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="+")
    code = models.CharField("clave", max_length=20)
    order = models.PositiveIntegerField("orden", default=0)

    class Meta:
        abstract = True
        ordering = ["order"]


class Policy(PlanElement):
    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="policies")
    name = models.TextField("nombre")

    class Meta(PlanElement.Meta):
        verbose_name = "política general"
        verbose_name_plural = "políticas generales"
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="policy_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class GeneralProgram(PlanElement):
    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="programs")
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.CASCADE, related_name="programs"
    )
    name = models.TextField("nombre")

    class Meta(PlanElement.Meta):
        verbose_name = "programa general"
        verbose_name_plural = "programas generales"
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="general_program_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class StrategicObjective(PlanElement):
    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="objectives")
    program = models.ForeignKey(
        GeneralProgram, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives"
    )
    text = models.TextField("objetivo")

    class Meta(PlanElement.Meta):
        verbose_name = "objetivo estratégico"
        verbose_name_plural = "objetivos estratégicos"
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="objective_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"


class LineOfAction(PlanElement):
    plan = models.ForeignKey(
        StrategicPlan, on_delete=models.CASCADE, related_name="lines_of_action"
    )
    objective = models.ForeignKey(
        StrategicObjective, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    program = models.ForeignKey(
        GeneralProgram, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    text = models.TextField("línea de acción")

    class Meta(PlanElement.Meta):
        verbose_name = "línea de acción"
        verbose_name_plural = "líneas de acción"
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="line_of_action_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"


class SwotKind(models.TextChoices):
    FORTALEZA = "fortaleza", "Fortalezas"
    OPORTUNIDAD = "oportunidad", "Oportunidades"
    DEBILIDAD = "debilidad", "Debilidades"
    AMENAZA = "amenaza", "Amenazas"


class SwotItem(Versioned, models.Model):
    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="swot_items")
    kind = models.CharField("tipo", max_length=12, choices=SwotKind.choices)
    text = models.TextField("texto")
    order = models.PositiveIntegerField("orden", default=0)

    class Meta:
        ordering = ["kind", "order"]
        verbose_name = "elemento FODA"
        verbose_name_plural = "elementos FODA"
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "order"], name="swot_order_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in SwotKind]), name="swot_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
