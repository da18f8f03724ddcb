"""The budget of a program year: the CONAC classifiers and the momentos contables.

- **Clasificador por Objeto del Gasto** (CONAC): ``Chapter`` (capítulo, «1000») →
  ``Concept`` (concepto, «1100») → ``GenericItem`` (partida genérica, «111»), shipped as
  data (``data/cog_conac.csv``, loaded by a migration and ``rumbo budget load-cog``), the
  same for every institution; ``SpecificItem`` (partida específica, «11101») is each
  institution's, below one genérica.
- **Fuentes de financiamiento**: ``FundingSource``, per institution (CONAC's default set
  in ``data/fuentes_conac.csv``).
- ``BudgetLine``: one program node (subprograma, proyecto) — optionally one of its
  activities — × partida específica × fuente × month, with the six momentos contables del
  egreso (LGCG) as the amounts *of that month* in pesos (Decimal, two places). Totals to a
  date are sums of months 1..M.

The database guards what a row alone can break: non-negative amounts, months 1–12, one row
per key. What needs several rows (devengado to date above modificado to date…) is a
quality finding of the import (``rumbo.budget.importer``), not a constraint.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode

# The momentos contables del egreso (Ley General de Contabilidad Gubernamental), in order.
MOMENTS = ("aprobado", "modificado", "comprometido", "devengado", "ejercido", "pagado")
MOMENT_LABELS = {
    "aprobado": "Aprobado",
    "modificado": "Modificado",
    "comprometido": "Comprometido",
    "devengado": "Devengado",
    "ejercido": "Ejercido",
    "pagado": "Pagado",
}
AMOUNT_DIGITS = 16
AMOUNT_PLACES = 2


class Chapter(models.Model):
    """Capítulo del gasto (CONAC): «1000 Servicios personales»."""

    key = models.CharField("clave", max_length=4, unique=True)
    name = models.CharField("nombre", max_length=255)

    class Meta:
        ordering = ["key"]
        verbose_name = "capítulo del gasto"
        verbose_name_plural = "capítulos del gasto"

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class Concept(models.Model):
    """Concepto del gasto (CONAC): «1100 Remuneraciones al personal de carácter permanente»."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="concepts")
    key = models.CharField("clave", max_length=4, unique=True)
    name = models.CharField("nombre", max_length=255)

    class Meta:
        ordering = ["key"]
        verbose_name = "concepto del gasto"
        verbose_name_plural = "conceptos del gasto"

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class GenericItem(models.Model):
    """Partida genérica (CONAC): «211 Materiales, útiles y equipos menores de oficina»."""

    concept = models.ForeignKey(Concept, on_delete=models.PROTECT, related_name="items")
    key = models.CharField("clave", max_length=3, unique=True)
    name = models.CharField("nombre", max_length=255)

    class Meta:
        ordering = ["key"]
        verbose_name = "partida genérica"
        verbose_name_plural = "partidas genéricas"

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class SpecificItem(models.Model):
    """Partida específica of one institution («21101 Materiales y útiles de oficina»), below
    the partida genérica its first three digits name."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="budget_items"
    )
    generic = models.ForeignKey(GenericItem, on_delete=models.PROTECT, related_name="specifics")
    key = models.CharField("clave", max_length=5)
    name = models.CharField("nombre", max_length=255, blank=True)
    # Created by an import from a partida the file named and the catalogue did not have:
    # every import that uses it says so (finding «budget_item_unknown») until it is reviewed.
    unreviewed = models.BooleanField("sin revisar", default=False)

    class Meta:
        ordering = ["institution", "key"]
        verbose_name = "partida específica"
        verbose_name_plural = "partidas específicas"
        constraints = [
            models.UniqueConstraint(fields=["institution", "key"], name="specific_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.name}".strip()


class FundingSource(models.Model):
    """Fuente de financiamiento of one institution («11 Recursos fiscales»)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="funding_sources"
    )
    key = models.CharField("clave", max_length=10)
    name = models.CharField("nombre", max_length=255)

    class Meta:
        ordering = ["institution", "key"]
        verbose_name = "fuente de financiamiento"
        verbose_name_plural = "fuentes de financiamiento"
        constraints = [
            models.UniqueConstraint(fields=["institution", "key"], name="funding_source_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="funding_source_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


def _amount(label: str) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0
    )


class BudgetLine(models.Model):
    """The amounts of one month of one key: node (and optionally activity) × partida
    específica × fuente. Each momento is what was recorded in that month, in pesos.

    Written only by the budget import (``rumbo.budget.importer``) and by the approved
    adecuaciones presupuestarias (``rumbo.budget.movements``), which move ``modificado``."""

    program = models.ForeignKey(AnnualProgram, on_delete=models.CASCADE, related_name="budget")
    node = models.ForeignKey(ProgramNode, on_delete=models.CASCADE, related_name="budget")
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="budget"
    )
    item = models.ForeignKey(SpecificItem, on_delete=models.PROTECT, related_name="lines")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="lines")
    month = models.PositiveSmallIntegerField("mes")
    aprobado = _amount("aprobado")
    modificado = _amount("modificado")
    comprometido = _amount("comprometido")
    devengado = _amount("devengado")
    ejercido = _amount("ejercido")
    pagado = _amount("pagado")

    class Meta:
        ordering = ["program", "node", "activity", "item", "source", "month"]
        verbose_name = "renglón del presupuesto"
        verbose_name_plural = "renglones del presupuesto"
        constraints = [
            # One row per key and month; a row of the node itself (no activity) and a row of
            # one of its activities are different keys. Partial indexes: NULLs never clash.
            models.UniqueConstraint(
                fields=["program", "node", "item", "source", "month"],
                condition=Q(activity__isnull=True),
                name="budget_line_node_unique",
            ),
            models.UniqueConstraint(
                fields=["program", "activity", "item", "source", "month"],
                condition=Q(activity__isnull=False),
                name="budget_line_activity_unique",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="budget_line_month_range"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{moment}__gte": 0}), name=f"budget_line_{moment}_non_negative"
                )
                for moment in MOMENTS
            ),
        ]
        indexes = [models.Index(fields=["program", "month"])]

    def __str__(self) -> str:
        return f"{self.key} · mes {self.month}"

    @property
    def key(self) -> str:
        """«0101 · 21101 · 11»: what the file calls this row's key (the bitácora's label)."""
        where = self.activity.key if self.activity_id and self.activity else self.node.key
        return f"{where} · {self.item.key} · {self.source.key}"


