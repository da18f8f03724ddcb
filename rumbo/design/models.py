"""Program design (Metodología del Marco Lógico, first stage) plus risks and cronograma.

A ``ProgramDesign`` belongs to a top-level node of an annual program: an IEEM
subprograma or an IECM programa específico. It holds the problem statement, the
stakeholder analysis, the problem and objective trees, the alternatives, the target
population, the risk matrix and the cronograma of actions. The MIR that follows from it
lives in ``rumbo.indicators``, and so does the design's head record, ``ProgramDesign``
(its node, title and problem statement, table ``design_programdesign``): a MIR belongs
to it and this app sits above indicators, so the head is defined below and imported here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rumbo.core.models import TimeStamped
from rumbo.core.versions import Versioned
from rumbo.indicators.models import ProgramDesign
from rumbo.programs.models import Activity


def _score_range(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
        name=f"%(class)s_{name}_1_5",
    )


class Stakeholder(Versioned, models.Model):
    """A row of the stakeholder analysis (análisis de involucrados), scores 1–5."""

    design = models.ForeignKey(ProgramDesign, on_delete=models.CASCADE, related_name="stakeholders")
    order = models.PositiveIntegerField("orden", default=0)
    actor = models.CharField("actor", max_length=255)
    interests = models.TextField("intereses", blank=True)
    perceived_problems = models.TextField("problemas percibidos", blank=True)
    resources_mandates = models.TextField("recursos y mandatos", blank=True)
    expectations = models.TextField("expectativa en el proyecto", blank=True)
    conflicts_alliances = models.TextField("conflictos y alianzas potenciales", blank=True)
    position = models.PositiveSmallIntegerField("posición", null=True, blank=True)
    power = models.PositiveSmallIntegerField("poder", null=True, blank=True)
    involvement = models.PositiveSmallIntegerField("involucramiento", null=True, blank=True)
    importance = models.PositiveSmallIntegerField("importancia", null=True, blank=True)
    notes = models.TextField("notas", blank=True)

    SCORES = ("position", "power", "involvement", "importance")

    class Meta:
        ordering = ["design", "order", "pk"]
        verbose_name = "involucrado"
        verbose_name_plural = "involucrados"
        constraints = [
            models.CheckConstraint(condition=~Q(actor=""), name="stakeholder_actor"),
            _score_range("position"),
            _score_range("power"),
            _score_range("involvement"),
            _score_range("importance"),
        ]

    def __str__(self) -> str:
        return self.actor


class TreeKind(models.TextChoices):
    PROBLEM = "problema", "Árbol de problemas"
    OBJECTIVE = "objetivo", "Árbol de objetivos"


class TreeRole(models.TextChoices):
    CORE = "central", "Central"
    CAUSE = "causa", "Causa / medio"
    EFFECT = "efecto", "Efecto / fin"


class TreeNode(Versioned, models.Model):
    """A box of the problem or objective tree. Causes hang below the core, effects above.

    ``parent`` is the box it connects to toward the core: a first-level cause's parent is
    the core; a sub-cause's parent is its cause. The core has no parent.
    """

    design = models.ForeignKey(ProgramDesign, on_delete=models.CASCADE, related_name="tree_nodes")
    tree = models.CharField("árbol", max_length=10, choices=TreeKind.choices)
    role = models.CharField("tipo", max_length=10, choices=TreeRole.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    text = models.TextField("texto")
    order = models.PositiveIntegerField("orden", default=0)

    class Meta:
        ordering = ["design", "tree", "order", "pk"]
        verbose_name = "elemento de árbol"
        verbose_name_plural = "elementos de árboles"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="tree_node_text"),
            models.CheckConstraint(
                condition=Q(tree__in=TreeKind.values), name="tree_node_tree_valid"
            ),
            models.CheckConstraint(
                condition=Q(role="central", parent__isnull=True)
                | (Q(role__in=["causa", "efecto"]) & Q(parent__isnull=False)),
                name="tree_node_parent_matches_role",
            ),
            models.UniqueConstraint(
                fields=["design", "tree"], condition=Q(role="central"), name="tree_one_core"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Alternative(Versioned, models.Model):
    design = models.ForeignKey(ProgramDesign, on_delete=models.CASCADE, related_name="alternatives")
    order = models.PositiveIntegerField("orden", default=0)
    title = models.TextField("alternativa")
    actions = models.TextField("acciones", blank=True, help_text="Una por renglón.")
    chosen = models.BooleanField("elegida", default=False)

    class Meta:
        ordering = ["design", "order", "pk"]
        verbose_name = "alternativa"
        verbose_name_plural = "alternativas"
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="alternative_title")]

    def __str__(self) -> str:
        return self.title[:60]

    @property
    def action_list(self) -> list[str]:
        return [line.strip() for line in self.actions.splitlines() if line.strip()]


class PopulationFigure(Versioned, models.Model):
    """A figure that sizes the target population, with its source."""

    design = models.ForeignKey(
        ProgramDesign, on_delete=models.CASCADE, related_name="population_figures"
    )
    order = models.PositiveIntegerField("orden", default=0)
    group = models.CharField("grupo", max_length=255, blank=True)
    label = models.CharField("concepto", max_length=255)
    value = models.DecimalField("cifra", max_digits=16, decimal_places=2)
    unit = models.CharField("unidad", max_length=60, blank=True)
    source = models.CharField("fuente", max_length=255)
    cutoff = models.CharField("corte", max_length=60, blank=True)

    class Meta:
        ordering = ["design", "order", "pk"]
        verbose_name = "cifra de población"
        verbose_name_plural = "cifras de población"
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="population_label"),
            models.CheckConstraint(condition=~Q(source=""), name="population_source"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


class Treatment(models.TextChoices):
    AVOID = "evitar", "Evitar"
    REDUCE = "reducir", "Reducir"
    SHARE = "compartir", "Compartir o transferir"
    ACCEPT = "aceptar", "Aceptar"


class Risk(Versioned, TimeStamped):
    """A row of the risk matrix. Its level is ``probability × impact`` (see ``design.risk``)."""

    design = models.ForeignKey(ProgramDesign, on_delete=models.CASCADE, related_name="risks")
    order = models.PositiveIntegerField("orden", default=0)
    risk = models.TextField("riesgo")
    cause = models.TextField("causa", blank=True)
    effect = models.TextField("efecto", blank=True)
    probability = models.PositiveSmallIntegerField("probabilidad (1–5)")
    impact = models.PositiveSmallIntegerField("impacto (1–5)")
    owner = models.CharField("responsable", max_length=255, blank=True)
    controls = models.TextField("controles", blank=True)
    treatment = models.CharField(
        "tratamiento", max_length=10, choices=Treatment.choices, default=Treatment.REDUCE
    )
    treatment_actions = models.TextField("acciones de tratamiento", blank=True)
    follow_up = models.TextField("seguimiento", blank=True)

    class Meta:
        ordering = ["design", "order", "pk"]
        verbose_name = "riesgo"
        verbose_name_plural = "riesgos"
        constraints = [
            models.CheckConstraint(condition=~Q(risk=""), name="risk_text"),
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=5), name="risk_probability_1_5"
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_5"
            ),
            models.CheckConstraint(
                condition=Q(treatment__in=Treatment.values), name="risk_treatment_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.risk[:60]


class ScheduleAction(Versioned, models.Model):
    """A row of the cronograma: an action and the months in which it runs."""

    design = models.ForeignKey(
        ProgramDesign, on_delete=models.CASCADE, related_name="schedule_actions"
    )
    component = models.ForeignKey(
        "indicators.MirRow",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="schedule_actions",
        help_text="Componente o actividad de la MIR a la que contribuye.",
    )
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="schedule_actions",
        help_text="Actividad del programa anual, si la hay.",
    )
    order = models.PositiveIntegerField("orden", default=0)
    number = models.CharField("núm.", max_length=20, blank=True)
    description = models.TextField("acción")
    months = models.JSONField("meses", default=list, help_text="Meses (1–12) en que se ejecuta.")
    months_simulated = models.BooleanField(
        "meses simulados",
        default=False,
        help_text="Los meses no vienen del documento: son simulados (se muestra así).",
    )
    responsible = models.CharField("responsable", max_length=255, blank=True)

    class Meta:
        ordering = ["design", "order", "pk"]
        verbose_name = "acción del cronograma"
        verbose_name_plural = "acciones del cronograma"
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="schedule_description"),
        ]

    def __str__(self) -> str:
        return self.description[:60]
