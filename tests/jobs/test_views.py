"""Export job pages: ask, follow (htmx polling), download; inline and on the real Redis."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.jobs.models import ExportJob, JobState
from tests.conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _create(client, **data):
    return client.post(reverse("web:job_create", args=["IEEM"]), data)


def test_inline_the_file_is_the_answer(as_user, demo):
    client = as_user("enlace_se")
    response = _create(client, kind="program", year="2024", fmt="csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="IEEM-programa-2024.csv"'
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert any(demo.activity_full.key in row for row in csv.reader(io.StringIO(body)))
    job = ExportJob.objects.get()
    assert job.requested_by == demo.users["enlace_se"] and job.state == JobState.DONE
    assert AuditEvent.objects.filter(action="export.request").count() == 1


def test_inline_failure_shows_the_reason(as_user):
    client = as_user("planeacion")
    response = _create(client, kind="program", year="2031", fmt="csv")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job", args=["IEEM", job.token])
    page = client.get(response["Location"]).content.decode()
    assert "No se pudo generar el archivo." in page
    assert "IEEM no tiene programa anual 2031." in page


def test_an_unknown_kind_goes_back_with_a_message(as_user):
    client = as_user("planeacion")
    response = _create(client, kind="desconocido")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Tipo de exportación desconocido: «desconocido»." in page
    assert not ExportJob.objects.exists()


def test_queued_job_page_polls_until_the_worker_is_done(
    as_user, demo, redis_queue, django_capture_on_commit_callbacks
):
    client = as_user("consulta")
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(client, kind="program", year="2024", fmt="xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    url = reverse("web:job", args=["IEEM", job.token])
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "En cola" in page and 'hx-trigger="load delay:1s"' in page  # a young job
    assert "No hay ningún proceso de trabajo" in page  # nobody listens on this test's queue
    assert "segundo plano" in page

    run_worker(redis_queue)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert "hx-trigger" not in fragment  # finished: polling stops
    download = reverse("web:job_download", args=["IEEM", job.token])
    assert download in fragment
    response = client.get(download)
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames


def test_someone_elses_job_is_forbidden_and_unknown_is_404(as_user, demo):
    owner = as_user("planeacion")
    _create(owner, kind="program", year="2031", fmt="csv")
    job = ExportJob.objects.get()
    other = as_user("revisor")
    assert other.get(reverse("web:job", args=["IEEM", job.token])).status_code == 403
    missing = "00000000-0000-0000-0000-000000000000"
    assert other.get(reverse("web:job", args=["IEEM", missing])).status_code == 404


def test_download_of_an_unfinished_job_is_404(as_user, demo):
    client = as_user("planeacion")
    job = ExportJob.objects.create(
        institution=demo.institution,
        requested_by=demo.users["planeacion"],
        kind="program",
        params={},
        label="x",
    )
    assert client.get(reverse("web:job_download", args=["IEEM", job.token])).status_code == 404


def test_list_shows_only_my_jobs_with_constant_queries(as_user, demo, django_assert_num_queries):
    for user, n in (("planeacion", 3), ("revisor", 2)):
        for _ in range(n):
            ExportJob.objects.create(
                institution=demo.institution,
                requested_by=demo.users[user],
                kind="program",
                params={},
                label=f"Exportación de {user}",
                state=JobState.DONE,
                filename="a.csv",
                size=10,
            )
    client = as_user("planeacion")
    client.get(reverse("web:jobs", args=["IEEM"]))  # warm the session
    with django_assert_num_queries(5):
        page = client.get(reverse("web:jobs", args=["IEEM"])).content.decode()
    assert page.count("Exportación de planeacion") == 3
    assert "Exportación de revisor" not in page
    ExportJob.objects.bulk_create(
        [
            ExportJob(
                institution=demo.institution,
                requested_by=demo.users["planeacion"],
                kind="program",
                params={},
                label="más",
            )
            for _ in range(20)
        ]
    )
    with django_assert_num_queries(5):
        client.get(reverse("web:jobs", args=["IEEM"]))


def test_job_page_queries_are_constant(as_user, demo, django_assert_num_queries):
    client = as_user("planeacion")
    _create(client, kind="program", year="2031", fmt="csv")
    job = ExportJob.objects.get()
    url = reverse("web:job", args=["IEEM", job.token])
    client.get(url)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
