"""The budget of a program year through the API: its lines, read only.

Budget lines are written only by the import (``rumbo import presupuesto``) and the
adecuaciones presupuestarias; the API reads them. Amounts are pesos as JSON numbers, like
every quantity of the API (``rumbo.core.numbers.to_json_number``: 1234.5, 12): a number
with at most 15 significant digits — every amount below ten billion pesos with cents —
reads back exactly.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.renderer import json_response
from rumbo.core.api.schemas import CodePath, YearPath
from rumbo.core.numbers import to_json_number
from rumbo.institutions.access import institution_for_user
from rumbo.programs.selectors import program_or_404

from .api_schemas import BudgetOut, BudgetQuery
from .figures import Moments, budget_figures
from .models import MOMENTS
from .selectors import budget_lines, budget_scope, chapter_names

router = Router(tags=["Presupuesto"])


def moments_dict(moments: Moments) -> dict[str, Any]:
    return {m: to_json_number(getattr(moments, m)) for m in MOMENTS}


@router.get(
    "/institutions/{code}/programs/{year}/budget",
    response={200: BudgetOut, **responses()},
    summary="Presupuesto de un programa: renglones por nivel, partida, fuente y mes",
    description=(
        "Los renglones del presupuesto del programa con los seis momentos contables del "
        "egreso registrados en su mes (aprobado, modificado, comprometido, devengado, ejercido, "
        "pagado), en pesos, y su suma en `totals`. Filtros: `node` (un nivel y todo lo que "
        "cuelga de él), `chapter` (capítulo del gasto) y `month` (solo ese mes). Orden: nivel, "
        "actividad, partida, fuente, mes. Una clave de nivel o un capítulo que no existen: 422. "
        "Lo lee cualquier persona con un rol en la institución; el presupuesto se escribe solo "
        "con la importación y las adecuaciones presupuestarias."
    ),
    operation_id="rumbo_api_budget_budget",
)
def budget(request: HttpRequest, code: CodePath, year: YearPath, query: Query[BudgetQuery]) -> Any:
    inst = institution_for_user(api_user(request), code)
    program = program_or_404(institution=inst, year=year)
    figures = budget_figures(program)
    scope = budget_scope(
        figures=figures,
        chapters=chapter_names(),
        node=query.node,
        chapter=query.chapter,
        month=query.month,
    )
    lines = budget_lines(figures=figures, scope=scope)
    data = {
        "items": [
            {
                "node": i.node,
                "activity": i.activity,
                "chapter": i.chapter,
                "partida": i.partida,
                "partida_name": i.partida_name,
                "fuente": i.fuente,
                "month": i.month,
                **moments_dict(i.moments),
            }
            for i in lines.items
        ],
        "totals": moments_dict(lines.totals),
    }
    # Rendered as it is: the dict has BudgetOut's shape (tested); validating thousands of
    # lines again through the schema would cost more than building them.
    return json_response(request, data)
