"""Every action the code records has a Spanish label, and values read as on the pages.

A new action without a label fails ``test_every_recorded_action_has_a_label``: add the
label to ``rumbo/<app>/audit_labels.py`` of the app that records it (registered in that
app's ``AppConfig.ready()``); an action built with an f-string needs its expansion in
``tests/audit/action_scan.py::EXPANSIONS``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rumbo.audit import display, labels
from rumbo.indicators.models import IndicatorTarget
from rumbo.jobs.models import ExportJob
from rumbo.monitoring.models import PeriodReport, ProgressEntry
from rumbo.programs.models import Activity

from .action_scan import recorded_actions


def test_every_recorded_action_has_a_label() -> None:
    scan = recorded_actions()
    assert not scan.unresolved, f"actions the scan cannot follow: {scan.unresolved}"
    # the scan finds literals, helpers' parameters, both branches and f-strings
    assert {
        "export.request",  # literal
        "program.approve",  # positional argument of a helper (_record)
        "risk.update",  # keyword argument of a helper (update_item)
        "user.deactivate",  # a branch of «a if c else b»
        "period.approve",  # f-string, expanded from the capture cycle's transitions
        "objective.delete",  # f-string, expanded from the plan's elements
        "finding.resolved",  # f-string, expanded from the finding statuses
        "create",  # a bare verb (importers)
    } <= set(scan.actions)
    missing = {
        action: sorted(where)
        for action, where in scan.actions.items()
        if labels.action_label(action) is None
    }
    assert not missing, f"add a label in rumbo/<app>/audit_labels.py for: {missing}"


def test_a_label_reads_like_a_sentence() -> None:
    assert display.action_text("period.approve") == "Aprobó la captura"
    assert display.action_text("export.request") == "Solicitó una exportación"
    assert display.action_text("progress.update") == "Corrigió el avance del mes"
    # one action name, two apps: the model decides
    assert display.action_text("policy.update") == "Modificó la política general"
    from rumbo.monitoring.models import MonitoringPolicy

    assert display.action_text("policy.update", MonitoringPolicy) == (
        "Cambió la política de seguimiento"
    )


def test_who() -> None:
    assert display.actor_text("cli:root") == "Línea de comandos (root)"
    assert display.actor_text("revisor", "Revisor IEEM") == "Revisor IEEM (revisor)"
    assert display.actor_text("anónimo") == "anónimo"


@pytest.mark.parametrize(
    ("value", "key", "model", "shown"),
    [
        ("20.0000", "achieved", ProgressEntry, "20"),  # a Decimal's string, no trailing zeros
        ("1234.5000", "achieved", ProgressEntry, "1,234.5"),
        (4060, "annual_target", Activity, "4,060"),
        ("0.2500", "annual_target", Activity, "0.25"),
        (11, "month", ProgressEntry, "noviembre"),
        (2024, "year", None, "2024"),  # a year is never grouped
        ("010101", "key", Activity, "010101"),  # a key is text, not a number
        ("2024-12-31", "until", None, "31/12/2024"),
        (True, "background", ExportJob, "Sí"),
        (False, "background", ExportJob, "No"),
        ("enviado", "state", PeriodReport, "Enviado"),  # the model's choices
        ("listo", "state", ExportJob, "Listo"),
        ("sipot", "kind", ExportJob, "Formato de transparencia"),  # a registered code
        (None, "comment", ProgressEntry, "—"),
        ("", "comment", ProgressEntry, "—"),
        ("9E+1", "value", IndicatorTarget, "90"),
        ("cli:root", "published_by", None, "Línea de comandos (root)"),
    ],
)
def test_values_read_as_on_the_pages(value, key, model, shown) -> None:
    assert display.value_text(value, key, model) == shown


def test_a_json_object_reads_as_lines_in_the_order_of_their_labels() -> None:
    # (PostgreSQL's jsonb keeps no key order: the labels give the one order.)
    params = {"format_id": "fr-iv", "year": 2024, "fmt": "xlsx", "month": 11}
    assert display.value_text(params, "params", ExportJob) == (
        "Año: 2024\nFormato de archivo: Excel (XLSX)\nFormato de transparencia: fr-iv\n"
        "Mes: noviembre"
    )


def test_changes_name_fields_and_spell_the_calendar_by_month() -> None:
    before = {"achieved": "20.0000", "comment": "", "version": 1}
    after = {"achieved": "2", "comment": "Eran dos.", "version": 2}
    changes = display.field_changes(before, after, ProgressEntry)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Cantidad alcanzada", "20", "2"),
        ("Comentario", "—", "Eran dos."),
        ("Versión", "1", "2"),
    ]
    months_before = ["1", "1", "1", "1", None, "1", "1", "1", "1", "1", "1", "1"]
    months_after = ["1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1500.0000"]
    changes = display.field_changes(
        {"monthly_targets": months_before}, {"monthly_targets": months_after}, Activity
    )
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Meta de mayo", "—", "1"),
        ("Meta de diciembre", "1", "1,500"),
    ]


def test_a_datetime_in_local_time() -> None:
    moment = datetime(2024, 12, 1, 6, 30, tzinfo=ZoneInfo("UTC"))
    # Mexico City is UTC-6 (no daylight saving since 2022)
    assert display.value_text(moment.isoformat(), "published_at") == "01/12/2024 00:30"


def test_a_creation_lists_its_values_alone_and_an_update_its_changes() -> None:
    from rumbo.audit.display import field_changes

    created = field_changes(None, {"achieved": "20.0000", "comment": "", "month": 5})
    assert [c.text for c in created] == ["Cantidad alcanzada: 20", "Mes: mayo"]
    changed = field_changes(
        {"achieved": "20.0000", "comment": ""}, {"achieved": "2", "comment": ""}
    )
    assert [c.text for c in changed] == ["Cantidad alcanzada: 20 → 2"]
    deleted = field_changes({"achieved": "2"}, None)
    assert [c.text for c in deleted] == ["Cantidad alcanzada: 2 → —"]