class BudgetMovement(models.Model):
    """One approved movement of an adecuación presupuestaria: what it added to (positive)
    or took from (negative) ``modificado`` of one key × month. The ledger of every approved
    adecuación, written only by ``rumbo.budget.movements.apply_budget_movements`` (in the
    transaction that approves the request); the import adds it to the file's modificado,
    so a re-import keeps the adecuaciones (docs/budget.md)."""

    program = models.ForeignKey(
        AnnualProgram, on_delete=models.CASCADE, related_name="budget_movements"
    )
    node = models.ForeignKey(ProgramNode, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(SpecificItem, on_delete=models.PROTECT, related_name="movements")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="movements")
    month = models.PositiveSmallIntegerField("mes")
    amount = models.DecimalField("importe", max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    reference = models.CharField(
        "referencia", max_length=120, help_text="La adecuación que lo aplicó («Adecuación 7»)."
    )
    created_at = models.DateTimeField("aplicado el", auto_now_add=True)

    class Meta:
        ordering = ["program", "created_at", "pk"]
        verbose_name = "movimiento presupuestal"
        verbose_name_plural = "movimientos presupuestales"
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="budget_movement_month_range"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="budget_movement_not_zero"),
        ]
        indexes = [models.Index(fields=["program", "month"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount} · mes {self.month}"
