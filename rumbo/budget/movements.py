"""Adecuaciones presupuestarias: movements of ``modificado`` (ampliación, reducción,
traspaso), checked and applied.

A movement adds to (positive) or takes from (negative) the modificado of one key × month
(clave programática × partida específica × fuente, as the import file names them).
``budget_movements_check`` reads the program's budget (``rumbo.budget.figures``) and says
what each movement leaves — modificado of that month before → after — or refuses the
whole set with every reason (``ValidationError``, one entry per movement); the request
calls it so the requester learns early. ``apply_budget_movements`` checks again, on the
data as it is then, and in one transaction records the movements in the ledger
(``BudgetMovement``, which the import adds to the file's modificado), updates or creates
each line and audits each line's modificado before → after. Refused:

- an unknown clave, partida específica or fuente; a month outside 1–12; an amount of 0 or
  with more than two decimals; the same key × month twice;
- with ``balanced`` (a traspaso), movements that do not add up to zero to the cent;
- a month's modificado left negative, or a key's modificado to date left below its
  devengado to date in any month (only what this set lowers is judged);
- a program year without a budget (``Conflict``: import it first).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, Change, audit_record_many
from rumbo.core.errors import Conflict
from rumbo.core.numbers import format_mx, format_pesos
from rumbo.core.periods import MONTH_NAMES
from rumbo.programs.models import AnnualProgram

from .figures import LineKey, Moments, budget_figures, cumulative
from .keys import Target, resolve_keys
from .models import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    MOMENTS,
    BudgetLine,
    BudgetMovement,
    FundingSource,
    SpecificItem,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")
_MAX = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES)
ACTION = "budget.movement"  # the bitácora's action (audit_labels.py)


@dataclass(frozen=True)
class Movement:
    """What a request asks: ``amount`` pesos (signed) on the modificado of ``key`` (a
    node's or activity's clave) × partida × fuente × ``month``."""

    key: str
    item: str
    source: str
    month: int | str
    amount: Decimal | str


@dataclass(frozen=True)
class Planned:
    """A checked movement: its line's modificado of that month before and after."""

    key: str
    item: SpecificItem
    source: FundingSource
    month: int
    amount: Decimal
    before: Decimal
    after: Decimal
    target: Target

    @property
    def label(self) -> str:
        """«0101 · 21101 · 11, marzo»."""
        return f"{self.key} · {self.item.key} · {self.source.key}, {MONTH_NAMES[self.month - 1]}"

    @property
    def line_key(self) -> LineKey:
        return (*self.target.ids, self.item.key, self.source.key)


def pesos(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{format_pesos(abs(value))}"


def _month(raw: int | str) -> int | None:
    try:
        month = int(str(raw).strip())
    except ValueError:
        return None
    return month if 1 <= month <= 12 else None


def _amount(raw: Decimal | str) -> Decimal | str:
    """The amount as Decimal pesos, or why it is not one."""
    try:
        amount = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        return f"«{raw}» no es un importe en pesos (p. ej. 1,234.56)"
    if not amount.is_finite():
        return f"«{raw}» no es un importe en pesos (p. ej. 1,234.56)"
    if amount != amount.quantize(CENT):
        return f"«{raw}» tiene más de dos decimales; los importes van en pesos y centavos"
    if amount == 0:
        return "el importe es 0; un movimiento mueve una cantidad mayor que cero"
    if abs(amount) >= _MAX:
        return f"«{raw}» pasa del máximo de {format_mx(_MAX)} pesos"
    return amount.quantize(CENT)


def _head(index: int, m: Movement) -> str:
    month = _month(m.month)
    when = MONTH_NAMES[month - 1] if month else f"mes «{m.month}»"
    return f"Movimiento {index} ({m.key or '—'} · {m.item or '—'} · {m.source or '—'}, {when})"


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, index: int | None, message: str) -> None:
        self.by_field["movements" if index is None else f"movements.{index}"].append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


@dataclass(frozen=True)
class _Parsed:
    index: int
    movement: Movement
    target: Target
    item: SpecificItem
    source: FundingSource
    month: int
    amount: Decimal


