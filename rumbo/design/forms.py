"""Forms of the design pages: they parse input; ``rumbo.design.services`` validates and saves.

Field names are the service's field names, so a service error lands next to its field.
Required-ness, lengths and score ranges are the service's rules (one place, one message);
choice lists (a tree's boxes, the MIR's componentes, the program's activities) come from
the view, which got them from the selectors.
"""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.core.forms import set_choices, version_field
from rumbo.core.periods import MONTH_NAMES
from rumbo.design.models import Treatment, TreeKind, TreeRole

SCORE_CHOICES = [("", "—"), *((str(i), str(i)) for i in range(1, 6))]
MONTH_CHOICES = [(str(i), name.capitalize()) for i, name in enumerate(MONTH_NAMES, start=1)]


def _text(label: str, *, long: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}) if long else forms.TextInput(),
    )


def _score(label: str) -> forms.CharField:
    """A select of 1–5; the service checks the range (a posted «9» gets its message)."""
    return forms.CharField(label=label, required=False, widget=forms.Select(choices=SCORE_CHOICES))


def _pick(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None)


class ItemForm(forms.Form):
    """Base of the item forms: ``options`` gives the choices of its pick fields."""

    PICKS: tuple[str, ...] = ()
    version = version_field()  # the item's version as the page read it (edit only)

    def __init__(
        self, *args: Any, options: dict[str, list[tuple[int, str]]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in self.PICKS:
            set_choices(
                self.fields[name],
                [
                    ("", "— Ninguno —"),
                    *((str(pk), label) for pk, label in (options or {}).get(name, [])),
                ],
            )


class DesignForm(forms.Form):
    title = _text("Título")
    problem_statement = _text("Problema central", long=True)
    diagnosis = _text("Diagnóstico", long=True)
    selection_rationale = _text("Justificación de la alternativa elegida", long=True)
    population_description = _text("Población objetivo", long=True)
    source_note = _text(
        "Nota sobre la fuente",
        long=True,
        help_text="De dónde salen los datos y qué no se pudo leer del documento.",
    )


class DesignCreateForm(ItemForm):
    PICKS = ("node",)
    node = forms.TypedChoiceField(
        label="Nivel del programa", required=False, coerce=int, empty_value=None
    )
    title = _text("Título")
    problem_statement = _text("Problema central", long=True)


class StakeholderForm(ItemForm):
    actor = _text("Actor")
    interests = _text("Intereses", long=True)
    perceived_problems = _text("Problemas percibidos", long=True)
    resources_mandates = _text("Recursos y mandatos", long=True)
    expectations = _text("Expectativa en el proyecto", long=True)
    conflicts_alliances = _text("Conflictos y alianzas potenciales", long=True)
    position = _score("Posición (1–5)")
    power = _score("Poder (1–5)")
    involvement = _score("Involucramiento (1–5)")
    importance = _score("Importancia (1–5)")
    notes = _text("Notas", long=True)
    order = _text("Orden")


class TreeNodeForm(ItemForm):
    PICKS = ("parent",)
    tree = forms.ChoiceField(label="Árbol", required=False, choices=TreeKind.choices)
    role = forms.ChoiceField(label="Tipo", required=False, choices=TreeRole.choices)
    parent = _pick("Cuelga de")
    text = _text("Texto", long=True)
    order = _text("Orden")


class AlternativeForm(ItemForm):
    title = _text("Alternativa", long=True)
    actions = _text("Acciones", long=True, help_text="Una por renglón.")
    chosen = forms.BooleanField(label="Es la alternativa elegida", required=False)
    order = _text("Orden")


class PopulationForm(ItemForm):
    group = _text("Grupo")
    label = _text("Concepto")
    value = forms.CharField(
        label="Cifra",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    unit = _text("Unidad")
    source = _text("Fuente")
    cutoff = _text("Corte", help_text="p. ej. «2024» o «31/12/2023».")
    order = _text("Orden")


class RiskForm(ItemForm):
    risk = _text("Riesgo", long=True)
    cause = _text("Causa", long=True)
    effect = _text("Efecto", long=True)
    probability = _score("Probabilidad (1–5)")
    impact = _score("Impacto (1–5)")
    owner = _text("Responsable")
    controls = _text("Controles", long=True)
    treatment = forms.ChoiceField(label="Tratamiento", required=False, choices=Treatment.choices)
    treatment_actions = _text("Acciones de tratamiento", long=True)
    follow_up = _text("Seguimiento", long=True)
    order = _text("Orden")


class ScheduleActionForm(ItemForm):
    PICKS = ("component", "activity")
    number = _text("Núm.")
    description = _text("Acción", long=True)
    months = forms.MultipleChoiceField(
        label="Meses", required=False, choices=MONTH_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    responsible = _text("Responsable")
    component = _pick("Componente o actividad de la MIR")
    activity = _pick("Actividad del programa anual")
    order = _text("Orden")
