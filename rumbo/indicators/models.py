"""MIR (Matriz de Indicadores para Resultados), indicators with their ficha técnica, measurements.

A ``Mir`` belongs to a ``ProgramDesign`` (defined here; its analysis is ``rumbo.design``'s).
Rows: one Fin, one Propósito, Componentes, Actividades under each Componente (``parent``).
Each indicator has a formula over named variables (``rumbo.indicators.formula``), targets
per period of its frequency (``rumbo.core.periods``) and measurements. A measurement of
period *p* belongs to the monthly capture (``monitoring.PeriodReport``) of the indicator's
area for the month that closes *p*: same window, same submit / approve / return / reopen
cycle as activities.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rumbo.core.models import TimeStamped
from rumbo.core.periods import FREQUENCY_CHOICES, Frequency
from rumbo.core.semaforo import Direction
from rumbo.core.versions import Versioned
from rumbo.institutions.models import Area, Institution
from rumbo.monitoring.models import BandFields, _bands_ordered
from rumbo.programs.models import Activity, ProgramNode, ProgramState


class Level(models.TextChoices):
    FIN = "fin", "Fin"
    PROPOSITO = "proposito", "Propósito"
    COMPONENTE = "componente", "Componente"
    ACTIVIDAD = "actividad", "Actividad"


class ProgramDesign(TimeStamped):
    """A program's design (one per top-level program node): the head record the MIR
    belongs to. Its analysis (stakeholders, trees, alternatives, population, risks,
    cronograma) lives in ``rumbo.design``, which imports this model."""

    node = models.OneToOneField(ProgramNode, on_delete=models.CASCADE, related_name="design")
    title = models.CharField(
        "título", max_length=255, help_text="p. ej. «Programa Específico de Vinculación 2024»."
    )
    problem_statement = models.TextField("problema central", blank=True)
    diagnosis = models.TextField("diagnóstico", blank=True)
    selection_rationale = models.TextField("justificación de la alternativa elegida", blank=True)
    population_description = models.TextField("población objetivo", blank=True)
    source_note = models.TextField(
        "nota sobre la fuente",
        blank=True,
        help_text="De dónde salen los datos y qué no se pudo leer del documento.",
    )

    class Meta:
        verbose_name = "diseño de programa"
        verbose_name_plural = "diseños de programas"
        db_table = "design_programdesign"  # defined in rumbo.design until the cycle was cut
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="design_title")]

    def __str__(self) -> str:
        return self.title


# A MIR's state in words (feminine: «la MIR está aprobada»).
MIR_STATE_WORDS: dict[str, str] = {
    ProgramState.FORMULACION.value: "en formulación",
    ProgramState.REVISION.value: "en revisión",
    ProgramState.APROBADO.value: "aprobada",
    ProgramState.CERRADO.value: "cerrada",
}


class Mir(TimeStamped):
    """A design's matrix. It has its own life cycle (``rumbo/indicators/lifecycle.py``):
    en formulación ⇄ en revisión → aprobado → cerrado, the program's states; once approved
    (or closed) its indicators' targets change only by adjustment request."""

    design = models.OneToOneField(ProgramDesign, on_delete=models.CASCADE, related_name="mir")
    notes = models.TextField("notas", blank=True)
    state = models.CharField(
        "estado", max_length=12, choices=ProgramState.choices, default=ProgramState.FORMULACION
    )
    agreement = models.CharField("acuerdo de aprobación", max_length=120, blank=True)
    approved_on = models.DateField("fecha del acuerdo", null=True, blank=True)
    measurements_simulated = models.BooleanField(
        "mediciones simuladas",
        default=False,
        help_text=(
            "Las mediciones de los indicadores son simuladas (rumbo demo): cada página, "
            "descarga y respuesta que las muestra lo dice."
        ),
    )

    class Meta:
        verbose_name = "MIR"
        verbose_name_plural = "MIR"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ProgramState.values), name="mir_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"MIR · {self.design.title}"

    @property
    def state_text(self) -> str:
        """«la MIR está …»: en formulación, en revisión, aprobada, cerrada."""
        return MIR_STATE_WORDS.get(self.state, self.state)

    @property
    def targets_frozen(self) -> bool:
        """Approved (or closed): its indicators are not created or deleted and their
        targets change only through an approved adjustment request, never directly."""
        return self.state in (ProgramState.APROBADO, ProgramState.CERRADO)


