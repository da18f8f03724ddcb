"""Optimistic versions: two people editing the same object never lose a change silently.

One rule for every object a second person may edit at the same time (progress entries,
activities and their months, plan elements, MIR rows, indicators and their targets,
design items):

- the object carries a ``version`` (``Versioned``), 1 when created, one more on every
  saved change (``version_bump``);
- the page or the API client sends back the version it read; the service locks the row
  (``select_for_update``), then ``version_check`` compares: a different version raises
  ``StaleVersion`` — a ``Conflict``, so the API answers 409 and the pages show both
  sides — with the stored and the sent versions and what each side holds;
- a write that sends no version (older API clients) is not checked: it changes only the
  fields it sends, under the row lock, so nothing it did not send is overwritten.

A stale save is never merged: the second writer sees what the first one saved and decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F

from .errors import Conflict
from .numbers import format_mx
from .periods import MONTH_NAMES

MONTHS_KEYS = frozenset({"monthly_targets"})  # 12 values, one per month, shown by month


class Versioned(models.Model):
    """A ``version`` that grows by one with every saved change (the optimistic lock)."""

    version = models.PositiveIntegerField(
        "versión",
        default=1,
        help_text="Crece con cada cambio guardado; quien edita envía la que leyó.",
    )

    class Meta:
        abstract = True


class StaleVersion(Conflict):
    """Someone else saved the record after this user read it (optimistic lock).

    ``current``/``submitted`` are the stored and the sent versions (None: no record /
    sent as new); ``current_values``/``submitted_values`` what each side holds, so a page
    can show both and let the person choose, and the API answers both.
    """

    default_message = "Otra persona modificó el registro mientras lo editabas."

    def __init__(
        self,
        *,
        current: int | None,
        submitted: int | None,
        current_values: dict[str, Any] | None = None,
        submitted_values: dict[str, Any] | None = None,
        message: str | None = None,
    ) -> None:
        self.current = current
        self.submitted = submitted
        self.current_values = current_values or {}
        self.submitted_values = submitted_values or {}
        super().__init__(message or self.default_message)

    def extra(self) -> dict[str, Any]:
        return {
            "current_version": self.current,
            "submitted_version": self.submitted,
            "current": self.current_values,
            "submitted": self.submitted_values,
        }


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(vacío)"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, int | float | Decimal):
        return format_mx(value)
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) if v is not None else "—" for v in value)
    text = str(value)
    return f"«{text[:117]}…»" if len(text) > 120 else f"«{text}»"


def _field(
    key: str, labels: Mapping[str, str], current: Mapping[str, Any], sent: Mapping[str, Any]
) -> str:
    value, mine = current.get(key), sent.get(key)
    label = labels.get(key, key)
    if key in MONTHS_KEYS and isinstance(value, list) and len(value) == 12:
        other: list[Any] | None = mine if isinstance(mine, list) and len(mine) == 12 else None
        months = [
            f"{MONTH_NAMES[i]} {_shown(v) if v is not None else '(sin meta)'}"
            for i, v in enumerate(value)
            if other is None or other[i] != v
        ]
        return f"{label}: {', '.join(months)}"
    return f"{label} {_shown(value)}"


def stale_message(
    *,
    noun: str,
    current: int,
    submitted: int | None,
    current_values: Mapping[str, Any],
    submitted_values: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
) -> str:
    """«Otra persona guardó esta actividad mientras la editabas (versión 3; tú partiste de
    la 2): descripción «…». Revisa sus cambios …» — what the other person saved, for
    each field the user sent with a different value (all stored fields if none differ)."""
    labels = labels or {}
    names = [k for k in submitted_values if current_values.get(k) != submitted_values.get(k)]
    names = [k for k in names if k in current_values] or [k for k in current_values if k in labels]
    saved = "; ".join(_field(k, labels, current_values, submitted_values) for k in names)
    start = f"tú partiste de la {submitted}" if submitted is not None else "tú creabas uno nuevo"
    it = "la" if noun.startswith("esta") else "lo"
    text = f"Otra persona guardó {noun} mientras {it} editabas (versión {current}; {start})"
    if saved:
        text += f": {saved}"
    return text + ". Revisa lo que guardó; si quieres conservar tus cambios, vuelve a guardarlos."


def version_check(
    obj: Versioned,
    sent: int | None,
    *,
    noun: str,
    current_values: Mapping[str, Any] | None = None,
    submitted_values: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
) -> None:
    """``StaleVersion`` if ``sent`` (the version the user read) is not ``obj``'s stored one.

    Call it on the row as locked by the service (``select_for_update``), before any
    change. ``sent=None``: the caller sent no version — no check (see the module's rule).
    """
    if sent is None or sent == obj.version:
        return
    stored = dict(current_values or {})
    stored["version"] = obj.version
    mine = dict(submitted_values or {})
    raise StaleVersion(
        current=obj.version,
        submitted=sent,
        current_values=stored,
        submitted_values=mine,
        message=stale_message(
            noun=noun,
            current=obj.version,
            submitted=sent,
            current_values=stored,
            submitted_values=mine,
            labels=labels,
        ),
    )


def version_bump(obj: Versioned, *, write: bool = True) -> None:
    """One more version on ``obj``: written at once (``write``), or only on the instance
    for a ``save()`` that follows."""
    obj.version += 1
    if write:
        type(obj)._default_manager.filter(pk=obj.pk).update(version=F("version") + 1)
