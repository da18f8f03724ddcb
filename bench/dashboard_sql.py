"""The dashboard's figures in hand-written SQL: the baseline the bench measures the dashboard
against, written from docs/figures.md and rumbo/monitoring/dashboard.py's docstring — never
by calling ``rumbo.monitoring.figures``.

Two statements for a program at month M (1–12): one builds every activity's figures at
every month in common table expressions and aggregates them (per month, per area, per
subprogram, and the calendar's pace and projection after M); the other counts each area's
captures sent, on time, late and returned. ``tests/bench/test_dashboard_sql.py`` checks
that they return exactly the dashboard's figures on the demo, so the ratio the bench
prints compares two ways of getting the same numbers.

The SQL runs on PostgreSQL and on SQLite (``make bench`` without a server): the only
dialect difference is the local date of a capture's sending. On SQLite, quantities are
floats inside SQL, so a percentage may differ from the Decimal one in its last cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection

FIGURES_SQL = """
WITH RECURSIVE months(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM months WHERE m < 12),
up(activity_id, parent_id, node_id, area_id) AS (
    SELECT a.id, n.parent_id, n.id, COALESCE(a.area_id, n.area_id)
    FROM programs_activity a JOIN programs_programnode n ON n.id = a.node_id
    WHERE a.program_id = %(program)s
    UNION ALL
    SELECT up.activity_id, n.parent_id, n.id, COALESCE(up.area_id, n.area_id)
    FROM up JOIN programs_programnode n ON n.id = up.parent_id
),
acts AS (
    SELECT up.activity_id AS id, up.node_id AS root_id, up.area_id,
        COALESCE(b.yellow_low, p.yellow_low, 80) AS yl,
        COALESCE(b.green_low, p.green_low, 90) AS gl,
        COALESCE(b.green_high, p.green_high, 110) AS gh,
        COALESCE(b.yellow_high, p.yellow_high, 120) AS yh
    FROM up
    JOIN programs_annualprogram g ON g.id = %(program)s
    LEFT JOIN monitoring_monitoringpolicy p ON p.institution_id = g.institution_id
    LEFT JOIN monitoring_activitybands b ON b.activity_id = up.activity_id
    WHERE up.parent_id IS NULL
),
tgt AS (
    SELECT t.activity_id, t.month, t.quantity
    FROM programs_monthlytarget t JOIN programs_activity a ON a.id = t.activity_id
    WHERE a.program_id = %(program)s
),
ent AS (
    SELECT e.activity_id, e.month, e.achieved
    FROM monitoring_progressentry e JOIN programs_activity a ON a.id = e.activity_id
    WHERE a.program_id = %(program)s
),
prog AS (
    SELECT a.id, mo.m, t.quantity AS tgt_m,
        SUM(t.quantity) OVER (PARTITION BY a.id ORDER BY mo.m) AS prog_to,
        SUM(t.quantity) OVER (PARTITION BY a.id) AS annual
    FROM acts a CROSS JOIN months mo
    LEFT JOIN tgt t ON t.activity_id = a.id AND t.month = mo.m
),
done AS (
    SELECT a.id, mo.m, CASE WHEN e.activity_id IS NULL THEN 0 ELSE 1 END AS has_m,
        COALESCE(SUM(e.achieved) OVER (PARTITION BY a.id ORDER BY mo.m), 0) AS ach_to
    FROM acts a CROSS JOIN months mo
    LEFT JOIN ent e ON e.activity_id = a.id AND e.month = mo.m
),
st AS (
    SELECT r.area_id, mo.m,
        MAX(CASE WHEN r.month = mo.m THEN 1 ELSE 0 END) AS captured,
        SUM(CASE WHEN r.month <= mo.m AND r.state = 'aprobado' THEN 1 ELSE 0 END) AS approved
    FROM monitoring_periodreport r CROSS JOIN months mo
    WHERE r.program_id = %(program)s
    GROUP BY r.area_id, mo.m
),
base AS (
    SELECT a.id, a.area_id, a.root_id, a.yl, a.gl, a.gh, a.yh, p.m, p.prog_to, p.tgt_m,
        p.annual, d.has_m,
        CASE WHEN st.captured = 1 THEN d.ach_to END AS ach_to,
        CASE WHEN st.captured = 1 AND st.approved = p.m THEN 'oficial'
             WHEN st.captured = 1 THEN 'preliminar' ELSE 'pendiente' END AS state
    FROM acts a
    JOIN prog p ON p.id = a.id
    JOIN done d ON d.id = a.id AND d.m = p.m
    LEFT JOIN st ON st.area_id = a.area_id AND st.m = p.m
),
graded AS (
    SELECT base.*,
        CASE WHEN prog_to > 0 AND ach_to IS NOT NULL THEN ach_to * 100.0 / prog_to END AS exact,
        CASE WHEN ach_to IS NOT NULL AND annual > 0 AND prog_to IS NOT NULL
             THEN ROUND(prog_to * 100.0 / annual, 2) END AS exp_share,
        CASE WHEN ach_to IS NOT NULL AND annual > 0
             THEN ROUND(ach_to * 100.0 / annual, 2) END AS ach_share
    FROM base
),
fig AS (
    SELECT graded.*,
        CASE WHEN exact IS NULL THEN 'gris'
             WHEN exact >= gl AND exact <= gh THEN 'verde'
             WHEN exact >= yl AND exact <= yh THEN 'amarillo' ELSE 'rojo' END AS light,
        CASE WHEN exact IS NULL THEN NULL
             WHEN ROUND(exact, 2) > 100 THEN 100 ELSE ROUND(exact, 2) END AS capped,
        CASE WHEN ach_share > 100 THEN 100 ELSE ach_share END AS ach_capped
    FROM graded
),
later AS (
    SELECT cur.id,
        p.m,
        ROUND(COALESCE(p.prog_to, 0) * 100.0 / cur.annual, 2) AS exp_share,
        ROUND((cur.ach_to + COALESCE(cur.capped, 100) / 100.0
              * (COALESCE(p.prog_to, 0) - COALESCE(cur.prog_to, 0))) * 100.0 / cur.annual, 2)
            AS reached
    FROM fig cur JOIN prog p ON p.id = cur.id AND p.m > cur.m
    WHERE cur.m = %(month)s AND cur.ach_to IS NOT NULL AND cur.annual > 0
)
SELECT 'month' AS kind, m AS k, COUNT(*) AS activities,
    SUM(CASE WHEN light = 'verde' THEN 1 ELSE 0 END) AS green,
    SUM(CASE WHEN light = 'amarillo' THEN 1 ELSE 0 END) AS yellow,
    SUM(CASE WHEN light = 'rojo' THEN 1 ELSE 0 END) AS red,
    SUM(CASE WHEN light = 'gris' THEN 1 ELSE 0 END) AS grey,
    SUM(CASE WHEN state = 'oficial' THEN 1 ELSE 0 END) AS official,
    SUM(CASE WHEN state = 'preliminar' THEN 1 ELSE 0 END) AS preliminary,
    SUM(CASE WHEN state = 'pendiente' THEN 1 ELSE 0 END) AS pending,
    ROUND(AVG(capped), 2) AS average,
    ROUND(AVG(exp_share), 2) AS expected,
    ROUND(AVG(ach_capped), 2) AS achieved,
    CAST(NULL AS NUMERIC) AS projected, CAST(NULL AS INTEGER) AS n_expected,
    CAST(NULL AS INTEGER) AS n_reported