class MirRow(Versioned, models.Model):
    mir = models.ForeignKey(Mir, on_delete=models.CASCADE, related_name="rows")
    level = models.CharField("nivel", max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text="Para una actividad: el componente que produce.",
    )
    code = models.CharField("clave", max_length=20, blank=True, help_text="p. ej. C1, A1.2")
    order = models.PositiveIntegerField("orden", default=0)
    summary = models.TextField("resumen narrativo")
    verification = models.TextField("medios de verificación", blank=True)
    assumptions = models.TextField("supuestos", blank=True)

    class Meta:
        ordering = ["mir", "order", "pk"]
        verbose_name = "renglón de la MIR"
        verbose_name_plural = "renglones de la MIR"
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="mir_row_summary"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="mir_row_level_valid"),
            models.CheckConstraint(
                condition=Q(level="actividad") | Q(parent__isnull=True),
                name="mir_row_only_activities_have_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.code}".strip()


class IndicatorKind(models.TextChoices):
    STRATEGIC = "estrategico", "Estratégico"
    MANAGEMENT = "gestion", "De gestión"
    PERFORMANCE = "desempeno", "Desempeño"
    SATISFACTION = "satisfaccion", "Satisfacción"


class Dimension(models.TextChoices):
    EFFICACY = "eficacia", "Eficacia"
    EFFICIENCY = "eficiencia", "Eficiencia"
    QUALITY = "calidad", "Calidad"
    ECONOMY = "economia", "Economía"


class FormulaType(models.TextChoices):
    PERCENT = "porcentaje", "Porcentaje"
    RATE = "tasa", "Tasa"
    AVERAGE = "promedio", "Promedio"
    INDEX = "indice", "Índice"
    RATIO = "razon", "Razón"
    OTHER = "otro", "Otro"


class Accumulation(models.TextChoices):
    PERIODIC = "periodico", "Periódico"
    CUMULATIVE = "acumulado", "Acumulado"


DIRECTION_CHOICES = [
    (Direction.ASCENDING.value, "Ascendente"),
    (Direction.DESCENDING.value, "Descendente"),
]


CREMAA_FIELDS = (
    "cremaa_clear",
    "cremaa_relevant",
    "cremaa_economic",
    "cremaa_monitorable",
    "cremaa_adequate",
    "cremaa_marginal",
)


class Indicator(Versioned, TimeStamped):
    """An indicator and its ficha técnica."""

    row = models.ForeignKey(MirRow, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveIntegerField("orden", default=0)
    name = models.CharField("nombre", max_length=255)
    definition = models.TextField("definición", blank=True)
    formula = models.TextField(
        "método de cálculo",
        help_text="Expresión sobre las variables, p. ej. «atendidas / solicitadas * 100».",
    )
    formula_as_printed = models.TextField("fórmula como aparece en el documento", blank=True)
    formula_type = models.CharField(
        "tipo de fórmula", max_length=12, choices=FormulaType.choices, default=FormulaType.PERCENT
    )
    unit = models.CharField("unidad de medida", max_length=60, default="Porcentaje")
    kind = models.CharField("tipo", max_length=12, choices=IndicatorKind.choices)
    dimension = models.CharField("dimensión", max_length=12, choices=Dimension.choices, blank=True)
    frequency = models.CharField("frecuencia de medición", max_length=12, choices=FREQUENCY_CHOICES)
    direction = models.CharField(
        "sentido", max_length=12, choices=DIRECTION_CHOICES, default=Direction.ASCENDING.value
    )
    accumulation = models.CharField(
        "comportamiento de la meta",
        max_length=10,
        choices=Accumulation.choices,
        default=Accumulation.PERIODIC,
    )
    baseline_value = models.DecimalField(
        "línea base", max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField("año de la línea base", null=True, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="indicators", verbose_name="área responsable"
    )
    # CREMAA (claro, relevante, económico, monitoreable, adecuado, aportación marginal), 1–5.
    cremaa_clear = models.PositiveSmallIntegerField("claro", null=True, blank=True)
    cremaa_relevant = models.PositiveSmallIntegerField("relevante", null=True, blank=True)
    cremaa_economic = models.PositiveSmallIntegerField("económico", null=True, blank=True)
    cremaa_monitorable = models.PositiveSmallIntegerField("monitoreable", null=True, blank=True)
    cremaa_adequate = models.PositiveSmallIntegerField("adecuado", null=True, blank=True)
    cremaa_marginal = models.PositiveSmallIntegerField("aportación marginal", null=True, blank=True)

    CREMAA = CREMAA_FIELDS

    class Meta:
        ordering = ["row", "order", "pk"]
        verbose_name = "indicador"
        verbose_name_plural = "indicadores"
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="indicator_name"),
            models.CheckConstraint(condition=~Q(formula=""), name="indicator_formula"),
            models.CheckConstraint(
                condition=Q(frequency__in=[f.value for f in Frequency]),
                name="indicator_frequency_valid",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=[d.value for d in Direction]),
                name="indicator_direction_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=IndicatorKind.values), name="indicator_kind_valid"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 1, f"{f}__lte": 5}),
                    name=f"indicator_{f}_1_5",
                )
                for f in CREMAA_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorVariable(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(
        "nombre en la fórmula", max_length=40, help_text="Letras, dígitos y guion bajo."
    )
    description = models.TextField("descripción")
    unit = models.CharField("unidad", max_length=60, blank=True)
    source = models.TextField("fuente (medio de verificación)", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["indicator", "order", "pk"]
        verbose_name = "variable del indicador"
        verbose_name_plural = "variables del indicador"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "name"], name="indicator_variable_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="indicator_variable_name"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    """The meta of one period (1…n by frequency) of the program's year; period 0 = annual."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.PositiveSmallIntegerField("periodo")
    value = models.DecimalField("meta", max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["indicator", "period"]
        verbose_name = "meta del indicador"
        verbose_name_plural = "metas del indicador"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="indicator_target_unique"),
            models.CheckConstraint(
                condition=Q(period__gte=0, period__lte=12), name="indicator_target_period_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} · {self.period}: {self.value}"


class IndicatorBands(BandFields):
    """Semáforo bands of one indicator that override its institution's."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="bands")
    reason = models.TextField("motivo", blank=True)

    class Meta:
        verbose_name = "semáforo propio de indicador"
        verbose_name_plural = "semáforos propios de indicadores"
        constraints = [_bands_ordered("indicator")]

    def __str__(self) -> str:
        return f"Semáforo de {self.indicator.name}"


class Measurement(TimeStamped):
    """The variables captured for one period, and the value computed from the formula."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period = models.PositiveSmallIntegerField("periodo")
    values = models.JSONField("valores de las variables", default=dict)
    value = models.DecimalField("resultado", max_digits=20, decimal_places=4, null=True)
    comment = models.TextField("comentario", blank=True)
    justification = models.TextField("justificación", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "period"]
        verbose_name = "medición"
        verbose_name_plural = "mediciones"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="measurement_unique"),
            models.CheckConstraint(
                condition=Q(period__gte=1, period__lte=12), name="measurement_period_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} · periodo {self.period}: {self.value}"


class ActivityMirLink(models.Model):
    """A POA activity linked to the MIR row (actividad or componente) it carries out."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="mir_link")
    row = models.ForeignKey(MirRow, on_delete=models.CASCADE, related_name="activity_links")

    class Meta:
        verbose_name = "vínculo actividad–MIR"
        verbose_name_plural = "vínculos actividad–MIR"

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.row_id}"


class MirPolicy(TimeStamped):
    """Per-institution expectations the MIR checker warns against (docs/mir-checker.md)."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="mir_policy"
    )
    frequencies = models.JSONField(
        "frecuencias esperadas por nivel", default=dict, help_text="nivel → lista de frecuencias"
    )
    dimensions = models.JSONField(
        "dimensiones esperadas por nivel", default=dict, help_text="nivel → lista de dimensiones"
    )

    class Meta:
        verbose_name = "reglas de la MIR"
        verbose_name_plural = "reglas de la MIR"

    def __str__(self) -> str:
        return f"Reglas de la MIR {self.institution.code}"
