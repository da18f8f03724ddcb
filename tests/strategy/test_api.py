"""Strategic plans through the API."""

from __future__ import annotations

from tests.factories import Demo, LineOfActionFactory, StrategicObjectiveFactory


def test_plans_list_and_tree(api, demo: Demo) -> None:
    plans = api("get", "/institutions/IEEM/plans").json()
    assert [(p["start_year"], p["end_year"], p["line_count"]) for p in plans] == [
        (2023, 2026, 2),
        (2020, 2023, 2),
    ]
    new = api("get", f"/institutions/IEEM/plans/{demo.plan_new.pk}").json()
    assert new["mission"] == demo.plan_new.mission
    assert new["vision"] == demo.plan_new.vision
    assert new["policies"] == [] and new["programs"] == []
    assert new["objectives"] == [
        {
            "code": "OE1",
            "text": "Organizar procesos electorales confiables.",
            "lines": [
                {"code": "1.1", "text": "Modernizar la logística."},
                {"code": "1.2", "text": "Capacitar al personal."},
            ],
        }
    ]
    assert [(q["kind"], q["items"]) for q in new["swot"]] == [
        ("fortaleza", ["Personal con experiencia en procesos electorales."]),
        ("oportunidad", ["Interés ciudadano en la participación digital."]),
        ("debilidad", ["Sistemas informáticos que no se comunican entre sí."]),
        ("amenaza", ["Reducción del presupuesto asignado."]),
    ]
    old = api("get", f"/institutions/IEEM/plans/{demo.plan_old.pk}").json()
    (policy,) = old["policies"]
    assert [p["code"] for p in policy["programs"]] == ["1.1", "1.2"]
    civic, participation = policy["programs"]
    assert civic["objectives"][0]["lines"] == [{"code": "LA-1", "text": "Talleres escolares."}]
    assert participation["other_lines"] == [
        {"code": "LA-2", "text": "Consultas juveniles.", "objective": "OE-A"}
    ]


def test_a_plan_of_another_institution_or_unknown_is_404(api, demo: Demo) -> None:
    assert api("get", "/institutions/IEEM/plans/999999").status_code == 404
    response = api("get", f"/institutions/IECM/plans/{demo.plan_new.pk}", user="ajeno")
    assert response.status_code == 404
    assert response.json() == {"message": "No existe el plan."}
    assert api("get", "/institutions/IEEM/plans/abc").status_code == 422


def test_plan_tree_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    path = f"/institutions/IEEM/plans/{demo.plan_new.pk}"
    # token, institution, grant, plan, then plan_tree's 5
    with django_assert_num_queries(9):
        assert api("get", path).status_code == 200
    for i in range(10):
        objective = StrategicObjectiveFactory(plan=demo.plan_new, code=f"OE{i + 10}")
        LineOfActionFactory.create_batch(3, plan=demo.plan_new, objective=objective)
    with django_assert_num_queries(9):
        assert len(api("get", path).json()["objectives"]) == 11
