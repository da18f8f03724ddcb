from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from rumbo.adjustments.demo import demo_approval_ensure, demo_budget_adjustments_ensure
from rumbo.audit.services import Actor, audit_record
from rumbo.budget.demo import demo_budget_load
from rumbo.core.errors import error_text
from rumbo.core.management.base import RumboCommand
from rumbo.core.text import normalize
from rumbo.design.models import ProgramDesign
from rumbo.design.services import program_from_design
from rumbo.imports.registry import get_importer
from rumbo.indicators.demo import demo_measurements_load
from rumbo.institutions.demo import demo_letterhead_ensure
from rumbo.institutions.models import Area, Institution, Role
from rumbo.institutions.services import user_ensure
from rumbo.monitoring.demo import demo_progress_load
from rumbo.monitoring.demo_window import OpenMonth, demo_open_month
from rumbo.monitoring.figures import Summary, program_figures
from rumbo.notifications.services import notifications_read_all
from rumbo.opendata.demo import demo_publications_ensure
from rumbo.programs.models import AnnualProgram, ProgramNode

# institution, year, last simulated month (the last month of every simulated program)
DEMO_PROGRESS = ("IEEM", 2024, 10)


class Command(RumboCommand):
    help = (
        "Prepara la demostración: crea/actualiza la base de datos, importa los documentos de "
        "data/samples/, crea los usuarios de demostración e indica cómo entrar. Repetible."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--samples", default=str(settings.SAMPLES_DIR), help="carpeta de documentos de muestra"
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="puerto en el que servirás la demostración (el que muestra el aviso final)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["port"] <= 65535:
            raise CommandError(f"--port: {options['port']} no es un puerto (1 a 65535)")
        samples = Path(options["samples"])
        manifest_path = samples / "demo.json"
        if not manifest_path.exists():
            raise CommandError(f"{manifest_path}: no existe el manifiesto de la demostración")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        call_command("rumbo_init")
        actor = Actor.cli()
        for spec in manifest["institutions"]:
            self._institution_ensure(spec, actor)
        for item in manifest["imports"]:
            if self._frozen(item):
                continue
            kwargs: dict[str, Any] = {"institution_code": item["institution"], "actor": actor}
            if "year" in item:
                kwargs["year"] = item["year"]
            if "period" in item:
                kwargs["start_year"], kwargs["end_year"] = item["period"]
            report = get_importer(item["kind"])(samples / item["file"], **kwargs)
            self.stdout.write(report.to_text())
        password = manifest["password"]
        rows = self._users(manifest, actor)
        self._simulated(manifest, actor)
        self._approval()
        self._budget(actor)  # after the adjustments: their calendars are the budget's
        self._budget_adjustments()
        self._history_avisos_read(rows)
        for line in demo_publications_ensure(actor=actor):
            self.stdout.write(line)
        ieem = Institution.objects.get(code=DEMO_PROGRESS[0])
        self.stdout.write(demo_letterhead_ensure(institution=ieem, actor=actor))
        opened = self._open_months(actor)
        self._banner(password, rows, opened, options["port"])

    def _history_avisos_read(self, rows: list[tuple[str, str, str, Area | None]]) -> None:
        """The simulated months and adjustments went through the real services, which told
        the demo users (126 avisos for the revisor): that history is marked read, so the
        count in the header means what a newcomer does from here on."""
        users = get_user_model().objects.filter(username__in=[row[0] for row in rows])
        marked = sum(notifications_read_all(user=user) for user in users)
        if marked:
            self.stdout.write(f"Avisos de la historia simulada marcados como leídos: {marked}.")

    def _banner(
        self,
        password: str,
        rows: list[tuple[str, str, str, Area | None]],
        opened: list[OpenMonth],
        port: int,
    ) -> None:
        self.stdout.write("")
        self.stdout.write(f"Usuarios de demostración (contraseña para todos: {password})")
        for username, code, role, area in rows:
            where = f" · {area.name}" if area else ""
            self.stdout.write(f"  {username:<16} {code:<5} {role}{where}")
        self.stdout.write("")
        for item in opened:
            self.stdout.write(f"Captura abierta en {item.institution}: {item.label}.")
        self.stdout.write(f"Entra en http://127.0.0.1:{port}/ con cualquiera de ellos.")

    def _open_months(self, actor: Actor) -> list[OpenMonth]:
        """One month of each simulated program open for capture by every area, so that an
        enlace can try the capture at once (``rumbo.monitoring.demo_window``)."""
        opened = []
        for program in (
            AnnualProgram.objects.select_related("institution")
            .filter(progress_simulated=True)
            .order_by("institution__code", "year")
        ):
            item = demo_open_month(program=program, actor=actor)
            if item is not None:
                self.stdout.write(item.to_text())
                opened.append(item)
        return opened

    def _users(
        self, manifest: dict[str, Any], actor: Actor
    ) -> list[tuple[str, str, str, Area | None]]:
        """The demo users (idempotent): (username, institution, role, area) of each."""
        rows = []
        for spec in manifest["users"]:
            institution = Institution.objects.get(code=spec["institution"])
            area = None
            if spec.get("area"):
                area = Area.objects.filter(
                    institution=institution, normalized_name=normalize(spec["area"])
                ).first()
                if area is None:
                    raise CommandError(f"demo.json: no existe el área «{spec['area']}»")
            user_ensure(
                username=spec["username"],
                password=manifest["password"],
                institution=institution,
                role=spec["role"],
                area=area,
                actor=actor,
                first_name=spec.get("name", ""),
            )
            rows.append((spec["username"], institution.code, Role(spec["role"]).label, area))
        return rows

    def _simulated(self, manifest: dict[str, Any], actor: Actor) -> None:
        """The simulated data: IEEM's progress, the programs the manifest makes from its
        designs with their progress, then the designs' measurements — last, because they
        send the months of the indicators' areas, which need the activities' progress of
        those months captured first."""
        self._simulated_progress()
        for spec in manifest.get("programs_from_designs", []):
            self._program_from_design(spec, actor)
        for spec in manifest.get("simulated_measurements", []):
            self._simulated_measurements(spec)

    def _simulated_progress(self) -> None:
        """Simulated monthly progress of IEEM 2024, January–October (idempotent)."""
        program = AnnualProgram.objects.select_related("institution").get(
            institution__code=DEMO_PROGRESS[0], year=DEMO_PROGRESS[1]
        )
        users = get_user_model().objects
        result = demo_progress_load(
            program=program,
            capturer=users.get(username="planeacion"),
            reviewer=users.get(username="revisor"),
            last_month=DEMO_PROGRESS[2],
        )
        self.stdout.write(result.to_text(*DEMO_PROGRESS))

    def _budget(self, actor: Actor) -> None:
        """IEEM 2024's simulated budget, its devengado following each proyecto's physical
        progress (``rumbo.budget.demo``), loaded through the budget import (idempotent)."""
        program = AnnualProgram.objects.select_related("institution").get(
            institution__code=DEMO_PROGRESS[0], year=DEMO_PROGRESS[1]
        )
        last = DEMO_PROGRESS[2]
        report = demo_budget_load(
            program=program,
            physical=_physical_progress(program, last),
            last_month=last,
            folder=Path(settings.DATA_DIR) / "demo",
            actor=actor,
        )
        self.stdout.write(report.to_text())

    def _budget_adjustments(self) -> None:
        """Two approved adecuaciones presupuestarias on the simulated budget (idempotent)."""
        program = AnnualProgram.objects.select_related("institution").get(
            institution__code=DEMO_PROGRESS[0], year=DEMO_PROGRESS[1]
        )
        users = get_user_model().objects
        for line in demo_budget_adjustments_ensure(
            program=program,
            planeacion=users.get(username="planeacion"),
            enlace=users.get(username="enlace_se"),
        ):
            self.stdout.write(line)

    def _frozen(self, item: dict[str, Any]) -> bool:
        """An approved program is not imported again (its targets change only through
        adjustment requests): say so and skip it."""
        if item["kind"] != "paa" or "year" not in item:
            return False
        program = AnnualProgram.objects.filter(
            institution__code=item["institution"], year=item["year"]
        ).first()
        if program is None or not program.targets_frozen:
            return False
        self.stdout.write(
            f"{item['file']}: el programa {item['institution']} {item['year']} está aprobado "
            f"(versión {program.version}); no se vuelve a importar."
        )
        return True

    def _approval(self) -> None:
        """IEEM 2024 approved, with two approved adjustments and one pending (idempotent)."""
        program = AnnualProgram.objects.select_related("institution").get(
            institution__code=DEMO_PROGRESS[0], year=DEMO_PROGRESS[1]
        )
        users = get_user_model().objects
        result = demo_approval_ensure(
            program=program,
            planeacion=users.get(username="planeacion"),
            enlace=users.get(username="enlace_se"),
        )
        self.stdout.write(result.to_text(program))

    def _design(self, spec: dict[str, Any]) -> ProgramDesign:
        """The design a manifest entry names (institution, year, node key)."""
        design = (
            ProgramDesign.objects.select_related("node__program__institution")
            .filter(
                node__program__institution__code=spec["institution"],
                node__program__year=spec["year"],
                node__key=spec["node"],
            )
            .first()
        )
        if design is None:
            raise CommandError(
                f"demo.json: no hay diseño de programa en {spec['institution']} "
                f"{spec['year']} nodo {spec['node']}"
            )
        return design

    def _program_from_design(self, spec: dict[str, Any], actor: Actor) -> None:
        """A design of the manifest gives its program's activities from its cronograma (en
        formulación), then simulated progress up to the demo's last month (idempotent)."""
        design = self._design(spec)
        try:
            made = program_from_design(actor=actor, design=design)
        except ValidationError as exc:
            raise CommandError(f"demo.json: {design.title}: {error_text(exc)}") from None
        self.stdout.write(made.to_text())
        program = design.node.program
        users = get_user_model().objects
        result = demo_progress_load(
            program=program,
            capturer=users.get(username=spec["capturer"]),
            reviewer=users.get(username=spec["reviewer"]),
            last_month=DEMO_PROGRESS[2],
        )
        self.stdout.write(result.to_text(program.institution.code, program.year, DEMO_PROGRESS[2]))

    def _simulated_measurements(self, spec: dict[str, Any]) -> None:
        """Simulated indicator measurements of one design of the manifest (idempotent)."""
        design = self._design(spec)
        users = get_user_model().objects
        result = demo_measurements_load(
            design=design,
            capturer=users.get(username=spec["capturer"]),
            reviewer=users.get(username=spec["reviewer"]),
        )
        self.stdout.write(result.to_text(design.title))

    @transaction.atomic
    def _institution_ensure(self, spec: dict[str, Any], actor: Actor) -> None:
        institution, created = Institution.objects.get_or_create(code=spec["code"])
        before = {
            "name": institution.name,
            "short_name": institution.short_name,
            "web_domains": institution.web_domains,
        }
        after = {k: spec[k] for k in before}
        if created or before != after:
            for key, value in after.items():
                setattr(institution, key, value)
            institution.save()
            audit_record(
                actor=actor,
                institution_id=institution.pk,
                action="create" if created else "update",
                obj=institution,
                before=None if created else before,
                after=after,
                reason="Datos de la demostración",
            )


def _physical_progress(program: AnnualProgram, last_month: int) -> dict[tuple[str, int], Decimal]:
    """Each node's average compliance to date (0..1, unit-free: ``rumbo.monitoring.figures``)
    by month, for the activities hanging from it."""
    figures = program_figures(program=program, month=last_month)
    keys = dict(ProgramNode.objects.filter(program=program).values_list("pk", "key"))
    out: dict[tuple[str, int], Decimal] = {}
    for month in range(1, last_month + 1):
        summaries: dict[int, Summary] = defaultdict(Summary)
        for row in figures.at(month):
            summaries[row.activity.node_id].add(row.figure)
        for node_id, summary in summaries.items():
            if summary.average_compliance is not None:
                out[(keys[node_id], month)] = summary.average_compliance / 100
    return out
