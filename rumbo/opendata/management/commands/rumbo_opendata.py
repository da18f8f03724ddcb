"""`rumbo opendata`: list, publish, withdraw and export open data from the command line.

Publishing and withdrawing go through the same services as the web page, acting for a
Planeación user of the institution (``--user``), audited with the reason; exporting calls
the same ``build_open_dataset`` as the download URLs.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.http import Http404

from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.indicators.models import Mir
from rumbo.programs.models import AnnualProgram

from ...datasets import DATASETS, FORMATS
from ...exports import build_open_dataset
from ...selectors import public_institutions, public_program
from ...services import publication_publish, publication_withdraw
from ...summary import summary_rebuild


class Command(RumboCommand):
    help = (
        "Datos abiertos: list (lo publicado), publish y withdraw (--institution --year "
        "[--mir ID] --user USUARIO --reason TEXTO), export (--dataset --format -o ARCHIVO), "
        "rebuild-summary (recalcula el resumen del comparativo nacional)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "action", choices=["list", "publish", "withdraw", "export", "rebuild-summary"]
        )
        parser.add_argument("--institution", help="clave de la institución")
        parser.add_argument("--year", help="ejercicio AAAA")
        parser.add_argument("--mir", type=int, help="id de la MIR (publish/withdraw)")
        parser.add_argument("--user", help="usuario de Planeación que publica o retira")
        parser.add_argument("--reason", help="motivo (queda en la bitácora)")
        parser.add_argument("--dataset", choices=list(DATASETS), help="conjunto (export)")
        parser.add_argument("--format", choices=list(FORMATS), default="csv")
        parser.add_argument("--base-url", default="", help="dirección pública del sitio")
        parser.add_argument("-o", "--output", help="archivo de salida (export)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for inst in public_institutions():
                for year in inst.years:
                    public = public_program(code=inst.code, year=year)
                    mirs = ", ".join(m.title for m in public.mirs) if public else ""
                    self.stdout.write(f"{inst.code} {year}" + (f" · MIR: {mirs}" if mirs else ""))
            return
        if action == "rebuild-summary":
            count = summary_rebuild()
            self.stdout.write(
                f"Resumen del comparativo recalculado: {count:,} programas publicados."
            )
            return
        code = self._required(options, "institution").strip().upper()
        year = positive_year(self._required(options, "year"))
        if action == "export":
            dataset = self._required(options, "dataset")
            try:
                export = build_open_dataset(
                    institution=code,
                    year=year,
                    dataset=dataset,
                    fmt=options["format"],
                    base_url=options["base_url"],
                )
            except Http404 as exc:
                raise CommandError(str(exc)) from exc
            self.write_bytes(export.content, options["output"] or export.filename)
            return
        self._change(action, code, year, options)

    def _required(self, options: dict[str, Any], name: str) -> str:
        value = options.get(name)
        if not value:
            raise CommandError(f"--{name}: falta (lo pide «{options['action']}»)")
        return str(value)

    def _change(self, action: str, code: str, year: int, options: dict[str, Any]) -> None:
        username = self._required(options, "user")
        reason = self._required(options, "reason")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"--user: no existe el usuario {username}")
        program = (
            AnnualProgram.objects.select_related("institution")
            .filter(institution__code=code, year=year)
            .first()
        )
        if program is None:
            raise CommandError(f"{code} no tiene programa anual {year}")
        mir = None
        if options["mir"]:
            mir = Mir.objects.filter(pk=options["mir"], design__node__program=program).first()
            if mir is None:
                raise CommandError(f"--mir: la MIR {options['mir']} no es del programa {year}")
        actor = Actor(user=user, label=f"{Actor.cli().label} como {username}")
        service = publication_publish if action == "publish" else publication_withdraw
        try:
            service(user=user, program=program, mir=mir, reason=reason, actor=actor)
        except PermissionDenied as exc:
            raise CommandError(f"--user: {exc}") from exc
        except ValidationError as exc:
            problems = error_text(exc, "; ")
            raise CommandError(problems) from exc
        what = f"MIR {mir.pk}" if mir else f"programa {year}"
        done = "publicado" if action == "publish" else "retirado"
        self.stdout.write(f"{code} {what}: {done}")
