"""Export jobs: inline without Redis, queued on the real Redis with it; failures are stored."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rumbo.audit.models import AuditEvent
from rumbo.jobs import registry
from rumbo.jobs.models import ExportJob, JobState
from rumbo.jobs.progress import progress_step
from rumbo.jobs.registry import ExportKind, JobParamsError
from rumbo.jobs.services import export_path, export_purge, export_request, export_run
from rumbo.programs.exports import program_to_csv
from tests.conftest import run_worker

pytestmark = pytest.mark.django_db


def test_inline_export_is_done_at_once_and_audited(demo, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = export_request(
        user=demo.users["consulta"],
        institution=demo.institution,
        kind="program",
        params={"year": 2024, "fmt": "csv"},
    )
    assert job.state == JobState.DONE and not job.background
    assert job.progress == 100
    assert job.filename == "IEEM-programa-2024.csv"
    content = export_path(job).read_bytes()
    assert job.size == len(content)
    assert content.decode("utf-8") == program_to_csv(demo.program)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert any(demo.activity_full.key in row for row in rows)
    event = AuditEvent.objects.get(action="export.request")
    assert event.actor == demo.users["consulta"]
    assert event.after == {
        "kind": "program",
        "params": {"year": 2024, "fmt": "csv"},
        "background": False,
    }


def test_a_failure_is_stored_with_the_builders_message(demo, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = export_request(
        user=demo.users["planeacion"],
        institution=demo.institution,
        kind="program",
        params={"year": 2031, "fmt": "xlsx"},
    )
    assert job.state == JobState.FAILED
    assert job.error == "IEEM no tiene programa anual 2031."
    assert job.filename == ""
    assert not (tmp_path / "exports" / str(job.token)).exists()


def test_an_unexpected_error_is_stored_without_a_traceback(demo, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path

    def broken(**kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(
        registry.KINDS,
        "program",
        ExportKind("program", "x:y", lambda p: "Programa", ("year", "fmt")),
    )
    monkeypatch.setattr(ExportKind, "load", lambda self: broken)
    job = export_request(
        user=demo.users["planeacion"],
        institution=demo.institution,
        kind="program",
        params={"year": 2024, "fmt": "csv"},
    )
    assert job.state == JobState.FAILED
    assert "ZeroDivisionError" in job.error and "boom" not in job.error


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("nada", {}, "Tipo de exportación desconocido: «nada»."),
        ("program", {"year": 2024, "fmt": "csv", "x": 1}, "Parámetros no admitidos"),
    ],
)
def test_bad_requests_are_refused_before_anything_is_written(demo, kind, params, message):
    with pytest.raises(JobParamsError, match=message):
        export_request(
            user=demo.users["planeacion"], institution=demo.institution, kind=kind, params=params
        )
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.exists()


def test_another_institutions_user_is_refused(demo):
    with pytest.raises(PermissionDenied):
        export_request(
            user=demo.users["ajeno"],
            institution=demo.institution,
            kind="program",
            params={"year": 2024, "fmt": "csv"},
        )
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_job_runs_once(demo, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = export_request(
        user=demo.users["planeacion"],
        institution=demo.institution,
        kind="program",
        params={"year": 2024, "fmt": "json"},
    )
    finished = job.finished_at
    export_run(job.pk)  # a second delivery of the same task does nothing
    job.refresh_from_db()
    assert job.finished_at == finished and job.state == JobState.DONE


def test_purge_removes_old_jobs_and_their_files(demo, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = export_request(
        user=demo.users["planeacion"],
        institution=demo.institution,
        kind="program",
        params={"year": 2024, "fmt": "csv"},
    )
    path = export_path(job)
    assert export_purge(older_than_days=7) == 0
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert export_purge(older_than_days=7) == 1
    assert not path.exists() and not ExportJob.objects.exists()


def test_with_redis_the_job_is_queued_then_run_by_a_worker(
    demo, settings, tmp_path, redis_queue, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(
            user=demo.users["planeacion"],
            institution=demo.institution,
            kind="program",
            params={"year": 2024, "fmt": "xlsx"},
        )
    job.refresh_from_db()
    assert job.background and job.state == JobState.QUEUED
    assert redis_queue.count == 1
    run_worker(redis_queue)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    from openpyxl import load_workbook

    workbook = load_workbook(export_path(job))
    assert workbook.sheetnames


def test_with_redis_down_the_job_still_runs_inline(
    demo, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.RQ_QUEUES = {settings.RUMBO_EXPORT_QUEUE: {"URL": "redis://127.0.0.1:1/0"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(
            user=demo.users["planeacion"],
            institution=demo.institution,
            kind="program",
            params={"year": 2024, "fmt": "csv"},
        )
    job.refresh_from_db()
    assert job.state == JobState.DONE and not job.background


def test_progress_reported_by_a_builder_reaches_the_job(demo, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    seen: list[int] = []
    monkeypatch.setattr("rumbo.jobs.progress.MIN_INTERVAL", 0)

    def builder(**kwargs):
        from rumbo.core.exportfile import ExportFile

        for i in range(3):
            progress_step(i + 1, 4, f"Parte {i + 1} de 4")
            seen.append(ExportJob.objects.get().progress)
        return ExportFile("x.csv", b"ok")

    monkeypatch.setattr(ExportKind, "load", lambda self: builder)
    export_request(
        user=demo.users["planeacion"],
        institution=demo.institution,
        kind="program",
        params={"year": 2024, "fmt": "csv"},
    )
    assert seen == [25, 50, 75]
    assert ExportJob.objects.get().progress == 100


def test_progress_outside_a_job_does_nothing():
    progress_step(1, 2, "nada")  # no job: no error, no query