def budget_movements_check(
    program: AnnualProgram, movements: list[Movement], *, balanced: bool = False
) -> list[Planned]:
    """Every movement with its line's modificado before → after, or ``ValidationError``
    (keys ``movements.N``, 1-based, and ``movements``) with every reason; ``Conflict`` when
    the program year has no budget. Reads only (a few queries, whatever the count)."""
    figures = budget_figures(program)
    if not figures.has_budget:
        raise Conflict(
            f"El programa {program.year} no tiene presupuesto: importa primero el del sistema "
            "financiero (rumbo import presupuesto); las adecuaciones presupuestarias mueven "
            "su modificado."
        )
    errors = _Errors()
    if not movements:
        errors.add(None, "Una adecuación presupuestaria lleva al menos un movimiento.")
        errors.raise_any()
    parsed = _parse(program, movements, errors)
    errors.raise_any()
    total = sum((p.amount for p in parsed), ZERO)
    if balanced and total != 0:
        taken = -sum((p.amount for p in parsed if p.amount < 0), ZERO)
        given = sum((p.amount for p in parsed if p.amount > 0), ZERO)
        errors.add(
            None,
            f"Un traspaso da lo mismo que quita: quita {pesos(taken)} y da {pesos(given)} "
            f"(diferencia {pesos(abs(total))}).",
        )
        errors.raise_any()
    months = figures.by_key_month()
    planned = []
    for p in parsed:
        line_key = (*p.target.ids, p.item.key, p.source.key)
        before = months.get(line_key, {}).get(p.month, Moments()).modificado
        one = Planned(
            p.movement.key, p.item, p.source, p.month, p.amount, before, before + p.amount, p.target
        )
        if one.after < 0:
            errors.add(
                p.index,
                f"{_head(p.index, p.movement)}: el modificado de ese mes es {pesos(before)}; "
                f"quitarle {pesos(-p.amount)} lo dejaría en {pesos(one.after)}.",
            )
        planned.append(one)
    errors.raise_any()
    _check_accrued(planned, months, errors)
    errors.raise_any()
    return planned


def _parse(program: AnnualProgram, movements: list[Movement], errors: _Errors) -> list[_Parsed]:
    """Each movement's key, partida, fuente, month and amount, read (errors collected)."""
    targets = resolve_keys(program, {m.key for m in movements})
    items = {
        i.key: i
        for i in SpecificItem.objects.filter(
            institution_id=program.institution_id, key__in={m.item for m in movements}
        )
    }
    sources = {
        s.key: s
        for s in FundingSource.objects.filter(
            institution_id=program.institution_id, key__in={m.source for m in movements}
        )
    }
    parsed: list[_Parsed] = []
    seen: dict[tuple[str, str, str, int], int] = {}
    for index, m in enumerate(movements, 1):
        head = _head(index, m)
        problems = []
        month = _month(m.month)
        if month is None:
            problems.append(f"«{m.month}» no es un mes; se esperaba del 1 al 12")
        amount = _amount(m.amount)
        if isinstance(amount, str):
            problems.append(amount)
        target, item, source = targets.get(m.key), items.get(m.item), sources.get(m.source)
        if target is None:
            problems.append(
                f"la clave «{m.key}» no es de ningún subprograma, proyecto ni actividad del "
                f"programa {program.year}"
            )
        if item is None:
            problems.append(
                f"la partida «{m.item}» no está en el catálogo de partidas específicas de la "
                "institución"
            )
        if source is None:
            problems.append(
                f"la fuente «{m.source}» no está en el catálogo de fuentes de financiamiento "
                "de la institución"
            )
        for problem in problems:
            errors.add(index, f"{head}: {problem}.")
        if problems:
            continue
        assert target and item and source and month and isinstance(amount, Decimal)  # noqa: S101
        natural = (target.key, item.key, source.key, month)
        if natural in seen:
            errors.add(
                index,
                f"{head}: repite la clave, partida, fuente y mes del movimiento "
                f"{seen[natural]}; escribe uno solo con el importe total.",
            )
            continue
        seen[natural] = index
        parsed.append(_Parsed(index, m, target, item, source, month, amount))
    return parsed


