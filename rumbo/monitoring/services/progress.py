"""Capturing monthly progress: one entry, or a whole grid in one transaction.

Every row passes the same gates, in order: access (``can_capture``), a valid month, an
open window, an unlocked period (its ``PeriodReport`` neither enviado nor aprobado), the
optimistic lock (the version the person loaded), then the values: ``achieved`` required
and ≥ 0, and a justification whenever the cumulative-to-date semáforo of that month —
with the new value — is not green. The reads cost a constant number of queries whatever
the number of rows; writes are per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rumbo.audit.services import Actor, Change, audit_record_many
from rumbo.core.concurrency import lock_or_create, retry_on_conflict
from rumbo.core.semaforo import Bands
from rumbo.programs.access import can_capture
from rumbo.programs.models import Activity, MonthlyTarget, ProgramNode, activity_area_id
from rumbo.programs.services import quantity_parse

from ..bands import bands_for_activities
from ..cycle import capture_gate
from ..errors import (
    GridRejected,
    MonitoringConflict,
    RowError,
    StaleVersion,
)
from ..figures import capture_grade
from ..models import PeriodReport, ProgressEntry
from ..selectors import policies_for, program_nodes
from ..windows import extensions_for, window_status

AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class ProgressRow:
    """One row of a grid: what the person typed, and the entry version they loaded."""

    activity: Activity
    month: int
    achieved: object
    comment: str = ""
    justification: str = ""
    version: int | None = None


def entry_snapshot(entry: ProgressEntry) -> dict[str, Any]:
    return {
        "month": entry.month,
        "achieved": number_text(entry.achieved),
        "comment": entry.comment,
        "justification": entry.justification,
        "version": entry.version,
    }


def number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass
class _Context:
    """Everything the rows need, read once."""

    activities: dict[int, Activity]
    nodes: dict[int, ProgramNode]
    area_ids: dict[int, int | None]
    targets: dict[int, dict[int, Decimal]]
    entries: dict[tuple[int, int], ProgressEntry]
    achieved: dict[int, dict[int, Decimal]]
    bands: dict[int, Bands]
    reports: dict[tuple[int, int, int], PeriodReport]
    windows: dict[tuple[int, int | None, int], Any] = field(default_factory=dict)


def _load(rows: Sequence[ProgressRow], today: date) -> _Context:
    ids = {r.activity.pk for r in rows}
    activities = {a.pk: a for a in Activity.objects.select_related("program").filter(pk__in=ids)}
    nodes = program_nodes({a.program_id for a in activities.values()})
    area_ids = {pk: activity_area_id(a, nodes) for pk, a in activities.items()}
    months = {r.month for r in rows if isinstance(r.month, int) and 1 <= r.month <= 12}
    max_month = max(months, default=12)
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for activity_id, month, quantity in MonthlyTarget.objects.filter(
        activity_id__in=ids, month__lte=max_month
    ).values_list("activity_id", "month", "quantity"):
        targets[activity_id][month] = quantity
    # Every writer of an area's month locks its PeriodReport first (created if missing),
    # in one order: writers of the same month wait for each other instead of deadlocking
    # on the entries they insert (rumbo.core.concurrency).
    report_keys = sorted(
        {
            (activities[r.activity.pk].program_id, area_ids[r.activity.pk], r.month)
            for r in rows
            if r.activity.pk in activities
            and area_ids[r.activity.pk] is not None
            and isinstance(r.month, int)
            and 1 <= r.month <= 12
        }
    )
    reports: dict[tuple[int, int, int], PeriodReport] = {}
    for program_id, area_id, month in report_keys:
        assert area_id is not None  # noqa: S101 - filtered above
        reports[(program_id, area_id, month)] = lock_or_create(
            PeriodReport, program_id=program_id, area_id=area_id, month=month
        )
    entries: dict[tuple[int, int], ProgressEntry] = {}
    achieved: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for entry in (
        ProgressEntry.objects.select_for_update()
        .filter(activity_id__in=ids, month__lte=max_month)
        .order_by("activity_id", "month")
    ):
        entries[(entry.activity_id, entry.month)] = entry
        achieved[entry.activity_id][entry.month] = entry.achieved
    institution_ids = {a.program.institution_id for a in activities.values()}
    policies = policies_for(institution_ids)
    year_months = {(a.program.year, m) for a in activities.values() for m in months}
    extensions = extensions_for(institution_ids=institution_ids, year_months=year_months)
    windows = {}
    for a in activities.values():
        for m in months:
            key = (a.program_id, area_ids[a.pk], m)
            if key not in windows:
                windows[key] = window_status(
                    policy=policies[a.program.institution_id],
                    extensions=extensions,
                    year=a.program.year,
                    month=m,
                    area_id=area_ids[a.pk],
                    today=today,
                )
    return _Context(
        activities=activities,
        nodes=nodes,
        area_ids=area_ids,
        targets=targets,
        entries=entries,
        achieved=achieved,
        bands=bands_for_activities(activities.values()),
        reports=reports,
        windows=windows,
    )


@dataclass
class _Checked:
    index: int
    row: ProgressRow
    activity: Activity
    area_id: int
    achieved: Decimal
    comment: str
    justification: str
    entry: ProgressEntry | None


def _gate(
    user: AnyUser, index: int, row: ProgressRow, ctx: _Context, seen: set[tuple[int, int]]
) -> _Checked:
    """Access, month, then the cycle's gates (window, lock, version) of one row; raises the
    first failure."""
    activity = ctx.activities[row.activity.pk]
    if not can_capture(user, activity, ctx.nodes):
        raise PermissionDenied("No tienes permiso para capturar el avance de esta actividad.")
    if not isinstance(row.month, int) or isinstance(row.month, bool) or not 1 <= row.month <= 12:
        raise ValidationError({"month": "El mes debe estar entre 1 y 12."})
    if (activity.pk, row.month) in seen:
        raise ValidationError({"month": "La actividad aparece dos veces para el mismo mes."})
    seen.add((activity.pk, row.month))
    area_id = ctx.area_ids[activity.pk]
    if area_id is None:
        raise ValidationError(
            {
                "activity": "La actividad no tiene un área responsable; "
                "asígnale una antes de capturar."
            }
        )
    entry = ctx.entries.get((activity.pk, row.month))
    capture_gate(
        window=ctx.windows[(activity.program_id, area_id, row.month)],
        report=ctx.reports.get((activity.program_id, area_id, row.month)),
        year=activity.program.year,
        month=row.month,
        stored=entry.version if entry else None,
        sent=row.version,
        stored_values=entry_snapshot(entry) if entry else {},
        sent_values={"achieved": str(row.achieved).strip()},
    )
    achieved = quantity_parse(row.achieved, field="achieved", allow_none=False)
    assert achieved is not None  # noqa: S101 - allow_none=False
    return _Checked(
        index=index,
        row=row,
        activity=activity,
        area_id=area_id,
        achieved=achieved,
        comment=(row.comment or "").strip(),
        justification=(row.justification or "").strip(),
        entry=entry,
    )


def _justification_error(checked: _Checked, ctx: _Context) -> str | None:
    a = checked.activity
    result = capture_grade(
        checked.row.month, ctx.targets.get(a.pk, {}), ctx.achieved[a.pk], ctx.bands[a.pk]
    )
    if result.needs_justification and not checked.justification:
        return (
            f"El avance acumulado al mes está en {result.light.label.lower()} "
            f"({result.ratio} % de lo programado); escribe una justificación."
        )
    return None


def _check_rows(
    user: AnyUser, rows: Sequence[ProgressRow], ctx: _Context
) -> tuple[list[_Checked], list[tuple[int, Exception]]]:
    checked: list[_Checked] = []
    failures: list[tuple[int, Exception]] = []
    seen: set[tuple[int, int]] = set()
    for index, row in enumerate(rows):
        try:
            item = _gate(user, index, row, ctx, seen)
        except (PermissionDenied, ValidationError, MonitoringConflict) as exc:
            failures.append((index, exc))
            continue
        checked.append(item)
        ctx.achieved[item.activity.pk][row.month] = item.achieved  # the new value counts
    for item in checked:
        message = _justification_error(item, ctx)
        if message:
            failures.append((item.index, ValidationError({"justification": message})))
    failures.sort(key=lambda f: f[0])
    return checked, failures


def _write(
    actor: Actor, user: AnyUser, checked: list[_Checked], ctx: _Context
) -> list[ProgressEntry]:
    saved: list[ProgressEntry] = []
    changes: dict[int, list[Change]] = defaultdict(list)
    user_id = cast(int | None, user.pk) if user.is_authenticated else None
    now = timezone.now()
    for item in checked:
        a, month = item.activity, item.row.month
        entry = item.entry
        if entry is None:
            entry = ProgressEntry(
                activity=a,
                month=month,
                achieved=item.achieved,
                comment=item.comment,
                justification=item.justification,
                version=1,
                updated_by_id=user_id,
            )
            try:
                with transaction.atomic():
                    entry.save()
            except IntegrityError:
                current = ProgressEntry.objects.get(activity=a, month=month)
                raise StaleVersion(
                    current=current.version,
                    submitted=None,
                    current_values=entry_snapshot(current),
                    submitted_values={"achieved": number_text(item.achieved)},
                ) from None
            changes[a.program.institution_id].append(
                Change("progress.create", entry, None, entry_snapshot(entry), f"{a.key} · {month}")
            )
            saved.append(entry)
            continue
        before = entry_snapshot(entry)
        if (entry.achieved, entry.comment, entry.justification) == (
            item.achieved,
            item.comment,
            item.justification,
        ):
            saved.append(entry)  # nothing changed: no new version, no audit
            continue
        updated = ProgressEntry.objects.filter(pk=entry.pk, version=entry.version).update(
            achieved=item.achieved,
            comment=item.comment,
            justification=item.justification,
            version=entry.version + 1,
            updated_by_id=user_id,
            updated_at=now,
        )
        if not updated:
            current = ProgressEntry.objects.get(pk=entry.pk)
            raise StaleVersion(
                current=current.version,
                submitted=entry.version,
                current_values=entry_snapshot(current),
                submitted_values={"achieved": number_text(item.achieved)},
            )
        entry.achieved = item.achieved
        entry.comment = item.comment
        entry.justification = item.justification
        entry.version += 1
        entry.updated_by_id = user_id
        entry.updated_at = now
        changes[a.program.institution_id].append(
            Change("progress.update", entry, before, entry_snapshot(entry), f"{a.key} · {month}")
        )
        saved.append(entry)
    for institution_id, items in changes.items():
        audit_record_many(actor=actor, institution_id=institution_id, changes=items)
    return saved


def _row_errors(
    rows: Sequence[ProgressRow], failures: list[tuple[int, Exception]]
) -> list[RowError]:
    out = []
    for index, exc in failures:
        row = rows[index]
        key = row.activity.key
        month = row.month if isinstance(row.month, int) else 0
        if isinstance(exc, ValidationError):
            for fld, messages in exc.message_dict.items():
                for message in messages:
                    out.append(RowError(index, key, month, fld, message))
        elif isinstance(exc, StaleVersion):
            out.append(RowError(index, key, month, "version", exc.message, exc))
        elif isinstance(exc, MonitoringConflict):
            out.append(RowError(index, key, month, "month", exc.message, exc))
        else:
            out.append(RowError(index, key, month, "activity", str(exc)))
    return out


@retry_on_conflict
@transaction.atomic
def progress_save(
    *,
    actor: Actor,
    user: AnyUser,
    activity: Activity,
    month: int,
    achieved: object,
    comment: str = "",
    justification: str = "",
    version: int | None,
    today: date | None = None,
) -> ProgressEntry:
    """Create or change one month's progress of one activity.

    ``version``: the entry's version as loaded (None to create it). Raises
    ``PermissionDenied``, ``WindowClosed``, ``PeriodLocked``, ``StaleVersion`` (with both
    versions and both values) or ``ValidationError`` (``achieved``, ``justification``…).
    """
    row = ProgressRow(activity, month, achieved, comment, justification, version)
    ctx = _load([row], today or timezone.localdate())
    checked, failures = _check_rows(user, [row], ctx)
    if failures:
        errors = [exc for _, exc in failures]
        gate = [e for e in errors if not isinstance(e, ValidationError)]
        if gate:
            raise gate[0]
        merged: dict[str, list[str]] = {}
        for exc in errors:
            assert isinstance(exc, ValidationError)  # noqa: S101
            for fld, messages in exc.message_dict.items():
                merged.setdefault(fld, []).extend(messages)
        raise ValidationError(merged)
    return _write(actor, user, checked, ctx)[0]


@retry_on_conflict
@transaction.atomic
def progress_save_many(
    *, actor: Actor, user: AnyUser, rows: Sequence[ProgressRow], today: date | None = None
) -> list[ProgressEntry]:
    """Save a whole grid in one transaction: every row, or none.

    Every row is checked before anything is written; if any fails, ``GridRejected``
    lists each problem by row (activity key, month, field) and nothing is saved. Reads
    cost a constant number of queries; unchanged rows are not rewritten.
    """
    if not rows:
        return []
    ctx = _load(rows, today or timezone.localdate())
    checked, failures = _check_rows(user, rows, ctx)
    if failures:
        raise GridRejected(_row_errors(rows, failures))
    return _write(actor, user, checked, ctx)
