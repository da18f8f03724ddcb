"""Quality findings through the API: list with filters, read, review."""

from __future__ import annotations

import pytest

from rumbo.audit.selectors import object_history
from rumbo.imports.models import QualityFinding
from tests.factories import Demo, QualityFindingFactory

FINDINGS = "/institutions/IEEM/findings"


def test_findings_list_and_filters(api, demo: Demo) -> None:
    body = api("get", FINDINGS).json()
    assert body["count"] == 3
    by_code = {f["code"]: f for f in body["items"]}
    assert by_code["missing_months"]["activity"] == {"key": "010103", "year": 2024}
    assert by_code["missing_months"]["title"] == "Faltan valores mensuales en el calendario"
    assert by_code["area_alias"]["activity"] is None

    def codes(query: str) -> list[str]:
        response = api("get", f"{FINDINGS}?{query}")
        assert response.status_code == 200, response.content
        return sorted(f["code"] for f in response.json()["items"])

    assert codes("severity=error") == ["missing_months", "sum_mismatch"]
    assert codes("code=area_alias") == ["area_alias"]
    assert codes("file=000_19180f02e9762917.txt") == ["area_alias"]
    assert codes("status=accepted") == []
    assert codes("year=2023") == []
    assert api("get", f"{FINDINGS}?severity=grave").status_code == 422
    assert api("get", f"{FINDINGS}?year=dos").status_code == 422


def test_findings_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    # token, institution, grant, count, page, activity links
    with django_assert_num_queries(6):
        assert api("get", FINDINGS).status_code == 200
    for _ in range(30):
        QualityFindingFactory(institution=demo.institution, concerns=demo.activity_full)
    with django_assert_num_queries(6):
        assert len(api("get", FINDINGS).json()["items"]) == 33


def test_finding_read_and_404(api, demo: Demo) -> None:
    finding = QualityFinding.objects.get(code="sum_mismatch")
    body = api("get", f"{FINDINGS}/{finding.pk}", user="consulta").json()
    assert body["id"] == finding.pk and body["activity"] == {"key": "010104", "year": 2024}
    assert api("get", f"{FINDINGS}/999999").status_code == 404
    other = QualityFinding.objects.get(institution=demo.other_institution)
    assert api("get", f"{FINDINGS}/{other.pk}").status_code == 404


def review(api, finding: QualityFinding, body: object, user: str = "revisor"):
    return api("post", f"{FINDINGS}/{finding.pk}/review", user=user, json=body)


def test_review_accepts_and_reopens(api, demo: Demo) -> None:
    finding = QualityFinding.objects.get(code="sum_mismatch")
    response = review(api, finding, {"status": "accepted", "comment": "El documento es así."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["resolved_by"] == "revisor"
    assert body["resolution_comment"] == "El documento es así."
    assert object_history(finding).first().actor == demo.users["revisor"]
    reopened = review(api, finding, {"status": "open"}, user="planeacion").json()
    assert reopened["status"] == "open" and reopened["resolved_by"] is None


@pytest.mark.parametrize("user", ["consulta", "enlace_se", "ajeno"])
def test_review_forbidden(api, user: str) -> None:
    finding = QualityFinding.objects.get(code="sum_mismatch")
    response = review(api, finding, {"status": "resolved", "comment": "Listo"}, user=user)
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.status == "open"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "accepted"}, "comment"),
        ({"status": "cerrado", "comment": "x"}, "status"),
        ({"comment": "x"}, "status"),
        ({"status": "open"}, "status"),
    ],
)
def test_review_invalid(api, body: dict, field: str) -> None:
    finding = QualityFinding.objects.get(code="sum_mismatch")
    response = review(api, finding, body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_review_unknown_finding_is_404(api) -> None:
    response = api("post", f"{FINDINGS}/999999/review", user="revisor", json={"status": "open"})
    assert response.status_code == 404
