"""What an area's month held when it was sent, and what changed since (the one place).

Every send (``period_submit``) stores a ``PeriodSubmission``: per activity, the achieved
quantity, the comment, the justification and how many evidence files it had
(``snapshot_row``). The capture page compares the values it shows with one earlier send
(``baseline``): while the month is sent or approved (locked: what it shows is the last
send), with the send before the last one; while it is being corrected (borrador, devuelto),
with the last send. A first send has nothing to compare with: no difference is shown.
``changes`` says, row by row, what differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .models import PeriodReport, PeriodSubmission, ProgressEntry

SnapshotRow = dict[str, Any]


def snapshot_row(activity_key: str, entry: ProgressEntry | None, evidence: int) -> SnapshotRow:
    """One activity as it is sent (no entry: nothing captured)."""
    return {
        "key": activity_key,
        "achieved": str(entry.achieved) if entry is not None else None,
        "comment": entry.comment if entry is not None else "",
        "justification": entry.justification if entry is not None else "",
        "evidence": evidence,
    }


def baseline(
    period: PeriodReport | None, latest: Sequence[PeriodSubmission]
) -> PeriodSubmission | None:
    """The send to compare the page with. ``latest``: the period's last two sends, the
    newest first (``selectors.latest_submissions``)."""
    if period is None or not latest:
        return None
    if period.locked:
        return latest[1] if len(latest) > 1 else None
    return latest[0]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class RowChange:
    """What differs in one activity between the earlier send and now."""

    before: Decimal | None
    now: Decimal | None
    comment: bool  # the comment changed
    justification: bool  # the justification changed
    evidence_before: int
    evidence_now: int

    @property
    def achieved(self) -> bool:
        return self.before != self.now

    @property
    def evidence(self) -> bool:
        return self.evidence_before != self.evidence_now


def _change(old: SnapshotRow | None, new: SnapshotRow) -> RowChange | None:
    old = old or snapshot_row(new["key"], None, 0)
    change = RowChange(
        before=_decimal(old["achieved"]),
        now=_decimal(new["achieved"]),
        comment=old["comment"] != new["comment"],
        justification=old["justification"] != new["justification"],
        evidence_before=old["evidence"],
        evidence_now=new["evidence"],
    )
    if change.achieved or change.comment or change.justification or change.evidence:
        return change
    return None


@dataclass(frozen=True)
class PeriodChanges:
    since: PeriodSubmission
    rows: dict[int, RowChange]  # activity id → what changed (only the rows that changed)

    @property
    def count(self) -> int:
        return len(self.rows)


def changes(since: PeriodSubmission, now: Mapping[int, SnapshotRow]) -> PeriodChanges:
    """Row by row, what differs between the send ``since`` and ``now`` (activity id → row)."""
    rows = {}
    for activity_id, row in now.items():
        change = _change(since.values.get(str(activity_id)), row)
        if change is not None:
            rows[activity_id] = change
    return PeriodChanges(since=since, rows=rows)
