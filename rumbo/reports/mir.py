"""The MIR of each program design of the year (or of one, ``mir``) followed by one ficha
técnica per indicator, from the selectors the MIR pages use
(``rumbo.indicators.selectors.mir_detail`` and ``bands_for_indicators``): a constant
number of queries per MIR whatever its number of rows and indicators."""

from __future__ import annotations

from dataclasses import dataclass

from rumbo.core.semaforo import Bands
from rumbo.indicators.models import Mir
from rumbo.indicators.selectors import IndicatorLine, MirDetail, bands_for_indicators, mir_detail
from rumbo.programs.models import AnnualProgram

from .common import ReportError, ReportHeader, header, institution_get, program_for


@dataclass(frozen=True)
class Ficha:
    line: IndicatorLine
    level: str
    row_code: str
    bands: Bands


@dataclass
class MirSection:
    detail: MirDetail
    fichas: list[Ficha]

    @property
    def title(self) -> str:
        return self.detail.mir.design.title


@dataclass
class MirReport:
    header: ReportHeader
    program: AnnualProgram
    sections: list[MirSection]


def mir_report(*, institution: str, year: int, mir: int | None = None) -> MirReport:
    inst = institution_get(institution)
    program = program_for(inst, year)
    mirs = (
        Mir.objects.filter(design__node__program=program)
        .select_related("design")
        .order_by("design__node__order", "design__node__key", "pk")
    )
    if mir is not None:
        mirs = mirs.filter(pk=mir)
    found = list(mirs)
    if mir is not None and not found:
        raise ReportError(f"mir: {inst.code} no tiene una MIR {mir} en el ejercicio {year}")
    sections = []
    for m in found:
        detail = mir_detail(m)
        indicators = [il.indicator for line in detail.lines for il in line.indicators]
        bands = bands_for_indicators(indicators)
        fichas = [
            Ficha(
                line=il,
                level=line.row.get_level_display(),
                row_code=line.row.code,
                bands=bands[il.indicator.pk],
            )
            for line in detail.lines
            for il in line.indicators
        ]
        sections.append(MirSection(detail=detail, fichas=fichas))
    title = "Matriz de Indicadores para Resultados y fichas técnicas"
    period = f"Ejercicio {year}"
    if mir is not None and found:
        period += f" · {found[0].design.title}"
    return MirReport(
        header=header(institution=inst, title=title, period=period, program=program),
        program=program,
        sections=sections,
    )