FROM fig WHERE m <= %(month)s GROUP BY m
UNION ALL
SELECT 'area', area_id,
    SUM(CASE WHEN m = %(month)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN m = %(month)s AND light = 'verde' THEN 1 ELSE 0 END),
    SUM(CASE WHEN m = %(month)s AND light = 'amarillo' THEN 1 ELSE 0 END),
    SUM(CASE WHEN m = %(month)s AND light = 'rojo' THEN 1 ELSE 0 END),
    SUM(CASE WHEN m = %(month)s AND light = 'gris' THEN 1 ELSE 0 END),
    NULL, NULL, NULL,
    ROUND(AVG(CASE WHEN m = %(month)s THEN capped END), 2),
    NULL, NULL, NULL,
    SUM(CASE WHEN tgt_m > 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN tgt_m > 0 AND has_m > 0 THEN 1 ELSE 0 END)
FROM fig WHERE m <= %(month)s GROUP BY area_id
UNION ALL
SELECT 'root', root_id, COUNT(*),
    SUM(CASE WHEN light = 'verde' THEN 1 ELSE 0 END),
    SUM(CASE WHEN light = 'amarillo' THEN 1 ELSE 0 END),
    SUM(CASE WHEN light = 'rojo' THEN 1 ELSE 0 END),
    SUM(CASE WHEN light = 'gris' THEN 1 ELSE 0 END),
    NULL, NULL, NULL, ROUND(AVG(capped), 2), NULL, NULL, NULL, NULL, NULL
FROM fig WHERE m = %(month)s GROUP BY root_id
UNION ALL
SELECT 'later', m, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    ROUND(AVG(exp_share), 2), NULL,
    ROUND(AVG(CASE WHEN reached > 100 THEN 100 ELSE reached END), 2), NULL, NULL
FROM later GROUP BY m
"""

# Each area's captures up to M: sent, sent on or before the closing day of their window (the
# 1st of the following month's ``close_day``, as a yyyymmdd number), late, returned.
CAPTURES_SQL = """
SELECT r.area_id,
    SUM(CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.submitted_at IS NOT NULL AND {local_day} <= {closes} THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.submitted_at IS NOT NULL AND {local_day} > {closes} THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.state = 'devuelto' THEN 1 ELSE 0 END)
