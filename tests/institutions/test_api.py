"""Institutions and areas through the API (an institution's paths answer 403/404 alike)."""

from __future__ import annotations

import pytest

from tests.factories import AreaFactory, Demo


def test_institutions_lists_only_the_users(api) -> None:
    assert [i["code"] for i in api("get", "/institutions").json()] == ["IEEM"]
    assert [i["code"] for i in api("get", "/institutions", user="ajeno").json()] == ["IECM"]


def test_institution_shows_roles_and_capabilities(api) -> None:
    body = api("get", "/institutions/IEEM", user="revisor").json()
    assert body["code"] == "IEEM"
    assert body["roles"] == ["revisor"]
    assert body["capabilities"] == [
        "review_findings",
        "review_progress",
        "view",
        "view_audit",
        "view_evidence",
    ]
    oversight = api("get", "/institutions/IEEM", user="fiscalizacion").json()
    assert oversight["roles"] == ["fiscalizacion"]
    assert oversight["capabilities"] == ["view", "view_audit", "view_evidence"]


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/areas",
        "/plans",
        "/programs",
        "/programs/2024",
        "/programs/2024/activities",
        "/programs/2024/activities/010101",
        "/findings",
    ],
)
def test_another_institutions_user_gets_403_and_an_unknown_one_404(api, path: str) -> None:
    forbidden = api("get", f"/institutions/IEEM{path}", user="ajeno")
    assert forbidden.status_code == 403
    assert forbidden.json() == {"message": "No perteneces a esta institución."}
    missing = api("get", f"/institutions/NOEXISTE{path}")
    assert missing.status_code == 404
    assert missing.json() == {"message": "No existe la institución."}


def test_areas_paginate_and_filter(api, demo: Demo) -> None:
    body = api("get", "/institutions/IEEM/areas").json()
    assert body == {
        "count": 2,
        "page": 1,
        "page_size": 50,
        "items": [
            {"code": "DO", "name": "Dirección de Organización", "parent": None},
            {"code": "SE", "name": "Secretaría Ejecutiva", "parent": None},
        ],
    }
    AreaFactory(institution=demo.institution, code="UT", name="Unidad Técnica", parent=demo.area_se)
    page2 = api("get", "/institutions/IEEM/areas?page=2&page_size=2").json()
    assert page2["count"] == 3 and [a["code"] for a in page2["items"]] == ["UT"]
    assert page2["items"][0]["parent"] == "SE"
    found = api("get", "/institutions/IEEM/areas?q=secretaria").json()
    assert [a["code"] for a in found["items"]] == ["SE"]
    assert api("get", "/institutions/IEEM/areas?q=zzz").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=3", "page"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
    ],
)
def test_bad_pages_are_422(api, query: str, field: str) -> None:
    response = api("get", f"/institutions/IEEM/areas?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Datos no válidos."
    assert [e["field"] for e in body["errors"]] == [field]
    assert all(e["message"] for e in body["errors"])


def test_area_list_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    # token, institution, grant, count, page
    with django_assert_num_queries(5):
        assert api("get", "/institutions/IEEM/areas").status_code == 200
    for i in range(30):
        AreaFactory(institution=demo.institution, parent=demo.area_se, code=f"X{i}")
    with django_assert_num_queries(5):
        assert len(api("get", "/institutions/IEEM/areas").json()["items"]) == 32
