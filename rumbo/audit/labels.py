"""What the audit trail's actions, fields and objects are called for people (es-MX).

The audit app is the lowest of the domain apps: it cannot know the actions of the apps
above it. Each app registers its own in its ``AppConfig.ready()`` (see
``rumbo/<app>/audit_labels.py``):

- ``register_actions({"activity.create": "Creó la actividad", …})`` — every action string
  the app records (``tests/audit/test_labels.py`` fails on one without a label);
- ``register_fields({"annual_target": "Cantidad anual", …})`` — keys of ``before``/``after``
  that are not a model field with a Spanish ``verbose_name`` (``model="programs.activity"``
  for a label that holds for one model only);
- ``register_values("kind", {"program": "Programa anual", …})`` — stored codes shown by
  their label (model fields with ``choices`` need nothing: their labels are read from
  the model);
- ``register_value_kind("month", ["month"])`` — keys whose values are numbers, months,
  dates or who did something (an actor's label: ``cli:root``) though the model does not
  say so; ``text`` keeps a number as written (a year is never «2,024»);
- ``register_object_pages("programs.activity", resolver)`` — where each object of a kind
  is seen: ``resolver(ids)`` answers ``{id: ObjectPage(url, label, state)}`` for those
  that still exist, in one query.

``rumbo.audit.display`` reads these to show an event (the bitácora page, its exports, an
object's history).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from django.db import models
from django.urls import reverse

ValueKind = Literal["number", "month", "date", "text", "actor"]


@dataclass(frozen=True)
class ObjectPage:
    """What the app that owns an object says of it now: its page (``url``, empty when it
    has none anyone may open), a current name (``label``, empty: the one recorded) and a
    current state (``state``, e.g. an export's «Listo»)."""

    url: str = ""
    label: str = ""
    state: str = ""


ObjectResolver = Callable[[list[int]], Mapping[int, ObjectPage]]

_ACTIONS: dict[str, str] = {}
_MODEL_ACTIONS: dict[tuple[str, str], str] = {}
_FIELDS: dict[str, str] = {}
_MODEL_FIELDS: dict[tuple[str, str], str] = {}
_VALUES: dict[str, dict[str, str]] = {}
_KINDS: dict[str, ValueKind] = {}
_OBJECT_PAGES: dict[str, ObjectResolver] = {}


def register_actions(labels: Mapping[str, str], *, model: str = "") -> None:
    """Label actions (``"period.approve": "Aprobó la captura"``): a verb in the past tense,
    as «who did what» reads in the bitácora. With ``model`` (``"app_label.model"``), the
    label of that action on that model's objects only (two apps using one action name)."""
    if model:
        _MODEL_ACTIONS.update({(model, action): label for action, label in labels.items()})
    else:
        _ACTIONS.update(labels)


def register_fields(labels: Mapping[str, str], *, model: str = "") -> None:
    """Label keys of ``before``/``after``; with ``model`` (``"app_label.model"``) only for
    that model's events, else for every event whose model has no better label."""
    if model:
        _MODEL_FIELDS.update({(model, key): label for key, label in labels.items()})
    else:
        _FIELDS.update(labels)


def register_values(key: str, labels: Mapping[str, str]) -> None:
    """Show the stored codes of a key by their labels (``"listo"`` → «Listo»)."""
    _VALUES.setdefault(key, {}).update(labels)


def register_value_kind(kind: ValueKind, keys: Iterable[str]) -> None:
    """Format the values of these keys as numbers, months or dates (``text``: as stored)."""
    _KINDS.update(dict.fromkeys(keys, kind))


def register_object_pages(model: str, resolver: ObjectResolver) -> None:
    """Where objects of a model (``"app_label.model"``) are seen; one query per call."""
    _OBJECT_PAGES[model] = resolver


def register_object_url(model: type[models.Model], url_name: str, *paths: str) -> None:
    """The common case of ``register_object_pages``: the page ``url_name`` whose arguments
    are read along ``paths`` of each object (``"program__institution__code"``, …)."""

    def resolve(ids: list[int]) -> dict[int, ObjectPage]:
        rows = model._default_manager.filter(pk__in=ids).values_list("pk", *paths)
        return {pk: ObjectPage(url=reverse(url_name, args=args)) for pk, *args in rows}

    register_object_pages(model._meta.label_lower, resolve)


def action_label(action: str, model: str = "") -> str | None:
    return _MODEL_ACTIONS.get((model, action)) or _ACTIONS.get(action)


def labelled_actions() -> frozenset[str]:
    return frozenset(_ACTIONS)


def field_label(key: str, model: str = "") -> str | None:
    """The registered label of a key (the model's own first), or None."""
    return _MODEL_FIELDS.get((model, key)) or _FIELDS.get(key)


def value_labels(key: str) -> Mapping[str, str]:
    return _VALUES.get(key, {})


def value_kind(key: str) -> ValueKind | None:
    return _KINDS.get(key)


def object_resolver(model: str) -> ObjectResolver | None:
    return _OBJECT_PAGES.get(model)
