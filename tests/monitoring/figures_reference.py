"""An independent computation of the progress figures, straight from the tables with plain
SQL and written here from the definitions of docs/figures.md — never by calling
``rumbo.monitoring.figures``. The agreement tests compare every face of Rumbo with it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

D = Decimal
DEFAULT = (D(80), D(90), D(110), D(120))


def _d(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _rows(sql: str, params: list[object]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass(frozen=True)
class Ref:
    key: str
    area_id: int | None
    unit: str | None
    programmed_month: Decimal | None
    programmed_to_date: Decimal | None
    achieved_month: Decimal | None
    achieved_to_date: Decimal | None
    percent: Decimal | None
    light: str
    state: str


class Reference:
    """Everything needed for one program, read once; ``at(month)`` gives the figures."""

    def __init__(self, program_id: int) -> None:
        self.program_id = program_id
        acts = _rows(
            "SELECT a.id, a.key, a.area_id, u.name FROM programs_activity a LEFT JOIN "
            "programs_unitofmeasure u ON u.id = a.unit_id WHERE a.program_id = %s",
            [program_id],
        )
        self.keys = {r[0]: r[1] for r in acts}
        self.units = {r[0]: r[3] for r in acts}
        # The responsible area: the activity's own, else the nearest node up with one.
        nearest = _rows(
            """
            WITH RECURSIVE up(activity_id, parent_id, area_id, depth) AS (
                SELECT a.id, n.parent_id, n.area_id, 0
                FROM programs_activity a JOIN programs_programnode n ON n.id = a.node_id
                WHERE a.program_id = %s
                UNION ALL
                SELECT up.activity_id, n.parent_id, n.area_id, up.depth + 1
                FROM up JOIN programs_programnode n ON n.id = up.parent_id
                WHERE up.area_id IS NULL
            )
            SELECT activity_id, area_id FROM up WHERE area_id IS NOT NULL
            """,
            [program_id],
        )
        node_area = dict(nearest)
        self.area = {r[0]: r[2] if r[2] is not None else node_area.get(r[0]) for r in acts}
        self.targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for activity_id, month, quantity in _rows(
            "SELECT t.activity_id, t.month, t.quantity FROM programs_monthlytarget t "
            "JOIN programs_activity a ON a.id = t.activity_id WHERE a.program_id = %s",
            [program_id],
        ):
            self.targets[activity_id][month] = _d(quantity)
        self.entries: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for activity_id, month, achieved in _rows(
            "SELECT e.activity_id, e.month, e.achieved FROM monitoring_progressentry e "
            "JOIN programs_activity a ON a.id = e.activity_id WHERE a.program_id = %s",
            [program_id],
        ):
            self.entries[activity_id][month] = _d(achieved)
        self.captures: dict[int, dict[int, str]] = defaultdict(dict)
        for area_id, month, state in _rows(
            "SELECT area_id, month, state FROM monitoring_periodreport WHERE program_id = %s",
            [program_id],
        ):
            self.captures[area_id][month] = state
        policy = _rows(
            "SELECT p.yellow_low, p.green_low, p.green_high, p.yellow_high "
            "FROM monitoring_monitoringpolicy p JOIN programs_annualprogram g "
            "ON g.institution_id = p.institution_id WHERE g.id = %s",
            [program_id],
        )
        default = tuple(_d(v) for v in policy[0]) if policy else DEFAULT
        own = {
            r[0]: tuple(_d(v) for v in r[1:])
            for r in _rows(
                "SELECT b.activity_id, b.yellow_low, b.green_low, b.green_high, b.yellow_high "
                "FROM monitoring_activitybands b JOIN programs_activity a ON a.id = b.activity_id"
                " WHERE a.program_id = %s",
                [program_id],
            )
        }
        self.bands = {a: own.get(a, default) for a in self.keys}

    def at(self, month: int) -> dict[str, Ref]:
        out = {}
        for activity_id, key in self.keys.items():
            area = self.area[activity_id]
            captures = self.captures.get(area, {}) if area is not None else {}
            targets, entries = self.targets.get(activity_id, {}), self.entries.get(activity_id, {})
            known = [q for m, q in targets.items() if m <= month]
            programmed = sum(known, D(0)) if known else None
            if month not in captures:
                state, achieved_month, achieved = "pendiente", None, None
            else:
                approved = all(captures.get(m) == "aprobado" for m in range(1, month + 1))
                state = "oficial" if approved else "preliminar"
                achieved_month = entries.get(month, D(0))
                achieved = sum((v for m, v in entries.items() if m <= month), D(0))
            percent, light = None, "gris"
            if programmed and achieved is not None:
                exact = achieved / programmed * 100
                percent = _round(exact)
                yl, gl, gh, yh = self.bands[activity_id]
                light = (
                    "verde" if gl <= exact <= gh else "amarillo" if yl <= exact <= yh else "rojo"
                )
            out[key] = Ref(
                key=key,
                area_id=area,
                unit=self.units[activity_id],
                programmed_month=targets.get(month),
                programmed_to_date=programmed,
                achieved_month=achieved_month,
                achieved_to_date=achieved,
                percent=percent,
                light=light,
                state=state,
            )
        return out


@dataclass(frozen=True)
class RefSummary:
    activities: int
    lights: dict[str, int]
    average_compliance: Decimal | None
    on_track: Decimal | None


def summarise(refs: list[Ref]) -> RefSummary:
    lights = {"verde": 0, "amarillo": 0, "rojo": 0, "gris": 0}
    for r in refs:
        lights[r.light] += 1
    graded = [r for r in refs if r.light != "gris"]
    capped = [min(r.percent, D(100)) for r in graded if r.percent is not None]
    average = _round(sum(capped, D(0)) / len(capped)) if capped else None
    on_track = _round(D(lights["verde"]) / len(graded) * 100) if graded else None
    return RefSummary(len(refs), lights, average, on_track)


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as the JSON number the faces print (12, 0.25), to compare with JSON."""
    if value is None:
        return None
    n = value.normalize()
    return int(n) if n == n.to_integral_value() else float(n)
