"""Open-data fixtures: a published program with captures in every state, and distinctive
marker strings planted in everything that must never become public."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from rumbo.adjustments.services import Proposal, adjustment_approve, adjustment_request
from rumbo.audit.services import Actor, audit_record
from rumbo.budget.models import MOMENTS, BudgetLine, FundingSource, GenericItem, SpecificItem
from rumbo.budget.services import cog_load
from rumbo.design.models import ProgramDesign
from rumbo.indicators.models import Indicator, Level, Mir, MirRow
from rumbo.monitoring.models import Evidence, PeriodReport, PeriodState, ProgressEntry
from rumbo.opendata.models import Publication, PublicationKind
from rumbo.opendata.summary import summary_rebuild
from rumbo.programs.lifecycle import program_approve
from rumbo.programs.models import AnnualProgram, ProgramNode
from tests.factories import Demo, QualityFindingFactory, measure_indicator

MARK = "MARCAOCULTA"  # every planted secret contains it


def publish(program: AnnualProgram, mirs: Iterable[Mir] = ()) -> None:
    """Publish without the service (fixtures only; the service has its own tests)."""
    now = timezone.now()
    Publication.objects.create(
        program=program, kind=PublicationKind.PROGRAM, published_at=now, published_by_label="x"
    )
    for mir in mirs:
        Publication.objects.create(
            program=program,
            kind=PublicationKind.MIR,
            mir=mir,
            published_at=now,
            published_by_label="x",
        )


@dataclass
class World:
    demo: Demo
    unpublished_mir: Mir
    unpublished_indicator: Indicator


def _report(demo: Demo, area, month: int, state: str, comment: str = "", version: int = 1):
    return PeriodReport.objects.create(
        program=demo.program,
        area=area,
        month=month,
        state=state,
        comment=comment,
        version=version,
        submitted_by=demo.users["enlace_se"],
        decided_by=demo.users["revisor"],
    )


def _entry(demo: Demo, activity, month: int, achieved: str) -> ProgressEntry:
    return ProgressEntry.objects.create(
        activity=activity,
        month=month,
        achieved=Decimal(achieved),
        comment=f"{MARK}-comentario-{activity.key}-{month}",
        justification=f"{MARK}-justificacion-{activity.key}-{month}",
        updated_by=demo.users["enlace_se"],
    )


@pytest.fixture
def world(demo: Demo) -> World:
    """IEEM 2024 published with its MIR. SE: January approved, February enviado, March
    devuelto, April reopened (borrador, version 3). DO: April approved. Every comment,
    justification, evidence name, user name and e-mail, finding, audit reason, and an
    unpublished design with its MIR carry ``MARK``."""
    se, do = demo.area_se, demo.area_otra
    for i, user in enumerate(demo.users.values()):
        user.username = f"{MARK.lower()}usuario{i}"
        user.first_name = f"{MARK}nombre{i}"
        user.last_name = f"{MARK}apellido{i}"
        user.email = f"{MARK.lower()}{i}@example.com"
        user.save()
    _report(demo, se, 1, PeriodState.APPROVED, f"{MARK}-aprobada")
    _report(demo, se, 2, PeriodState.SUBMITTED, f"{MARK}-enviada")
    _report(demo, se, 3, PeriodState.RETURNED, f"{MARK}-devuelta")
    _report(demo, se, 4, PeriodState.DRAFT, f"{MARK}-reabierta", version=3)
    _report(demo, do, 4, PeriodState.APPROVED, f"{MARK}-aprobada-do")
    full = demo.activity_full
    january = _entry(demo, full, 1, "300")
    _entry(demo, full, 2, "7777")
    _entry(demo, full, 3, "8888")
    _entry(demo, full, 4, "9999")
    _entry(demo, demo.activity_otra, 4, "1")
    Evidence.objects.create(
        entry=january,
        original_name=f"{MARK}-evidencia.pdf",
        storage_name=f"IEEM/00/{MARK}.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=demo.users["enlace_se"],
    )
    d = demo.design
    m_a11 = measure_indicator(d.ind_a11, 1)  # January: approved → public (100 %)
    m_a11.comment = f"{MARK}-medicion-comentario"
    m_a11.justification = f"{MARK}-medicion-justificacion"
    m_a11.save()
    measure_indicator(d.ind_a11, 2, "37", "41")  # February: enviado → hidden
    measure_indicator(d.ind_c1, 1, "3", "4")  # closes in March: devuelto → hidden
    QualityFindingFactory(institution=demo.institution, message=f"{MARK}-hallazgo")
    audit_record(
        actor=Actor.for_user(demo.users["planeacion"]),
        institution_id=demo.institution.pk,
        action="test.marker",
        obj=full,
        before={"x": f"{MARK}-antes"},
        after={"x": f"{MARK}-despues"},
        reason=f"{MARK}-motivo",
    )
    # A second design on the DO subprogram, with a MIR that stays unpublished.
    sub_do = ProgramNode.objects.get(program=demo.program, key="02")
    design = ProgramDesign.objects.create(
        node=sub_do, title=f"{MARK}-diseno", problem_statement=f"{MARK}-problema"
    )
    mir = Mir.objects.create(design=design, notes=f"{MARK}-notas")
    row = MirRow.objects.create(mir=mir, level=Level.FIN, summary=f"{MARK}-renglon", order=1)
    indicator = Indicator.objects.create(
        row=row,
        name=f"{MARK}-indicador",
        formula="a / b * 100",
        formula_type="porcentaje",
        kind="gestion",
        frequency="anual",
        area=do,
    )
    # The published design's own internal texts stay internal too.
    d.design.diagnosis = f"{MARK}-diagnostico"
    d.design.save()
    publish(demo.program, mirs=[d.mir])
    # Another institution with an unpublished program.
    AnnualProgram.objects.create(
        institution=demo.other_institution, year=2024, name=f"{MARK}-programa-iecm"
    )
    summary_rebuild()  # published and approved above without the services
    _budget(demo)
    return World(demo=demo, unpublished_mir=mir, unpublished_indicator=indicator)


# The published program's budget (open data «presupuesto»): (node, activity?, partida,
# month, aprobado, modificado, comprometido, devengado, ejercido, pagado). By hand:
# aprobado 1,500.25 + 320 + 480 = 2,300.25; devengado 600.10 + 100 = 700.10.
BUDGET_LINES = [
    ("project", False, "21101", 1, "1500.25", "1500.25", "900", "600.10", "500", "400"),
    ("project", True, "21101", 1, "320", "320", "150", "100", "100", "50"),
    ("subprogram", False, "33401", 2, "480", "480", "0", "0", "0", "0"),
]


def _budget(demo: Demo) -> None:
    cog_load()
    source = FundingSource.objects.create(institution=demo.institution, key="11", name="Fiscal")
    for node, on_activity, key, month, *amounts in BUDGET_LINES:
        item, _ = SpecificItem.objects.get_or_create(
            institution=demo.institution,
            key=key,
            defaults={"generic": GenericItem.objects.get(key=key[:3]), "name": f"Partida {key}"},
        )
        BudgetLine.objects.create(
            program=demo.program,
            node=getattr(demo, node),
            activity=demo.activity_full if on_activity else None,
            item=item,
            source=source,
            month=month,
            **{m: Decimal(a) for m, a in zip(MOMENTS, amounts, strict=True)},
        )


AGREEMENT = "IEEM/CG/01/2024"
AGREED_ON = date(2024, 1, 9)
ADJUSTED_AT = datetime(2024, 6, 3, 18, 0, tzinfo=UTC)  # 12:00 on 03/06/2024 in Mexico City


def approve_and_adjust(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the services: approve IEEM 2024 (acuerdo IEEM/CG/01/2024 of 09/01/2024:
    version 1), then, on 03/06/2024, two approved adjustments:

    - version 2: 010101 from 4,060 to 4,100 — January 340 → 350, May 340 → 370 (SE's
      January capture is reopened for it and approved again, as Planeación would);
    - version 3: the Fin indicator's annual meta (period 1) from 90 to 92.

    Both requested by the SE's Enlace and decided by Planeación.
    """
    planeacion = Actor.for_user(demo.users["planeacion"])
    enlace = Actor.for_user(demo.users["enlace_se"])
    program_approve(
        actor=planeacion, program=demo.program, agreement=AGREEMENT, approved_on=AGREED_ON
    )
    january = PeriodReport.objects.filter(program=demo.program, area=demo.area_se, month=1)
    state = january.values_list("state", flat=True).first()
    january.update(state=PeriodState.DRAFT)
    months = [350, 340, 340, 340, 370, 340, 340, 340, 340, 340, 330, 330]
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: ADJUSTED_AT)
        for proposal in (
            Proposal(
                kind="meta_anual",
                activity=demo.activity_full,
                annual_target="4100",
                monthly_targets=months,
            ),
            Proposal(kind="meta_indicador", indicator=demo.design.ind_fin, targets={"1": "92"}),
        ):
            request = adjustment_request(
                actor=enlace, program=demo.program, proposal=proposal, justification="Prueba."
            )
            adjustment_approve(actor=planeacion, adjustment=request)
    if state is not None:
        january.update(state=state)
    demo.program.refresh_from_db()


def xlsx_text(content: bytes) -> str:
    """Every cell of every sheet, as text (what a person opening the file can read)."""
    wb = load_workbook(io.BytesIO(content))
    parts = []
    for ws in wb.worksheets:
        parts.append(ws.title)
        for row in ws.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)


def body_text(response) -> str:  # type: ignore[no-untyped-def]
    content = response.content
    if response["Content-Type"].startswith("application/vnd.openxml"):
        return xlsx_text(content)
    text = content.decode("utf-8-sig")
    if response["Content-Type"].startswith("application/json"):
        # JSON escapes nothing here (ensure_ascii off), but re-dump to be sure.
        return text + json.dumps(json.loads(text), ensure_ascii=False)
    return text


@pytest.fixture
def anon() -> Client:
    return Client()
