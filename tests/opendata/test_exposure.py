"""Nothing unapproved or internal is ever public: pages, downloads and the open API.

Every secret planted by the ``world`` fixture contains ``MARK``; no public response may
contain it, nor a user name, nor a figure of a month that is not approved. A positive
control approves February and sees its figure appear, so these tests can fail.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.opendata.datasets import DATASETS, DICTIONARY_FORMATS, FORMATS

from .conftest import MARK, World, body_text

pytestmark = pytest.mark.django_db

IEEM = ["IEEM", 2024]
PAGES = ["program", "progress", "indicators", "downloads"]
API = "/api/v1/open/institutions"
API_URLS = [
    API,
    f"{API}/IEEM",
    f"{API}/IEEM/programs/2024",
    f"{API}/IEEM/programs/2024/progress",
    f"{API}/IEEM/programs/2024/indicators",
    f"{API}/IEEM/programs/2024/datasets",
    "/api/v1/open/comparison/2024",
]


def public_urls() -> list[str]:
    urls = [reverse("opendata:index"), reverse("opendata:institution", args=["IEEM"])]
    urls += [reverse(f"opendata:{name}", args=IEEM) for name in PAGES]
    urls += [reverse("opendata:comparison", args=[2024])]
    urls += [
        reverse("opendata:dataset", args=[*IEEM, ds, fmt]) for ds in DATASETS for fmt in FORMATS
    ]
    urls += [
        reverse("opendata:dictionary", args=[ds, fmt])
        for ds in DATASETS
        for fmt in DICTIONARY_FORMATS
    ]
    return urls + API_URLS


@pytest.mark.parametrize("url", public_urls())
def test_no_secret_reaches_a_public_response(anon, world: World, url: str) -> None:
    response = anon.get(url)
    assert response.status_code == 200, url
    text = body_text(response)
    assert MARK not in text
    assert MARK.lower() not in text.lower()
    for user in world.demo.users.values():  # user names carry MARK too (fixture)
        assert user.username not in text.lower(), (url, user.username)
    for hidden in ("7777", "8888", "9999"):  # achieved in months not approved
        assert hidden not in text, (url, hidden)
    assert "90.24" not in text and "90,24" not in text  # February's measurement


def test_the_fixture_really_has_the_secrets(world: World) -> None:
    """The markers exist where they are hidden (else the test above proves nothing)."""
    from rumbo.monitoring.models import ProgressEntry

    assert ProgressEntry.objects.filter(comment__contains=MARK).count() == 5
    assert PeriodReport.objects.filter(comment__contains=MARK).count() == 5


def test_approving_february_publishes_its_figures(anon, world: World) -> None:
    """Positive control: the same responses show the figure once its month is approved."""
    PeriodReport.objects.filter(area=world.demo.area_se, month=2).update(state=PeriodState.APPROVED)
    progress = anon.get(f"{API}/IEEM/programs/2024/progress").json()
    february = progress["months"][1]
    assert february["published"] is True and february["areas"] == ["Secretaría Ejecutiva"]
    # SE to February: 010101 300 + 7,777 of 680 = 1,187.79 % (red, capped at 100);
    # 010102 nothing programmed (grey); 010103 and 010104 0 of 2 (red) →
    # (100 + 0 + 0) / 3 = 33.33; Reporte and Evento are never added (no quantity).
    assert february["activities"] == 4
    assert february["lights"] == {"verde": 0, "amarillo": 0, "rojo": 3, "gris": 1}
    assert february["average_compliance"] == 33.33 and february["on_track"] == 0
    assert february["cumulative_achieved"] is None
    csv_text = body_text(anon.get(reverse("opendata:dataset", args=[*IEEM, "avance", "csv"])))
    assert "7777" in csv_text
    indicators = anon.get(f"{API}/IEEM/programs/2024/indicators").json()["indicators"]
    a11 = next(i for i in indicators if i["id"] == world.demo.design.ind_a11.pk)
    assert a11["periods"][1]["value"] == pytest.approx(90.2439, abs=1e-3)


@pytest.mark.parametrize("state", [PeriodState.DRAFT, PeriodState.SUBMITTED, PeriodState.RETURNED])
def test_a_month_not_approved_does_not_count(anon, world: World, state: str) -> None:
    PeriodReport.objects.filter(area=world.demo.area_se, month=1).update(state=state)
    progress = anon.get(f"{API}/IEEM/programs/2024/progress").json()
    january = progress["months"][0]
    assert january["published"] is False
    assert january["achieved"] is None and january["programmed"] is None
    assert january["activities"] == 0 and january["average_compliance"] is None
    assert "300" not in body_text(
        anon.get(reverse("opendata:dataset", args=[*IEEM, "avance", "csv"]))
    )
    indicators = anon.get(f"{API}/IEEM/programs/2024/indicators").json()["indicators"]
    a11 = next(i for i in indicators if i["id"] == world.demo.design.ind_a11.pk)
    assert a11["periods"][0]["value"] is None and a11["periods"][0]["published"] is False


def test_unpublished_mir_is_invisible_everywhere(anon, world: World) -> None:
    ids = [i["id"] for i in anon.get(f"{API}/IEEM/programs/2024/indicators").json()["indicators"]]
    assert world.unpublished_indicator.pk not in ids
    assert world.demo.design.ind_fin.pk in ids
    program = anon.get(f"{API}/IEEM/programs/2024").json()
    assert [m["id"] for m in program["mirs"]] == [world.demo.design.mir.pk]


@pytest.mark.parametrize(
    "url",
    [
        "/datos/IECM/",
        "/datos/IECM/2024/",
        "/datos/IECM/2024/avance/",
        "/datos/IECM/2024/indicadores/",
        "/datos/IECM/2024/descargas/",
        "/datos/IECM/2024/descargas/programa.csv",
        "/datos/IEEM/2023/",
        "/datos/IEEM/2023/descargas/avance.json",
        "/datos/NOEXISTE/",
        "/datos/IEEM/2024/descargas/secreto.csv",
        "/datos/IEEM/2024/descargas/programa.exe",
        "/datos/diccionario/avance.xlsx",
        f"{API}/IECM",
        f"{API}/IECM/programs/2024",
        f"{API}/IECM/programs/2024/progress",
        f"{API}/IECM/programs/2024/indicators",
        f"{API}/IECM/programs/2024/datasets",
        f"{API}/IEEM/programs/2023",
    ],
)
def test_unpublished_is_not_found(anon, world: World, url: str) -> None:
    response = anon.get(url)
    assert response.status_code == 404, url
    assert MARK not in response.content.decode()


def test_withdrawn_program_disappears(anon, world: World) -> None:
    from rumbo.opendata.models import Publication

    Publication.objects.all().delete()
    assert anon.get("/datos/IEEM/2024/").status_code == 404
    assert anon.get(f"{API}/IEEM/programs/2024/progress").status_code == 404
    assert anon.get(API).json() == []
    assert 'href="/datos/IEEM/"' not in anon.get("/datos/").content.decode()


def test_public_pages_need_no_login_and_set_no_session(anon, world: World) -> None:
    for url in public_urls():
        response = anon.get(url)
        assert response.status_code == 200, url
        assert "sessionid" not in response.cookies, url
