"""The budget kinds of an adjustment request (adecuaciones presupuestarias): ampliación,
reducción and traspaso of the budget's modificado, through the same request and decision
as the program's adjustments (``services.py``).

A person writes rows: a side («de»: taken from, «a»: given to), clave programática,
partida específica, fuente, month and a positive amount in pesos. An ampliación only
gives, a reducción only takes, a traspaso does both and gives what it takes (to the
cent). The budget app checks and applies them (``rumbo.budget.movements``); this module
turns rows into signed movements, checks who may ask for which keys, and records what the
request proposes in its ``before``/``after`` as an auditor reads it:

    before = {"movimientos": [{"clave", "partida", "fuente", "mes", "modificado"}]}
    after = {"movimientos": [{"lado", "clave", "partida", "fuente", "mes", "importe",
             "modificado"}], "quita": "…", "da": "…"}

amounts as Decimal strings («1500.00»), ``importe`` signed, ``modificado`` the month's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.audit.services import Actor
from rumbo.budget.importer import parse_amount
from rumbo.budget.keys import resolve_keys
from rumbo.budget.movements import (
    Movement,
    Planned,
    apply_budget_movements,
    budget_movements_check,
)
from rumbo.core.errors import Conflict
from rumbo.institutions.access import AnyUser, can_write_for_area
from rumbo.programs.models import AnnualProgram, ProgramState, activity_area_id, node_area_id

from .models import AdjustmentKind, AdjustmentRequest

FROM, TO = "de", "a"
CENT = Decimal("0.01")
SIDES = {FROM: "De (se quita)", TO: "A (se da)"}
ZERO = Decimal(0)


@dataclass(frozen=True)
class BudgetRow:
    """One row as a person writes it: a positive amount, taken («de») or given («a»)."""

    side: str
    key: str
    item: str
    source: str
    month: int | str
    amount: Decimal | str


def _signed(kind: str, rows: list[BudgetRow]) -> list[Movement]:
    """Rows → signed movements, or ``ValidationError`` (``movements.N``, ``movements``)."""
    errors: dict[str, list[str]] = {}
    if not rows:
        raise ValidationError(
            {"movements": "Una adecuación presupuestaria lleva al menos un movimiento."}
        )
    allowed = {
        AdjustmentKind.AMPLIACION: {TO},
        AdjustmentKind.REDUCCION: {FROM},
        AdjustmentKind.TRASPASO: {FROM, TO},
    }[AdjustmentKind(kind)]
    out = []
    for index, row in enumerate(rows, 1):
        problems, amount = _row(kind, allowed, row)
        if problems:
            errors[f"movements.{index}"] = [f"Movimiento {index}: {p}." for p in problems]
            continue
        out.append(
            Movement(
                key=row.key.strip(),
                item=row.item.strip(),
                source=row.source.strip(),
                month=row.month,
                amount=-amount if row.side == FROM else amount,
            )
        )
    if kind == AdjustmentKind.TRASPASO and not errors:
        sides = {r.side for r in rows}
        if sides != {FROM, TO}:
            errors["movements"] = [
                "Un traspaso quita de una o más claves («de») y da a una o más («a»): "
                "faltan movimientos del otro lado."
            ]
    if errors:
        raise ValidationError(errors)
    return out


def _row(kind: str, allowed: set[str], row: BudgetRow) -> tuple[list[str], Decimal]:
    """What is wrong with a row's side and amount, and its amount (positive)."""
    problems = []
    if row.side not in allowed:
        problems.append(
            "una ampliación solo da («a»)"
            if kind == AdjustmentKind.AMPLIACION
            else "una reducción solo quita («de»)"
            if kind == AdjustmentKind.REDUCCION
            else f"el lado «{row.side}» no existe; usa «de» (se quita) o «a» (se da)"
        )
    amount: Decimal | str = row.amount
    if isinstance(row.amount, str):
        amount = parse_amount(row.amount)
    elif row.amount <= 0:
        amount = f"«{row.amount}» no es un importe positivo"
    if isinstance(amount, str):
        problems.append(f"importe: {amount}")
        return problems, ZERO
    if amount == 0:
        problems.append("importe: es 0; escribe cuánto se mueve")
    return problems, amount