FROM monitoring_periodreport r
JOIN programs_annualprogram g ON g.id = r.program_id
LEFT JOIN monitoring_monitoringpolicy p ON p.institution_id = g.institution_id
WHERE r.program_id = %(program)s AND r.month <= %(month)s
GROUP BY r.area_id
"""
CLOSES = (
    "((CASE WHEN r.month = 12 THEN g.year + 1 ELSE g.year END) * 10000"
    " + (CASE WHEN r.month = 12 THEN 1 ELSE r.month + 1 END) * 100"
    " + COALESCE(p.close_day, 10))"
)
LOCAL_DAY = {
    "postgresql": "CAST(TO_CHAR(r.submitted_at AT TIME ZONE %(tz)s, 'YYYYMMDD') AS INTEGER)",
    "sqlite": "CAST(REPLACE(django_datetime_cast_date(r.submitted_at, %(tz)s, 'UTC'), '-', '')"
    " AS INTEGER)",
}


def _dec(value: Any) -> Decimal | None:
    """A SQL number as the Decimal the dashboard shows (two decimals), or None."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _params(program_id: int, month: int) -> dict[str, object]:
    return {"program": program_id, "month": month, "tz": settings.TIME_ZONE}


def dashboard_sql(program_id: int, month: int) -> dict[str, Any]:
    """The dashboard's figures of a whole program at ``month`` (1–12) straight from SQL:
    ``months`` (month → expected, achieved, average, on track, projected), ``summary``
    (lights, states, on track, average at ``month``), ``areas`` (area id → activities,
    lights, average, completeness and timeliness counts), ``subprograms`` (root node id →
    activities, lights, average, on track). Two statements."""
    if connection.vendor not in LOCAL_DAY:
        raise ValueError(
            f"the hand-written SQL baseline is written for {', '.join(LOCAL_DAY)}, "
            f"not {connection.vendor}"
        )
    params = _params(program_id, month)
    with connection.cursor() as cursor:
        cursor.execute(FIGURES_SQL, params)
        rows = cursor.fetchall()
        cursor.execute(
            CAPTURES_SQL.format(local_day=LOCAL_DAY[connection.vendor], closes=CLOSES), params
        )
        captures = cursor.fetchall()
    return _assemble(rows, captures, month)


def _on_track(green: int, lights: tuple[int, ...]) -> Decimal | None:
    graded = sum(lights[:3])
    if not graded:
        return None
    return (Decimal(green) * 100 / graded).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _assemble(rows: list[tuple], captures: list[tuple], month: int) -> dict[str, Any]:
    """Rows into the figures' shape (no arithmetic but the share on track: a count ratio)."""
    out: dict[str, Any] = {"months": {}, "areas": {}, "subprograms": {}, "summary": None}
    for kind, k, n, g, y, r, grey, off, pre, pen, avg, exp, ach, proj, n_exp, n_rep in rows:
        lights = (int(g or 0), int(y or 0), int(r or 0), int(grey or 0))
        if kind == "month":
            on_track = _on_track(lights[0], lights)
            out["months"][k] = (_dec(exp), _dec(ach), _dec(avg), on_track, None)
            if k == month:
                out["months"][k] = (_dec(exp), _dec(ach), _dec(avg), on_track, _dec(ach))
                states = (int(off), int(pre), int(pen))
                out["summary"] = (lights, states, on_track, _dec(avg))
        elif kind == "area":
            out["areas"][k] = [int(n), lights, _dec(avg), int(n_exp), int(n_rep), 0, 0, 0, 0]
        elif kind == "root":
            out["subprograms"][k] = (int(n), lights, _dec(avg), _on_track(lights[0], lights))
        else:
            out["months"][k] = (_dec(exp), None, None, None, _dec(proj))
    for area_id, sent, on_time, late, returned in captures:
        area = out["areas"].setdefault(area_id, [0, (0, 0, 0, 0), None, 0, 0, 0, 0, 0, 0])
        area[5:] = [int(sent), int(on_time), int(late), int(returned)]
    out["areas"] = {k: tuple(v) for k, v in out["areas"].items()}
    for m in range(1, 13):  # a month after M that no activity reaches has no figure
        out["months"].setdefault(m, (None, None, None, None, None))
    return out


def dashboard_figures(dashboard: Any) -> dict[str, Any]:
    """The same shape read off a ``rumbo.monitoring.dashboard.Dashboard`` (to compare)."""
    from rumbo.core.semaforo import Light
    from rumbo.monitoring.figures import FigureState

    def lights(summary: Any) -> tuple[int, ...]:
        return tuple(summary.lights[light] for light in Light)

    out: dict[str, Any] = {"months": {}, "areas": {}, "subprograms": {}}
    for f in dashboard.months:
        out["months"][f.month] = (
            f.expected_share,
            f.achieved_share,
            f.average_compliance,
            f.on_track,
            f.projected_share,
        )
    s = dashboard.summary
    out["summary"] = (
        lights(s),
        tuple(s.states[state] for state in FigureState),
        s.on_track,
        s.average_compliance,
    )
    for a in dashboard.areas:
        out["areas"][a.area_id] = (
            a.activities,
            lights(a.summary),
            a.summary.average_compliance,
            a.expected,
            a.reported,
            a.submitted,
            a.on_time,
            a.late,
            a.returned,
        )
    for node, summary in dashboard.subprograms:
        out["subprograms"][node.pk] = (
            summary.activities,
            lights(summary),
            summary.average_compliance,
            summary.on_track,
        )
    return out
