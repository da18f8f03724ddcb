"""The oversight role (Fiscalización) through the API: it reads every institution
operation with the demo's real objects, and no write of any operation gets through —
generated bodies (schemathesis, positive mode: valid ones) answer 403 or a validation
error, never a success, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from config.wsgi import application
from rumbo.api.urls import api as ninja_api
from rumbo.audit.models import AuditEvent
from tests.api.test_schemathesis import keep_test_connection, real_path_parameters  # noqa: F401  (a fixture)
from tests.factories import Demo

pytestmark = pytest.mark.django_db
EXAMPLES = 4
# Refused before the permission check with the demo's objects: an unknown {id} (404) or a
# state that allows no move (409). They still never succeed and write nothing.
REFUSED_EARLIER = {
    "POST /api/v1/institutions/{code}/mirs/{mir_id}/return",
    "POST /api/v1/institutions/{code}/programs/{year}/adjustments",
    "POST /api/v1/institutions/{code}/programs/{year}/adjustments/{id}/approve",
    "POST /api/v1/institutions/{code}/programs/{year}/adjustments/{id}/reject",
    "POST /api/v1/institutions/{code}/programs/{year}/approve",
    "POST /api/v1/institutions/{code}/programs/{year}/observations/{id}/answer",
    "POST /api/v1/institutions/{code}/programs/{year}/observations/{id}/resolve",
}


def _operations() -> list[Any]:
    schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema())
    return [result.ok() for result in schema.get_all_operations()]


def _path(operation: Any, real: dict[str, Any]) -> str | None:
    path = operation.path
    for parameter in operation.path_parameters:
        if parameter.name not in real:
            return None
        path = path.replace("{" + parameter.name + "}", str(real[parameter.name]))
    return path


def _label(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


def test_fiscalizacion_reads_every_institution_operation(demo: Demo, api) -> None:
    real = real_path_parameters(demo)
    read = 0
    for operation in _operations():
        if operation.method.upper() != "GET" or "/open/" in operation.path:
            continue
        path = _path(operation, real)
        if path is None:
            continue
        response = api("get", path.removeprefix("/api/v1"), user="fiscalizacion")
        assert response.status_code == 200, (path, response.status_code, response.content[:200])
        read += 1
    assert read >= 20  # institutions, plans, programs, activities, history, MIRs, …


@pytest.mark.usefixtures("keep_test_connection")
def test_no_write_of_fiscalizacion_gets_through(demo: Demo, tokens: dict[str, str]) -> None:
    real = real_path_parameters(demo)
    headers = {"Authorization": f"Bearer {tokens['fiscalizacion']}"}
    refused: dict[str, int] = {}
    recorded = AuditEvent.objects.count()  # the tokens' creation
    writes = [op for op in _operations() if op.method.upper() != "GET"]
    for operation in writes:
        names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in real.items() if k in names}
        refused[_label(operation)] = 0

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(path_parameters=fixed))
        def run(case: Any) -> None:
            label = _label(case.operation)
            response = case.call(app=application, headers=headers)
            assert response.status_code in {400, 403, 404, 409, 422}, (label, response.status_code)
            refused[label] += response.status_code == 403

        run()
    assert len(writes) >= 25
    assert AuditEvent.objects.count() == recorded
    never = sorted(
        label for label, count in refused.items() if not count and label not in REFUSED_EARLIER
    )
    assert not never, f"no generated request reached the permission check: {never}"