def _check_accrued(
    planned: list[Planned], months: dict[LineKey, dict[int, Moments]], errors: _Errors
) -> None:
    """No key's modificado to date may end below its devengado to date where this set
    lowers it (a key already short is not judged for what it was)."""
    deltas: dict[LineKey, dict[int, Decimal]] = defaultdict(dict)
    first: dict[LineKey, int] = {}
    for index, p in enumerate(planned, 1):
        deltas[p.line_key][p.month] = p.amount
        first.setdefault(p.line_key, index)
    for line_key, moved in deltas.items():
        stored = months.get(line_key, {})
        old = cumulative({m: v.modificado for m, v in stored.items()})
        new = cumulative(
            {m: stored.get(m, Moments()).modificado + moved.get(m, ZERO) for m in range(1, 13)}
        )
        accrued = cumulative({m: v.devengado for m, v in stored.items()})
        for m in range(12):
            if new[m] < old[m] and new[m] < accrued[m]:
                p = planned[first[line_key] - 1]
                errors.add(
                    first[line_key],
                    f"Movimiento {first[line_key]} ({p.key} · {p.item.key} · {p.source.key}): "
                    f"dejaría el modificado acumulado a {MONTH_NAMES[m]} en {pesos(new[m])}, "
                    f"por debajo del devengado acumulado ({pesos(accrued[m])}); lo ya "
                    "devengado no se quita.",
                )
                break


@transaction.atomic
def apply_budget_movements(
    *,
    actor: Actor,
    program: AnnualProgram,
    movements: list[Movement],
    reference: str,
    why: str,
    balanced: bool = False,
) -> list[Planned]:
    """Check the movements on the budget as it is now and apply them all, or none
    (``Conflict`` with every reason): the ledger, each line's modificado, the bitácora."""
    AnnualProgram.objects.select_for_update(of=("self",)).filter(pk=program.pk).order_by().first()
    try:
        planned = budget_movements_check(program, movements, balanced=balanced)
    except ValidationError as exc:
        raise Conflict(f"No se aplicó la {reference.lower()}: " + " ".join(exc.messages)) from exc
    naturals = {(*p.target.ids, p.item.pk, p.source.pk, p.month): p for p in planned}
    lines = {
        (line.node_id, line.activity_id, line.item_id, line.source_id, line.month): line
        for line in BudgetLine.objects.select_for_update(of=("self",))
        .order_by()
        .filter(
            program=program,
            node_id__in={n[0] for n in naturals},
            item_id__in={n[2] for n in naturals},
            source_id__in={n[3] for n in naturals},
            month__in={n[4] for n in naturals},
        )
    }
    to_create, to_update, changes = [], [], []
    for natural, p in naturals.items():
        line = lines.get(natural)
        if line is None:
            line = BudgetLine(program=program, month=p.month, **{m: ZERO for m in MOMENTS})
            to_create.append(line)
        else:
            to_update.append(line)
        # attached, so the bitácora's label of the line costs no query
        line.node, line.activity, line.item, line.source = (
            p.target.node,
            p.target.activity,
            p.item,
            p.source,
        )
        line.modificado = p.after
        changes.append(
            Change(
                action="budget.movement",
                obj=line,
                before={"key": line.key, "month": p.month, "modificado": str(p.before)},
                after={
                    "modificado": str(p.after),
                    "importe": str(p.amount),
                    "adecuación": reference,
                },
                object_repr=f"{line.key} · mes {p.month}",
            )
        )
    BudgetLine.objects.bulk_create(to_create)
    BudgetLine.objects.bulk_update(to_update, ["modificado"])
    BudgetMovement.objects.bulk_create(
        BudgetMovement(
            program=program,
            node=p.target.node,
            activity=p.target.activity,
            item=p.item,
            source=p.source,
            month=p.month,
            amount=p.amount,
            reference=reference,
        )
        for p in planned
    )
    audit_record_many(
        actor=actor, institution_id=program.institution_id, changes=changes, reason=why
    )
    return planned