def budget_area(user: AnyUser | None, program: AnnualProgram, rows: list[BudgetRow]) -> str:
    """Check ``user`` may request for every key (Planeación any; an enlace its own area's
    keys only); return the code of the area of the keys when they share one, else ""."""
    targets = resolve_keys(program, {r.key.strip() for r in rows})
    area_ids: dict[str, int | None] = {
        key: (activity_area_id(t.activity) if t.activity else node_area_id(t.node))
        for key, t in targets.items()
    }
    if user is not None:
        refused = sorted(
            key
            for key, area_id in area_ids.items()
            if not can_write_for_area(user, program.institution_id, area_id)
        )
        if refused or (not targets and not can_write_for_area(user, program.institution_id, None)):
            raise PermissionDenied(
                "Solo Planeación, o el enlace del área de cada clave, solicita adecuaciones "
                "presupuestarias"
                + (f"; no puedes pedirla para {', '.join(refused)}." if refused else ".")
            )
    found = {a for a in area_ids.values() if a is not None}
    if len(found) != 1:
        return ""
    area = program.institution.areas.filter(pk=found.pop()).first()
    return area.code if area else ""


def require_open(program: AnnualProgram) -> None:
    if program.state == ProgramState.CERRADO:
        raise Conflict(
            f"El programa {program.year} está cerrado: su presupuesto ya no admite adecuaciones."
        )


def budget_propose(
    program: AnnualProgram, kind: str, rows: list[BudgetRow]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the request records (module doc), after the budget's checks on today's data."""
    movements = _signed(kind, rows)
    planned = budget_movements_check(program, movements, balanced=kind == AdjustmentKind.TRASPASO)
    return _before(planned), _after(planned)


def _text(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _where(p: Planned) -> dict[str, Any]:
    return {"clave": p.key, "partida": p.item.key, "fuente": p.source.key, "mes": p.month}


def _before(planned: list[Planned]) -> dict[str, Any]:
    return {"movimientos": [{**_where(p), "modificado": _text(p.before)} for p in planned]}


def _after(planned: list[Planned]) -> dict[str, Any]:
    after: dict[str, Any] = {
        "movimientos": [
            {
                "lado": FROM if p.amount < 0 else TO,
                **_where(p),
                "importe": _text(p.amount),
                "modificado": _text(p.after),
            }
            for p in planned
        ]
    }
    taken = -sum((p.amount for p in planned if p.amount < 0), ZERO)
    given = sum((p.amount for p in planned if p.amount > 0), ZERO)
    if taken:
        after["quita"] = _text(taken)
    if given:
        after["da"] = _text(given)
    return after


def _movements(adj: AdjustmentRequest) -> list[Movement]:
    return [
        Movement(m["clave"], m["partida"], m["fuente"], m["mes"], Decimal(m["importe"]))
        for m in adj.after.get("movimientos", [])
    ]


def budget_apply(actor: Actor, adj: AdjustmentRequest, program: AnnualProgram) -> None:
    """Apply an approved budget request: the modificado each movement found at request
    time must still be the one in force (else a conflict: nothing applied), and the
    budget's checks must pass again on today's data."""
    require_open(program)
    movements = _movements(adj)
    balanced = adj.kind == AdjustmentKind.TRASPASO
    try:
        planned = budget_movements_check(program, movements, balanced=balanced)
    except ValidationError as exc:
        raise Conflict(
            f"No se aplicó la adecuación {adj.number}: " + " ".join(exc.messages)
        ) from exc
    if _before(planned) != adj.before:
        raise Conflict(
            f"El modificado de las claves de la adecuación {adj.number} cambió después de la "
            "solicitud (otra adecuación o una importación del presupuesto): los valores "
            "«antes» ya no son los vigentes. Recházala y presenta una nueva con los valores "
            "actuales."
        )
    apply_budget_movements(
        actor=actor,
        program=program,
        movements=movements,
        reference=f"Adecuación {adj.number}",
        why=f"Adecuación {adj.number} aprobada: {adj.justification}",
        balanced=balanced,
    )
