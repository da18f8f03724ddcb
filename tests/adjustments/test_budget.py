"""Adecuaciones presupuestarias: ampliación, reducción and traspaso of modificado through
the program's adjustment requests — who may ask and decide, every refusal (nothing
written), the amounts by hand, atomicity at approval, and the budget import afterwards.

The budget (by hand, pesos, fuente 11, IEEM 2024 of tests/factories.py):

    0101 · 21101  marzo  aprobado = modificado 10,000.00; devengado 4,000.00
    0101 · 33401  marzo  aprobado = modificado  5,000.00
    0201 · 21101  marzo  aprobado = modificado  8,000.00   (Dirección de Organización)

0101 is the Secretaría Ejecutiva's (enlace_se), 0201 the Dirección de Organización's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.adjustments.budget import BudgetRow
from rumbo.adjustments.models import AdjustmentPolicy, AdjustmentRequest, AdjustmentState
from rumbo.adjustments.services import (
    Proposal,
    adjustment_approve,
    adjustment_reject,
    adjustment_request,
)
from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.budget.importer import BudgetFileError, preview_budget
from rumbo.budget.models import BudgetLine, BudgetMovement
from rumbo.core.errors import Conflict
from rumbo.notifications.models import Notification
from rumbo.programs.models import ProgramState
from tests.factories import AnnualProgramFactory

from .budget_world import BUDGET, HEADER, actor, load, modified

pytestmark = pytest.mark.django_db


def ask(demo, who, kind, rows, justification="Se necesita para la capacitación."):
    return adjustment_request(
        actor=actor(demo, who),
        program=demo.program,
        proposal=Proposal(kind=kind, movements=[BudgetRow(*r) for r in rows]),
        justification=justification,
    )


TRASPASO = [
    ("de", "0101", "21101", "11", 3, "2,500.50"),
    ("a", "0101", "33401", "11", 3, "2,500.50"),
]


# --- the whole cycle, by hand -----------------------------------------------------------


def test_traspaso_requested_by_the_enlace_and_approved_by_planeacion(budget):
    adj = ask(budget, "enlace_se", "traspaso", TRASPASO)
    assert adj.state == AdjustmentState.SOLICITADA
    assert adj.subject == "presupuesto de 0101"
    assert adj.area_code == budget.area_se.code
    # what the request records, as an auditor reads it (amounts as Decimal strings)
    assert adj.before == {
        "movimientos": [
            {
                "clave": "0101",
                "partida": "21101",
                "fuente": "11",
                "mes": 3,
                "modificado": "10000.00",
            },
            {
                "clave": "0101",
                "partida": "33401",
                "fuente": "11",
                "mes": 3,
                "modificado": "5000.00",
            },
        ]
    }
    assert adj.after == {
        "movimientos": [
            {
                "lado": "de",
                "clave": "0101",
                "partida": "21101",
                "fuente": "11",
                "mes": 3,
                "importe": "-2500.50",
                "modificado": "7499.50",
            },
            {
                "lado": "a",
                "clave": "0101",
                "partida": "33401",
                "fuente": "11",
                "mes": 3,
                "importe": "2500.50",
                "modificado": "7500.50",
            },
        ],
        "quita": "2500.50",
        "da": "2500.50",
    }
    # nothing moves until it is approved
    assert modified("0101", "21101") == Decimal("10000.00")
    assert not BudgetMovement.objects.exists()

    done = adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj, reason="Procede.")
    assert done.state == AdjustmentState.APROBADA
    assert done.version is None  # the program's targets did not change
    assert modified("0101", "21101") == Decimal("7499.50")  # 10,000.00 − 2,500.50
    assert modified("0101", "33401") == Decimal("7500.50")  # 5,000.00 + 2,500.50
    assert modified("0201", "21101") == Decimal("8000.00")
    ledger = sorted(
        (m.item.key, m.month, m.amount, m.reference) for m in BudgetMovement.objects.all()
    )
    assert ledger == [
        ("21101", 3, Decimal("-2500.50"), f"Adecuación {adj.number}"),
        ("33401", 3, Decimal("2500.50"), f"Adecuación {adj.number}"),
    ]
    events = AuditEvent.objects.filter(action="budget.movement").order_by("object_repr")
    assert [(e.object_repr, e.before["modificado"], e.after["modificado"]) for e in events] == [
        ("0101 · 21101 · 11 · mes 3", "10000.00", "7499.50"),
        ("0101 · 33401 · 11 · mes 3", "5000.00", "7500.50"),
    ]
    assert all(e.actor_label == "planeacion" for e in events)
    assert "Se necesita para la capacitación." in events[0].reason


def test_ampliacion_creates_the_line_a_key_did_not_have(budget):
    adj = ask(budget, "planeacion", "ampliacion", [("a", "010101", "21101", "11", 5, "1,234.56")])
    assert adj.before["movimientos"][0]["modificado"] == "0.00"
    # planeacion asked: someone else with the deciding role decides (the policy: revisor)
    AdjustmentPolicy.objects.create(institution=budget.institution, decider="revisor")
    adjustment_approve(actor=actor(budget, "revisor"), adjustment=adj)
    line = BudgetLine.objects.get(activity__key="010101", item__key="21101", month=5)
    assert (line.aprobado, line.modificado, line.devengado) == (
        Decimal("0.00"),
        Decimal("1234.56"),
        Decimal("0.00"),
    )
    assert line.node.key == "0101"


def test_reduccion_takes_from_modificado(budget):
    adj = ask(budget, "planeacion", "reduccion", [("de", "0201", "21101", "11", 3, "8,000.00")])
    AdjustmentPolicy.objects.create(institution=budget.institution, decider="revisor")
    adjustment_approve(actor=actor(budget, "revisor"), adjustment=adj)
    assert modified("0201", "21101") == Decimal("0.00")


# --- who ----------------------------------------------------------------------------------


def test_the_requester_never_decides(budget):
    adj = ask(budget, "planeacion", "traspaso", TRASPASO)
    with pytest.raises(PermissionDenied, match="no puede decidirla"):
        adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj)
    assert modified("0101", "21101") == Decimal("10000.00")


def test_only_the_deciding_role_decides(budget):
    adj = ask(budget, "enlace_se", "traspaso", TRASPASO)
    for name in ("revisor", "consulta", "enlace_otra"):
        with pytest.raises(PermissionDenied):
            adjustment_approve(actor=actor(budget, name), adjustment=adj)
    assert not BudgetMovement.objects.exists()


def test_an_enlace_asks_only_for_its_own_areas_keys(budget):
    with pytest.raises(PermissionDenied, match="0201"):
        ask(
            budget,
            "enlace_se",
            "traspaso",
            [("de", "0201", "21101", "11", 3, "100.00"), ("a", "0101", "21101", "11", 3, "100.00")],
        )
    for name in ("revisor", "consulta", "fiscalizacion"):
        with pytest.raises(PermissionDenied):
            ask(budget, name, "ampliacion", [("a", "0101", "21101", "11", 3, "100.00")])
    assert not AdjustmentRequest.objects.exists()


# --- every refusal, nothing written -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rows", "field", "text"),
    [
        ("ampliacion", [("a", "9999", "21101", "11", 3, "1.00")], "movements.1", "«9999»"),
        ("ampliacion", [("a", "0101", "21102", "11", 3, "1.00")], "movements.1", "«21102»"),
        ("ampliacion", [("a", "0101", "21101", "99", 3, "1.00")], "movements.1", "«99»"),
        ("ampliacion", [("a", "0101", "21101", "11", 13, "1.00")], "movements.1", "«13»"),
        ("ampliacion", [("a", "0101", "21101", "11", 3, "1.555")], "movements.1", "dos decimales"),
        ("ampliacion", [("a", "0101", "21101", "11", 3, "0")], "movements.1", "es 0"),
        ("ampliacion", [("a", "0101", "21101", "11", 3, "-5")], "movements.1", "negativo"),
        ("ampliacion", [("de", "0101", "21101", "11", 3, "5.00")], "movements.1", "solo da"),
        ("reduccion", [("a", "0101", "21101", "11", 3, "5.00")], "movements.1", "solo quita"),
        (
            "traspaso",
            [("de", "0101", "21101", "11", 3, "100.00"), ("a", "0101", "33401", "11", 3, "100.01")],
            "movements",
            "quita $100.00 y da $100.01",
        ),
        ("traspaso", [("de", "0101", "21101", "11", 3, "100.00")], "movements", "otro lado"),
        (
            "ampliacion",
            [("a", "0101", "21101", "11", 3, "1.00"), ("a", "0101", "21101", "11", "3", "2.00")],
            "movements.2",
            "repite",
        ),
        # 10,000.00 − 10,000.01 = −0.01
        (
            "reduccion",
            [("de", "0101", "21101", "11", 3, "10,000.01")],
            "movements.1",
            "lo dejaría en -$0.01",
        ),
        # to March: modificado 10,000.00 − 6,000.01 = 3,999.99 < devengado 4,000.00
        (
            "reduccion",
            [("de", "0101", "21101", "11", 3, "6,000.01")],
            "movements.1",
            "$3,999.99, por debajo del devengado acumulado ($4,000.00)",
        ),
    ],
)
def test_each_refusal_says_why_and_writes_nothing(budget, kind, rows, field, text):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        ask(budget, "planeacion", kind, rows)
    messages = " ".join(caught.value.message_dict[field])
    assert text in messages
    assert not AdjustmentRequest.objects.exists()
    assert AuditEvent.objects.count() == events
    assert modified("0101", "21101") == Decimal("10000.00")


def test_exactly_down_to_devengado_is_allowed(budget):
    # 10,000.00 − 6,000.00 = 4,000.00 = devengado to March: allowed
    adj = ask(budget, "enlace_se", "reduccion", [("de", "0101", "21101", "11", 3, "6,000.00")])
    adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj)
    assert modified("0101", "21101") == Decimal("4000.00")


def test_a_program_without_budget_is_refused(demo):
    other = AnnualProgramFactory(institution=demo.institution, year=2025)
    with pytest.raises(Conflict, match="no tiene presupuesto"):
        adjustment_request(
            actor=actor(demo, "planeacion"),
            program=other,
            proposal=Proposal(
                kind="ampliacion", movements=[BudgetRow("a", "0101", "21101", "11", 3, "1.00")]
            ),
            justification="x",
        )


def test_a_closed_program_is_refused(budget):
    type(budget.program).objects.filter(pk=budget.program.pk).update(state=ProgramState.CERRADO)
    with pytest.raises(Conflict, match="cerrado"):
        ask(budget, "planeacion", "traspaso", TRASPASO)


# --- at approval: checked again, all or nothing --------------------------------------------


def test_approval_refuses_what_the_data_no_longer_allows_and_applies_nothing(budget, tmp_path):
    # a reducción that was fine when requested …
    adj = ask(
        budget,
        "enlace_se",
        "traspaso",
        [("de", "0101", "21101", "11", 3, "5,000.00"), ("a", "0101", "33401", "11", 3, "5,000.00")],
    )
    # … but the financial system has since devengado 6,000.00 to March
    load(tmp_path, [r.replace('"4,000.00"', '"6,000.00"') for r in BUDGET], "marzo.csv")
    with pytest.raises(Conflict, match=r"por debajo del devengado acumulado \(\$6,000.00\)"):
        adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj)
    adj.refresh_from_db()
    assert adj.state == AdjustmentState.SOLICITADA
    assert modified("0101", "21101") == Decimal("10000.00")
    assert modified("0101", "33401") == Decimal("5000.00")  # the second movement neither
    assert not BudgetMovement.objects.exists()
    assert not AuditEvent.objects.filter(action="budget.movement").exists()
    # it can still be rejected, with the reason
    adjustment_reject(actor=actor(budget, "planeacion"), adjustment=adj, reason="Ya se devengó.")


def test_approval_refuses_a_stale_before(budget):
    first = ask(budget, "enlace_se", "reduccion", [("de", "0101", "21101", "11", 3, "100.00")])
    second = ask(budget, "enlace_se", "reduccion", [("de", "0101", "21101", "11", 3, "200.00")])
    adjustment_approve(actor=actor(budget, "planeacion"), adjustment=first)
    with pytest.raises(Conflict, match="cambió después de la solicitud"):
        adjustment_approve(actor=actor(budget, "planeacion"), adjustment=second)
    assert modified("0101", "21101") == Decimal("9900.00")  # only the first: 10,000 − 100


# --- the import afterwards ---------------------------------------------------------------


def test_reimport_keeps_the_adecuaciones_and_changes_nothing(budget, tmp_path):
    adj = ask(budget, "enlace_se", "traspaso", TRASPASO)
    adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj)
    events = AuditEvent.objects.count()
    report = load(tmp_path)  # the same file again
    assert modified("0101", "21101") == Decimal("7499.50")  # file 10,000.00 − 2,500.50
    assert modified("0101", "33401") == Decimal("7500.50")  # file 5,000.00 + 2,500.50
    assert not report.updated and not report.created and not report.deleted
    assert AuditEvent.objects.count() == events  # a re-import records nothing


def test_the_preview_counts_the_adecuaciones_like_the_import(budget, tmp_path):
    """The upload's preview (``preview_budget``) plans the same modificado the import
    stores: the same file again is «Sin cambios» after an adecuación, and a raised line's
    «después» includes what the adecuación moved."""
    adj = ask(budget, "enlace_se", "traspaso", TRASPASO)
    adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj)
    same = tmp_path / "mismo.csv"
    same.write_text("\n".join([HEADER, *BUDGET]) + "\n", encoding="utf-8")
    preview = preview_budget(
        str(same), institution_code="IEEM", year=2024, actor=Actor.cli(), through=3
    )
    assert preview.diff.is_empty and not preview.diff.updated
    raised = tmp_path / "abril.csv"
    raised.write_text(
        "\n".join([HEADER, *(r.replace('"5,000.00"', '"6,000.00"') for r in BUDGET)]) + "\n",
        encoding="utf-8",
    )
    preview = preview_budget(
        str(raised), institution_code="IEEM", year=2024, actor=Actor.cli(), through=3
    )
    (line,) = [d for d in preview.diff.updated if d.key[2] == "33401"]
    # stored 5,000.00 + 2,500.50; the file's 6,000.00 + 2,500.50
    assert line.before["modificado"] == Decimal("7500.50")
    assert line.after["modificado"] == Decimal("8500.50")


def test_a_new_file_gets_the_adecuaciones_added_to_its_modificado(budget, tmp_path):
    adj = ask(budget, "enlace_se", "traspaso", TRASPASO)
    adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj)
    rows = [r.replace('"5,000.00"', '"6,000.00"') for r in BUDGET]  # 33401 raised in the file
    load(tmp_path, rows, "abril.csv")
    assert modified("0101", "33401") == Decimal("8500.50")  # 6,000.00 + 2,500.50
    assert modified("0101", "21101") == Decimal("7499.50")


def test_an_import_that_drops_a_key_keeps_the_lines_adecuaciones_moved(budget, tmp_path):
    # an ampliación of 0201 in May (no line yet), then a file without 0201 at all
    adj = ask(budget, "planeacion", "ampliacion", [("a", "0201", "21101", "11", 5, "300.00")])
    AdjustmentPolicy.objects.create(institution=budget.institution, decider="revisor")
    adjustment_approve(actor=actor(budget, "revisor"), adjustment=adj)
    load(tmp_path, [r for r in BUDGET if not r.startswith("0201")], "sin-0201.csv")
    assert modified("0201", "21101", month=3) is None  # the file's line: deleted
    line = BudgetLine.objects.get(node__key="0201", month=5)
    assert (line.aprobado, line.modificado) == (Decimal("0.00"), Decimal("300.00"))
    assert modified("0101", "21101") == Decimal("10000.00")


def test_an_import_that_would_leave_modificado_negative_is_refused(budget, tmp_path):
    adj = ask(budget, "enlace_se", "reduccion", [("de", "0101", "33401", "11", 3, "5,000.00")])
    adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj)
    # a file whose modificado already has the reduction (4,000.00): 4,000.00 − 5,000.00 < 0
    rows = [
        r.replace('33401,11,3,modificado,"5,000.00"', '33401,11,3,modificado,"4,000.00"')
        for r in BUDGET
    ]
    with pytest.raises(BudgetFileError) as caught:
        load(tmp_path, rows, "doble.csv")
    (error,) = caught.value.errors
    assert error.row == 6 and error.column == "Importe"
    assert "quedaría negativo" in error.message
    assert modified("0101", "33401") == Decimal("0.00")  # nothing written


# --- avisos and «Mis pendientes», as for the other kinds ---------------------------------


def test_the_decider_is_told_and_the_requester_learns_the_decision(budget, client):
    adj = ask(budget, "enlace_se", "traspaso", TRASPASO)
    told = Notification.objects.get(recipient=budget.users["planeacion"])
    assert told.title == f"Adecuación por decidir: folio {adj.number}, presupuesto de 0101"
    assert "(traspaso presupuestal) del presupuesto de 0101 (área SE)" in told.body
    client.force_login(budget.users["planeacion"])
    page = client.get("/pendientes/").content.decode()
    assert f"Adecuación {adj.number} · presupuesto de 0101" in page
    adjustment_approve(actor=actor(budget, "planeacion"), adjustment=adj)
    decided = Notification.objects.get(recipient=budget.users["enlace_se"])
    assert decided.title == f"Adecuación aprobada: folio {adj.number}, presupuesto de 0101"
    assert "ya se aplicó al modificado del presupuesto 2024." in decided.body
