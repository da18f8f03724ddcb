"""Capturing indicator measurements: the same gates as monthly progress, plus the formula."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.indicators.models import IndicatorBands, Measurement
from rumbo.indicators.services import measurement_save
from rumbo.monitoring.errors import PeriodLocked, StaleVersion, WindowClosed
from rumbo.monitoring.models import PeriodReport, PeriodState, WindowExtension
from rumbo.monitoring.services import period_submit, progress_save

Q1_OPEN = date(2024, 4, 5)  # March (closing T1) is open 1–10 April
Q1_CLOSED = date(2024, 4, 11)
GOOD = {"realizadas": "16", "programadas": "20"}  # 80 % = the T1 target


def save(demo, persona="enlace_se", indicator=None, period=1, values=None, **kw):
    user = demo.users[persona]
    kw.setdefault("today", Q1_OPEN)
    kw.setdefault("version", None)
    return measurement_save(
        actor=Actor.for_user(user),
        user=user,
        indicator=indicator or demo.design.ind_c1,
        period=period,
        values=GOOD if values is None else values,
        **kw,
    )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("planeacion", True),
        ("enlace_se", True),
        ("enlace_otra", False),
        ("revisor", False),
        ("consulta", False),
        ("ajeno", False),
    ],
)
def test_who_may_capture_an_se_indicator(demo, persona, allowed) -> None:
    if allowed:
        m = save(demo, persona)
        assert m.value == Decimal(80) and m.version == 1
        assert m.values == {"realizadas": "16", "programadas": "20"}
    else:
        with pytest.raises(PermissionDenied):
            save(demo, persona)
        assert not Measurement.objects.exists()


def test_enlace_otra_captures_its_own_area_indicator(demo) -> None:
    ind = demo.design.ind_c2  # semestral, DO: S1 closes in June
    with pytest.raises(PermissionDenied):
        save(demo, "enlace_se", ind, values={"realizadas": "5", "programadas": "10"})
    m = save(
        demo,
        "enlace_otra",
        ind,
        values={"realizadas": "5", "programadas": "10"},
        today=date(2024, 7, 3),
    )
    assert m.value == Decimal(50)
    report = PeriodReport.objects.get()
    assert (report.area, report.month, report.state) == (demo.area_otra, 6, PeriodState.DRAFT)


def test_window_closed_and_extension(demo) -> None:
    with pytest.raises(WindowClosed) as exc:
        save(demo, today=Q1_CLOSED)
    assert "03/2024" in exc.value.message
    with pytest.raises(WindowClosed):
        save(demo, today=date(2024, 3, 31))  # March is not over yet
    WindowExtension.objects.create(
        institution=demo.institution, year=2024, month=3, until=date(2024, 4, 20), reason="x"
    )
    assert save(demo, today=Q1_CLOSED).value == Decimal(80)


def test_invalid_period(demo) -> None:
    with pytest.raises(ValidationError) as exc:
        save(demo, period=5)
    assert "entre 1 y 4" in exc.value.message_dict["period"][0]


def test_locked_after_submit(demo) -> None:
    save(demo)
    # The rest of March for SE: the monthly indicator and every activity with a target.
    save(
        demo,
        indicator=demo.design.ind_a11,
        period=3,
        values={"realizadas": "1", "programadas": "1"},
    )
    user = demo.users["enlace_se"]
    _capture_march_activities(demo, user)
    period_submit(
        actor=Actor.for_user(user),
        user=user,
        program=demo.program,
        area=demo.area_se,
        month=3,
        today=Q1_OPEN,
    )
    with pytest.raises(PeriodLocked) as exc:
        save(demo, values={"realizadas": "17", "programadas": "20"}, version=1)
    assert "enviada" in exc.value.message
    assert Measurement.objects.get(indicator=demo.design.ind_c1).value == Decimal(80)


def test_stale_version(demo) -> None:
    save(demo)
    save(demo, values={"realizadas": "17", "programadas": "20"}, version=1)
    with pytest.raises(StaleVersion) as exc:
        save(demo, values={"realizadas": "18", "programadas": "20"}, version=1)
    assert (exc.value.current, exc.value.submitted) == (2, 1)
    with pytest.raises(StaleVersion):
        save(demo, version=None)  # creating what already exists
    assert Measurement.objects.get().value == Decimal(85)


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"realizadas": "16"}, "values.programadas", "obligatorio"),
        ({"realizadas": "16", "programadas": ""}, "values.programadas", "obligatorio"),
        ({"realizadas": "-1", "programadas": "20"}, "values.realizadas", "negativa"),
        ({"realizadas": "dieciséis", "programadas": "20"}, "values.realizadas", "cantidad"),
        ({**GOOD, "extra": "1"}, "values", "extra"),
        ({"realizadas": "16", "programadas": "0"}, "values", "cero"),
    ],
)
def test_invalid_values(demo, values, field, fragment) -> None:
    with pytest.raises(ValidationError) as exc:
        save(demo, values=values)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert fragment in " ".join(exc.value.message_dict[field]).lower()
    assert not Measurement.objects.exists()
    assert not PeriodReport.objects.exists()
    assert not AuditEvent.objects.exists()


def test_es_mx_numbers_accepted(demo) -> None:
    m = save(demo, values={"realizadas": "1,600", "programadas": "2,000.0"})
    assert m.value == Decimal(80)
    assert m.values == {"realizadas": "1600", "programadas": "2000"}


def test_justification_required_outside_green(demo) -> None:
    with pytest.raises(ValidationError) as exc:
        save(demo, values={"realizadas": "10", "programadas": "20"})  # 50 % of 80 → red
    assert "rojo" in exc.value.message_dict["justification"][0]
    m = save(
        demo, values={"realizadas": "10", "programadas": "20"}, justification="Faltó personal."
    )
    assert m.justification == "Faltó personal."


def test_descending_indicator_and_own_bands(demo) -> None:
    ind = demo.design.ind_c1
    ind.direction = "descendente"
    ind.save()
    # Lower is better: 40 % against a target of 80 % is 200 % compliance → red without
    # own bands; with wide own bands it is green.
    with pytest.raises(ValidationError):
        save(demo, values={"realizadas": "8", "programadas": "20"})
    IndicatorBands.objects.create(
        indicator=ind,
        yellow_low=Decimal(50),
        green_low=Decimal(60),
        green_high=Decimal(250),
        yellow_high=Decimal(300),
    )
    assert save(demo, values={"realizadas": "8", "programadas": "20"}).value == Decimal(40)


def test_audit_before_after(demo) -> None:
    save(demo, comment="Primer corte")
    created = AuditEvent.objects.get(action="measurement.create")
    assert created.after["value"] == "80" and created.after["comment"] == "Primer corte"
    save(demo, values={"realizadas": "17", "programadas": "20"}, version=1, comment="Primer corte")
    updated = AuditEvent.objects.get(action="measurement.update")
    assert updated.before["value"] == "80" and updated.after["value"] == "85"
    assert updated.before["values"]["realizadas"] == "16"
    assert "comment" not in updated.after  # only changed fields
    save(
        demo,
        values={"realizadas": "17", "programadas": "20"},
        version=2,
        comment="Primer corte",
    )  # unchanged
    assert Measurement.objects.get().version == 2
    assert AuditEvent.objects.filter(action="measurement.update").count() == 1


# --- the monthly capture requires the measurements that close that month ---------------


def _capture_march_activities(demo, user) -> None:
    for activity in (
        demo.activity_full,
        demo.activity_fraction,
        demo.activity_missing,
        demo.activity_mismatch,
    ):
        target = activity.monthly_targets.filter(month=3).first()
        progress_save(
            actor=Actor.for_user(user),
            user=user,
            activity=activity,
            month=3,
            achieved=target.quantity if target else 0,
            version=None,
            justification="Sin avance acumulado en enero y febrero.",
            today=Q1_OPEN,
        )


def test_submitting_a_month_requires_its_due_measurements(demo) -> None:
    user = demo.users["enlace_se"]
    _capture_march_activities(demo, user)

    def submit():
        return period_submit(
            actor=Actor.for_user(user),
            user=user,
            program=demo.program,
            area=demo.area_se,
            month=3,
            today=Q1_OPEN,
        )

    with pytest.raises(ValidationError) as exc:
        submit()
    message = " ".join(exc.value.message_dict["entries"])
    # T1 of the quarterly and March of the monthly close in March; the annual ones do not.
    assert "«Porcentaje de informes entregados»" in message
    assert "«Porcentaje de informes mensuales»" in message
    assert "acuerdos" not in message
    save(demo)
    save(
        demo,
        indicator=demo.design.ind_a11,
        period=3,
        values={"realizadas": "1", "programadas": "2"},
        justification="Un informe se retrasó.",
    )
    assert submit().state == PeriodState.SUBMITTED


def test_a_month_with_only_a_measurement_can_be_sent(demo) -> None:
    # DO in June: its activity has no target that month; the semestral indicator closes S1.
    user = demo.users["enlace_otra"]
    save(
        demo,
        "enlace_otra",
        demo.design.ind_c2,
        values={"realizadas": "5", "programadas": "10"},
        today=date(2024, 7, 3),
    )
    report = period_submit(
        actor=Actor.for_user(user),
        user=user,
        program=demo.program,
        area=demo.area_otra,
        month=6,
        today=date(2024, 7, 3),
    )
    assert report.state == PeriodState.SUBMITTED
