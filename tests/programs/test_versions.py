"""Optimistic versions of an activity: a stale save through the API, the pages or the Excel
round trip answers 409 (or a row error) with what the other person saved; nothing is lost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rumbo.audit.services import Actor
from rumbo.programs.models import Activity, MonthlyTarget
from rumbo.programs.roundtrip.apply import program_apply_upload
from rumbo.programs.roundtrip.diff import ActivityEdit, ChangeSet
from rumbo.programs.services import activity_update
from tests.factories import Demo

ACTIVITY = "/institutions/IEEM/programs/2024/activities/010101"


def _months(activity: Activity) -> dict[int, Decimal]:
    return dict(MonthlyTarget.objects.filter(activity=activity).values_list("month", "quantity"))


def test_the_api_shows_the_version_and_a_change_raises_it(api, demo: Demo) -> None:
    assert api("get", ACTIVITY).json()["version"] == 1
    body = api("patch", ACTIVITY, json={"description": "Nueva", "version": 1}).json()
    assert body["version"] == 2
    # The same values again: nothing changes, no new version.
    assert (
        api("patch", ACTIVITY, json={"description": "Nueva", "version": 2}).json()["version"] == 2
    )
    assert Activity.objects.get(pk=demo.activity_full.pk).version == 2


def test_a_stale_patch_is_409_with_both_values_and_writes_nothing(api, demo: Demo) -> None:
    months = [340] * 10 + [330, 330]
    first = list(months)
    first[2] = 100  # March, by the first writer
    second = list(months)
    second[3] = 200  # April, by a second writer who read version 1 too
    ok = api("patch", ACTIVITY, json={"monthly_targets": first, "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api("patch", ACTIVITY, json={"monthly_targets": second, "version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2 and body["submitted_version"] == 1
    assert body["current"]["monthly_targets"] == first
    assert body["current"]["version"] == 2
    assert body["submitted"] == {"monthly_targets": second}
    assert body["message"].startswith(
        "Otra persona guardó esta actividad mientras la editabas (versión 2; tú partiste de la 1)"
    )
    # What the other person saved, month by month where the two differ.
    assert "marzo 100" in body["message"] and "abril 340" in body["message"]
    stored = _months(demo.activity_full)
    assert stored[3] == Decimal(100) and stored[4] == Decimal(340)


def test_a_patch_without_version_changes_only_what_it_sends(api, demo: Demo) -> None:
    """Older clients send no version: not checked, but only the fields sent change."""
    months = [340] * 10 + [330, 330]
    months[0] = 1
    assert api("patch", ACTIVITY, json={"monthly_targets": months, "version": 1}).status_code == 200
    response = api("patch", ACTIVITY, json={"description": "Sin versión"})
    assert response.status_code == 200
    assert response.json()["version"] == 3
    assert response.json()["monthly_targets"][0] == 1
    assert api("patch", ACTIVITY, json={"version": 0}).status_code == 422


def test_the_service_refuses_a_stale_version(demo: Demo) -> None:
    from rumbo.core.versions import StaleVersion

    activity_update(actor=Actor.cli(), activity=demo.activity_full, description="A", version=1)
    with pytest.raises(StaleVersion) as caught:
        activity_update(actor=Actor.cli(), activity=demo.activity_full, description="B", version=1)
    assert caught.value.current == 2
    assert caught.value.current_values["description"] == "A"
    assert caught.value.submitted_values == {"description": "B"}
    assert Activity.objects.get(pk=demo.activity_full.pk).description == "A"


def _edit_post(client: Client, url: str, description: str, version: int) -> object:
    return client.post(
        url,
        {"description": description, "unit": "", "area": "", "reason": "", "version": version},
    )


def test_the_edit_page_shows_what_the_other_person_saved(as_user, demo: Demo) -> None:
    client = as_user("planeacion")
    url = "/i/IEEM/programa/2024/actividad/010101/editar/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="version" value="1"' in page.content
    activity_update(
        actor=Actor.cli(), activity=demo.activity_full, description="La de otra persona"
    )
    stale = _edit_post(client, url, "La mía", 1)
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Otra persona guardó esta actividad mientras la editabas" in text
    assert "descripción «La de otra persona»" in text
    assert "La mía" in text  # the person's own text stays in the form
    assert 'name="version" value="2"' in text  # saving again is a deliberate choice
    assert Activity.objects.get(pk=demo.activity_full.pk).description == "La de otra persona"
    again = _edit_post(client, url, "La mía", 2)
    assert again.status_code == 302
    assert Activity.objects.get(pk=demo.activity_full.pk).description == "La mía"


def test_the_calendar_page_refuses_a_stale_save(as_user, demo: Demo) -> None:
    client = as_user("planeacion")
    url = "/i/IEEM/programa/2024/actividad/010101/calendario/"
    assert b'name="version" value="1"' in client.get(url).content
    activity_update(actor=Actor.cli(), activity=demo.activity_full, months=[1] * 12)
    data = {f"month_{n}": "5" for n in range(1, 13)}
    data.update(annual_target="60", mode="manual", accion="guardar", version="1", reason="")
    stale = client.post(url, data)
    assert stale.status_code == 409
    assert "Otra persona guardó esta actividad" in stale.content.decode()
    assert set(_months(demo.activity_full).values()) == {Decimal(1)}


def test_the_excel_round_trip_refuses_an_activity_changed_since_the_preview(
    demo: Demo,
) -> None:
    activity = Activity.objects.get(pk=demo.activity_full.pk)
    edit = ActivityEdit(
        row=2, activity=activity, fields=[], updates={"description": "Del Excel"}, version=1
    )
    activity_update(actor=Actor.cli(), activity=activity, description="En la página")
    with pytest.raises(ValidationError) as caught:
        program_apply_upload(
            actor=Actor.cli(),
            program=demo.program,
            changeset=ChangeSet(changed=[edit]),
            source_name="plan.xlsx",
        )
    assert "010101: otra persona la cambió" in caught.value.messages[0]
    assert Activity.objects.get(pk=activity.pk).description == "En la página"
