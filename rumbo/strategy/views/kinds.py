"""The kinds of plan element the URLs name, with the service calls and form labels of each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from rumbo.strategy import services
from rumbo.strategy.models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    SwotItem,
)


@dataclass(frozen=True)
class Parent:
    field: str  # form field
    kwarg: str  # service keyword
    model: type
    label: str


@dataclass(frozen=True)
class Kind:
    """One kind of plan element, as the URLs name it (``politica``, ``linea``, ``foda``…)."""

    model: type
    label: str  # «objetivo estratégico»
    text_label: str
    fragment: str  # the section re-rendered after a change
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    obj_kwarg: str
    text_kwarg: str
    parents: list[Parent] = field(default_factory=list)


KINDS: dict[str, Kind] = {
    "politica": Kind(
        Policy,
        "política general",
        "Nombre",
        "estructura",
        services.policy_create,
        services.policy_update,
        services.policy_delete,
        "policy",
        "name",
    ),
    "programa": Kind(
        GeneralProgram,
        "programa general",
        "Nombre",
        "estructura",
        services.general_program_create,
        services.general_program_update,
        services.general_program_delete,
        "program",
        "name",
        [Parent("politica", "policy", Policy, "Política general")],
    ),
    "objetivo": Kind(
        StrategicObjective,
        "objetivo estratégico",
        "Objetivo",
        "estructura",
        services.objective_create,
        services.objective_update,
        services.objective_delete,
        "objective",
        "text",
        [Parent("programa", "program", GeneralProgram, "Programa general")],
    ),
    "linea": Kind(
        LineOfAction,
        "línea de acción",
        "Línea de acción",
        "estructura",
        services.line_of_action_create,
        services.line_of_action_update,
        services.line_of_action_delete,
        "line",
        "text",
        [
            Parent("objetivo", "objective", StrategicObjective, "Objetivo estratégico"),
            Parent("programa", "program", GeneralProgram, "Programa general"),
        ],
    ),
    "foda": Kind(
        SwotItem,
        "elemento FODA",
        "Texto",
        "foda",
        services.swot_item_create,
        services.swot_item_update,
        services.swot_item_delete,
        "item",
        "text",
    ),
}


def _kind_or_404(kind: str) -> Kind:
    if kind not in KINDS:
        raise Http404("No existe ese tipo de elemento del plan.")
    return KINDS[kind]


def _article(spec: Kind) -> str:
    feminine = spec.model in (Policy, LineOfAction)
    return f"{'la' if feminine else 'el'} {spec.label}"
