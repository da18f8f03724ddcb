"""Annual programs: a tree of named levels whose leaves are activities with a monthly calendar.

IEEM: subprograma → proyecto → actividad; IECM: programa → actividad institucional → acción.
The level names are data (``AnnualProgram.level_names``); nodes carry their depth.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rumbo.core.models import TimeStamped
from rumbo.core.text import normalize
from rumbo.core.versions import Versioned
from rumbo.institutions.models import Area, Institution
from rumbo.strategy.models import LineOfAction

DEFAULT_LEVEL_NAMES = ["Subprograma", "Proyecto", "Actividad"]


def default_level_names() -> list[str]:
    return list(DEFAULT_LEVEL_NAMES)


class UnitOfMeasure(models.Model):
    """Catalog of units of measure per institution (Reporte, Solicitud, Evento…)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="units")
    name = models.CharField("nombre", max_length=120)
    normalized = models.CharField(max_length=120, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "unidad de medida"
        verbose_name_plural = "unidades de medida"
        constraints = [
            models.UniqueConstraint(fields=["institution", "normalized"], name="unit_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="unit_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.normalized = normalize(self.name)
        super().save(*args, **kwargs)


class ProgramState(models.TextChoices):
    """The life cycle of an annual program (see ``rumbo/programs/lifecycle.py``)."""

    FORMULACION = "formulacion", "En formulación"
    REVISION = "revision", "En revisión"
    APROBADO = "aprobado", "Aprobado"
    CERRADO = "cerrado", "Cerrado"


class AnnualProgram(TimeStamped):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="annual_programs"
    )
    year = models.PositiveSmallIntegerField("ejercicio")
    name = models.CharField("nombre", max_length=255)
    level_names = models.JSONField(
        "niveles",
        default=default_level_names,
        help_text="Nombres de los niveles del árbol, del más alto a la actividad.",
    )
    source_file = models.CharField("archivo de origen", max_length=255, blank=True)
    progress_simulated = models.BooleanField(
        "avance simulado",
        default=False,
        help_text=(
            "El avance mensual es simulado (rumbo demo): cada página, descarga y respuesta "
            "que lo muestra lo dice."
        ),
    )
    state = models.CharField(
        "estado", max_length=12, choices=ProgramState.choices, default=ProgramState.FORMULACION
    )
    agreement = models.CharField("acuerdo de aprobación", max_length=120, blank=True)
    approved_on = models.DateField("fecha del acuerdo", null=True, blank=True)
    agreement_file = models.FileField(
        "documento del acuerdo", upload_to="acuerdos/%Y/", blank=True, max_length=255
    )
    version = models.PositiveIntegerField(
        "versión vigente",
        default=0,
        help_text="La versión aprobada en vigor (0: aún no aprobado); ver ProgramVersion.",
    )

    class Meta:
        ordering = ["institution", "-year"]
        verbose_name = "programa anual"
        verbose_name_plural = "programas anuales"
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="program_year_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="program_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution.code} {self.year}"

    @property
    def effective_level_names(self) -> list[str]:
        """The level names by depth, the activities' last: the program's, else the defaults."""
        return list(self.level_names or DEFAULT_LEVEL_NAMES)

    def level_name(self, depth: int) -> str:
        """The name of the grouping level (a node) at ``depth``. The last name belongs to
        the activities, so a node deeper than the named grouping levels is «Nivel n»."""
        names = self.effective_level_names
        return names[depth] if depth < len(names) - 1 else f"Nivel {depth + 1}"

    @property
    def activity_level_name(self) -> str:
        """What the program calls its activities («Actividad», «Acción»…)."""
        return self.effective_level_names[-1]

    @property
    def targets_frozen(self) -> bool:
        """Approved (or closed): its targets change only through an approved adjustment
        request (``rumbo.adjustments``), never by a direct edit."""
        return self.state in (ProgramState.APROBADO, ProgramState.CERRADO)


class ProgramNode(models.Model):
    """A grouping level of the program (subprograma, proyecto…). Activities hang from leaves."""

    program = models.ForeignKey(AnnualProgram, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    depth = models.PositiveSmallIntegerField("nivel", default=0)
    key = models.CharField("clave", max_length=30)
    name = models.TextField("nombre")
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="program_nodes"
    )
    objective = models.TextField("objetivo general", blank=True)
    legal_framework = models.TextField("marco legal", blank=True)
    order = models.PositiveIntegerField("orden", default=0)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["program", "depth", "order"]
        verbose_name = "nodo del programa"
        verbose_name_plural = "nodos del programa"
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="program_node_key_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="program_node_key_not_empty"),
            models.CheckConstraint(
                condition=Q(depth=0, parent__isnull=True) | Q(depth__gt=0, parent__isnull=False),
                name="program_node_depth_matches_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.name[:60]}"


class Activity(Versioned, TimeStamped):
    program = models.ForeignKey(AnnualProgram, on_delete=models.CASCADE, related_name="activities")
    node = models.ForeignKey(ProgramNode, on_delete=models.CASCADE, related_name="activities")
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        help_text="Área responsable (la del subprograma salvo que se indique otra).",
    )
    key = models.CharField("clave", max_length=30)
    description = models.TextField("descripción")
    unit = models.ForeignKey(
        UnitOfMeasure, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    annual_target = models.DecimalField(
        "cantidad anual",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Vacía cuando el documento no la da: nunca se lee como cero.",
    )
    lines_of_action = models.ManyToManyField(
        LineOfAction, blank=True, related_name="activities", verbose_name="líneas de acción"
    )
    calendar_as_printed = models.CharField(
        "calendario como aparece en el documento",
        max_length=255,
        blank=True,
        help_text="Los valores mensuales tal como se leyeron, para revisión.",
    )
    calendar_simulated = models.BooleanField(
        "calendario simulado",
        default=False,
        help_text=(
            "Los meses no vienen de un documento: los dio un cronograma con meses simulados "
            "(rumbo demo). Las páginas que muestran el calendario lo dicen; editar el "
            "calendario lo deja de marcar."
        ),
    )
    order = models.PositiveIntegerField("orden", default=0)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["program", "order"]
        verbose_name = "actividad"
        verbose_name_plural = "actividades"
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="activity_key_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="activity_key_not_empty"),
            models.CheckConstraint(
                condition=Q(annual_target__gte=0), name="activity_annual_target_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.description[:60]}"


# --- the responsible area ------------------------------------------------------------------
# The one home of the rule «an activity answers to its own area, else to the nearest node up
# the tree that names one». Here, next to the models, because the access rules
# (``rumbo.programs.access``) and the services both need it.

NodeMap = dict[int, ProgramNode]


def node_area_holder(node: ProgramNode | None, nodes: NodeMap | None = None) -> ProgramNode | None:
    """The node itself if it names an area, else the nearest ancestor that does, else None.

    ``nodes`` (id → node, all of the program's) walks without queries; without it the walk
    follows ``parent`` (a query per level not already loaded).
    """
    while node is not None:
        if node.area_id is not None:
            return node
        if node.parent_id is None:
            return None
        node = nodes.get(node.parent_id) if nodes else node.parent
    return None


def node_area_id(node: ProgramNode | None, nodes: NodeMap | None = None) -> int | None:
    """The id of the area a node gives its activities (its own or inherited)."""
    holder = node_area_holder(node, nodes)
    return holder.area_id if holder is not None else None


def node_area(node: ProgramNode | None, nodes: NodeMap | None = None) -> Area | None:
    """The area a node gives the activities that hang from it (its own or inherited)."""
    holder = node_area_holder(node, nodes)
    return holder.area if holder is not None else None


def _activity_node(activity: Activity, nodes: NodeMap | None) -> ProgramNode | None:
    return nodes.get(activity.node_id) if nodes else activity.node


def activity_area_id(activity: Activity, nodes: NodeMap | None = None) -> int | None:
    """The id of the activity's responsible area: its own, else its node's (inherited)."""
    if activity.area_id is not None:
        return activity.area_id
    return node_area_id(_activity_node(activity, nodes), nodes)


def activity_area(activity: Activity, nodes: NodeMap | None = None) -> Area | None:
    """The activity's responsible area: its own, else its node's (inherited)."""
    if activity.area_id is not None:
        return activity.area
    return node_area(_activity_node(activity, nodes), nodes)


class MonthlyTarget(models.Model):
    """A programmed quantity for one month. A month without a row is unknown, not zero."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="monthly_targets")
    month = models.PositiveSmallIntegerField("mes")
    quantity = models.DecimalField("cantidad", max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["activity", "month"]
        verbose_name = "meta mensual"
        verbose_name_plural = "metas mensuales"
        constraints = [
            models.UniqueConstraint(fields=["activity", "month"], name="monthly_target_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="monthly_target_month_range"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="monthly_target_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.key} · {self.month}: {self.quantity}"


class Beneficiary(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="beneficiaries")
    description = models.TextField("tipo de beneficiario")
    quantity = models.CharField(
        "cantidad", max_length=60, blank=True, help_text="Texto tal cual; «S/C» = sin cuantificar."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["activity", "order"]
        verbose_name = "beneficiario"
        verbose_name_plural = "beneficiarios"
        constraints = [
            models.UniqueConstraint(fields=["activity", "order"], name="beneficiary_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.quantity or 'S/C'})"

    @property
    def is_quantified(self) -> bool:
        return bool(self.quantity) and self.quantity.strip().upper() != "S/C"


class AreaObjective(TimeStamped):
    """A row of «Objetivos y metas institucionales» (LGT art. 70 fr. IV / CDMX art. 121 fr. IV)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="area_objectives"
    )
    year = models.PositiveSmallIntegerField("ejercicio")
    row_number = models.PositiveIntegerField("fila")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="objectives")
    area_as_printed = models.CharField("área como aparece", max_length=255)
    period_start = models.DateField("inicio del periodo", null=True, blank=True)
    period_end = models.DateField("término del periodo", null=True, blank=True)
    objective = models.TextField("objetivo")
    indicator = models.TextField("indicador", blank=True)
    goal = models.TextField("meta", blank=True)
    unit = models.CharField("unidad de medida", max_length=255, blank=True)
    hyperlink = models.TextField("hipervínculo", blank=True)
    responsible = models.TextField("área responsable de la información", blank=True)
    updated_on = models.DateField("fecha de actualización", null=True, blank=True)
    note = models.TextField("nota", blank=True)
    source_file = models.CharField(max_length=255, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    # A correction made in Rumbo: {"imported": the row as the file gave it before the first
    # correction, "findings": ids of the findings it resolved}; {} when never corrected.
    # A re-import keeps the correction while the file still says what it said then
    # (rumbo/imports/sipot_objectives/reimport.py).
    correction = models.JSONField("corrección hecha en Rumbo", default=dict, blank=True)

    class Meta:
        ordering = ["institution", "year", "row_number"]
        verbose_name = "objetivo y meta institucional"
        verbose_name_plural = "objetivos y metas institucionales"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "row_number"], name="area_objective_row_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="area_objective_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"Fila {self.row_number} ({self.year})"


class FrozenError(Exception):
    """An attempt to change or delete a frozen version."""


class VersionQuerySet(models.QuerySet["ProgramVersion"]):
    def update(self, **kwargs: object) -> int:
        raise FrozenError("Una versión aprobada no se modifica.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise FrozenError("Una versión aprobada no se borra.")


class ProgramVersion(models.Model):
    """An approved state of a program's targets, frozen: version 1 is the baseline the
    Consejo approved; each approved adjustment request makes the next. ``snapshot`` is the
    canonical content (``rumbo/programs/versions.py``), ``sha256`` its digest."""

    program = models.ForeignKey(AnnualProgram, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("versión")
    approved_at = models.DateTimeField("aprobada el")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField("motivo")
    adjustment_id = models.PositiveIntegerField(
        "solicitud de adecuación", null=True, blank=True, help_text="La que hizo esta versión."
    )
    snapshot = models.JSONField("contenido")
    sha256 = models.CharField("SHA-256", max_length=64)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["program", "number"]
        verbose_name = "versión del programa"
        verbose_name_plural = "versiones del programa"
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="program_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="program_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise FrozenError("Una versión aprobada no se modifica.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Model.save's own kwargs

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise FrozenError("Una versión aprobada no se borra.")


# --- observations during revisión ------------------------------------------------------------


class ObservationState(models.TextChoices):
    ABIERTA = "abierta", "Abierta"
    ATENDIDA = "atendida", "Atendida"


class ActivityObservation(TimeStamped):
    """Planeación's observation on an activity while the program is en revisión, the answer of
    the activity's area and, when Planeación is satisfied, «atendida». Kept when the program
    returns to formulación or is approved: they are the history of its review
    (``rumbo/programs/services/observations.py``)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="observations")
    text = models.TextField("observación")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_label = models.CharField("escribió", max_length=150)
    state = models.CharField(
        "estado", max_length=10, choices=ObservationState.choices, default=ObservationState.ABIERTA
    )
    answer = models.TextField("respuesta del área", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_label = models.CharField("respondió", max_length=150, blank=True)
    answered_at = models.DateTimeField("respondida el", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_label = models.CharField("marcó atendida", max_length=150, blank=True)
    resolved_at = models.DateTimeField("atendida el", null=True, blank=True)

    class Meta:
        ordering = ["activity", "created_at", "id"]
        verbose_name = "observación de revisión"
        verbose_name_plural = "observaciones de revisión"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="observation_text_not_empty"),
            models.CheckConstraint(
                condition=Q(state__in=["abierta", "atendida"]), name="observation_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True)
                | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="observation_answer_dated",
            ),
            models.CheckConstraint(
                condition=Q(state="abierta", resolved_at__isnull=True)
                | Q(state="atendida", resolved_at__isnull=False),
                name="observation_resolution_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Observación {self.pk} a {self.activity.key}"
