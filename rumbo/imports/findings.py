"""The catalogue of quality-finding codes: one place for each code's severity and meaning."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from .models import FindingStatus, Severity


@dataclass(frozen=True)
class FindingCode:
    code: str
    severity: str
    title: str


_CODES = [
    FindingCode("sum_mismatch", Severity.ERROR, "Los meses no suman la cantidad anual"),
    FindingCode("missing_months", Severity.ERROR, "Faltan valores mensuales en el calendario"),
    FindingCode("value_glued_to_text", Severity.WARNING, "Número pegado al texto de otra celda"),
    FindingCode("key_format", Severity.WARNING, "Clave con formato irregular"),
    FindingCode("missing_unit", Severity.ERROR, "Actividad sin unidad de medida"),
    FindingCode("area_alias", Severity.WARNING, "Área escrita con otra grafía"),
    FindingCode("area_unresolved", Severity.ERROR, "Área que no se pudo identificar con certeza"),
    FindingCode("suspicious_link", Severity.ERROR, "Hipervínculo fuera del dominio institucional"),
    FindingCode("meta_not_quantified", Severity.WARNING, "Meta sin cantidad o igual al indicador"),
    FindingCode("unit_is_frequency", Severity.WARNING, "Frecuencia escrita como unidad de medida"),
    FindingCode("duplicate_row", Severity.WARNING, "Fila duplicada"),
    FindingCode("count_mismatch", Severity.WARNING, "El total declarado no coincide con lo leído"),
    FindingCode(
        "beneficiaries_unpaired", Severity.WARNING, "Beneficiarios y cantidades no emparejan"
    ),
    FindingCode("repeated_header", Severity.WARNING, "Encabezado repetido dentro de los datos"),
    FindingCode("empty_required", Severity.ERROR, "Celda obligatoria vacía"),
    FindingCode("date_format", Severity.ERROR, "Fecha ilegible o fuera del formato dd/mm/aaaa"),
    FindingCode("year_mismatch", Severity.WARNING, "Ejercicio distinto al del archivo"),
    FindingCode("unparsed_line", Severity.WARNING, "Línea que no se pudo interpretar"),
    # A design's cronograma turned into activities (rumbo.design.services.program).
    FindingCode("schedule_no_months", Severity.WARNING, "Acción del cronograma sin meses"),
    # The publication checker of transparency formats (rumbo.transparency.checker).
    FindingCode("column_missing", Severity.ERROR, "Falta una columna del formato"),
    FindingCode("column_unknown", Severity.WARNING, "Columna que no es del formato"),
    FindingCode("column_order", Severity.WARNING, "Columnas en otro orden que el del formato"),
    FindingCode("date_out_of_period", Severity.ERROR, "Fecha fuera del periodo o del ejercicio"),
    FindingCode("year_inconsistent", Severity.ERROR, "Ejercicio distinto entre las filas"),
    FindingCode("number_format", Severity.ERROR, "Cifra ilegible en una columna numérica"),
    # The budget import (rumbo.budget.importer, docs/budget.md).
    FindingCode("budget_item_unknown", Severity.WARNING, "Partida específica nueva en el catálogo"),
    FindingCode("budget_key_unknown", Severity.ERROR, "Clave programática que no existe"),
    FindingCode(
        "budget_accrued_over_modified",
        Severity.ERROR,
        "Devengado acumulado mayor que el modificado acumulado",
    ),
    FindingCode(
        "budget_paid_over_exercised", Severity.ERROR, "Pagado acumulado mayor que el ejercido"
    ),
    FindingCode(
        "budget_after_closed_month", Severity.WARNING, "Gasto en un mes posterior al último cerrado"
    ),
]

FINDING_CODES: dict[str, FindingCode] = {c.code: c for c in _CODES}


# --- which findings still ask for action: the one rule ---------------------------------------
#
# A finding asks for action while it is open (nobody accepted or resolved it) and its
# severity is «error». An «advertencia» only says how the importer read something doubtful
# (a number glued to the text of another cell, a key out of format, a spelling of an area)
# and is informative; accepted and resolved findings were reviewed. The program page's
# «con hallazgos por atender» flag of an activity, its filter and its counts follow this
# rule (``selectors.finding_counts_by_activity``, through ``programs.pages``).
ACTION_SEVERITIES = (Severity.ERROR.value,)
NEEDS_ACTION = Q(status=FindingStatus.OPEN, severity__in=ACTION_SEVERITIES)
