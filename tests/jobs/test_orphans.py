"""Orphaned export jobs (issue 16, finding 9): a job whose RQ job Redis lost, or that runs
past the timeout, is marked failed with a Spanish reason — by `rumbo maintenance` and when
its page is polled — and the page stops polling; while it lives, polling backs off. Against
the real Redis at 127.0.0.1:6379 (the ``redis_queue`` fixture)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rq.job import Job

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.jobs.models import ExportJob, JobState
from rumbo.jobs.queue import rq_job_id
from rumbo.jobs.services import LOST_FROM_QUEUE, export_orphans, export_request
from rumbo.jobs.views import poll_delay
from tests.conftest import run_worker

pytestmark = pytest.mark.django_db


def queued_job(demo, capture, *, user: str = "consulta") -> ExportJob:
    with capture(execute=True):
        job = export_request(
            user=demo.users[user],
            institution=demo.institution,
            kind="program",
            params={"year": 2024, "fmt": "csv"},
        )
    job.refresh_from_db()
    assert job.background and job.state == JobState.QUEUED
    return job


def age(job: ExportJob, minutes: float) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_the_rq_job_is_named_after_the_export_job(
    demo, redis_queue, django_capture_on_commit_callbacks
):
    job = queued_job(demo, django_capture_on_commit_callbacks)
    assert redis_queue.job_ids == [rq_job_id(job.pk)]


def test_a_job_redis_lost_is_marked_failed_once_past_the_grace(
    demo, redis_queue, django_capture_on_commit_callbacks
):
    job = queued_job(demo, django_capture_on_commit_callbacks)
    redis_queue.empty()  # Redis loses the queue (and the job's hash)
    assert not Job.exists(rq_job_id(job.pk), connection=redis_queue.connection)

    assert export_orphans(actor=Actor.cli()) == []  # just requested: not judged yet
    age(job, 3)
    assert [j.pk for j in export_orphans(actor=Actor.cli(), dry_run=True)] == [job.pk]
    job.refresh_from_db()
    assert job.state == JobState.QUEUED  # a dry run changes nothing

    marked = export_orphans(actor=Actor.cli())
    assert [j.pk for j in marked] == [job.pk]
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert job.error == LOST_FROM_QUEUE
    assert job.error.startswith("La exportación se perdió de la cola de trabajo")
    event = AuditEvent.objects.get(action="export.orphaned")
    assert (event.object_id, event.before, event.after) == (
        job.pk,
        {"state": "en_cola"},
        {"state": "fallido"},
    )
    assert event.reason == LOST_FROM_QUEUE
    assert export_orphans(actor=Actor.cli()) == []  # terminal: left alone


def test_a_job_still_in_redis_is_left_alone_and_a_dead_one_is_not(
    demo, redis_queue, django_capture_on_commit_callbacks
):
    alive = queued_job(demo, django_capture_on_commit_callbacks)
    dead = queued_job(demo, django_capture_on_commit_callbacks)
    age(alive, 60)
    age(dead, 60)
    rq_dead = Job.fetch(rq_job_id(dead.pk), connection=redis_queue.connection)
    redis_queue.remove(rq_dead)
    rq_dead.set_status("failed")  # the worker died with it: RQ says failed, ours says queued
    assert [j.pk for j in export_orphans(actor=Actor.cli())] == [dead.pk]
    alive.refresh_from_db()
    assert alive.state == JobState.QUEUED
    run_worker(redis_queue)
    alive.refresh_from_db()
    assert alive.state == JobState.DONE


def test_a_job_running_past_the_timeout_is_failed_even_without_redis(demo, settings):
    settings.RUMBO_EXPORT_TIMEOUT = 600  # 10 minutes (+2 of grace)
    job = ExportJob.objects.create(
        institution=demo.institution,
        requested_by=demo.users["planeacion"],
        kind="program",
        params={},
        label="x",
        state=JobState.RUNNING,
        background=False,
    )
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=now - timedelta(minutes=30), started_at=now - timedelta(minutes=11)
    )
    assert export_orphans(actor=Actor.cli(), now=now) == []
    ExportJob.objects.filter(pk=job.pk).update(started_at=now - timedelta(minutes=12, seconds=1))
    assert len(export_orphans(actor=Actor.cli(), now=now)) == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("La exportación lleva más de 12 minutos sin terminar")


def test_with_redis_down_nothing_is_concluded_from_the_queue(demo, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.RQ_QUEUES = {settings.RUMBO_EXPORT_QUEUE: {"URL": "redis://127.0.0.1:1/0"}}
    job = ExportJob.objects.create(
        institution=demo.institution,
        requested_by=demo.users["planeacion"],
        kind="program",
        params={},
        label="x",
        background=True,
    )
    age(job, 60)
    assert export_orphans(actor=Actor.cli()) == []
    job.refresh_from_db()
    assert job.state == JobState.QUEUED


def test_polling_the_page_of_a_lost_job_fails_it_and_stops_polling(
    as_user, demo, redis_queue, django_capture_on_commit_callbacks
):
    job = queued_job(demo, django_capture_on_commit_callbacks, user="consulta")
    client = as_user("consulta")
    url = reverse("web:job", args=["IEEM", job.token])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="load delay:1s"' in fragment
    redis_queue.empty()
    age(job, 3)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in fragment and "hx-trigger" not in fragment
    assert "No se pudo generar el archivo." in fragment
    assert "se perdió de la cola de trabajo" in fragment
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert AuditEvent.objects.get(action="export.orphaned").actor_id == demo.users["consulta"].pk


def test_polling_backs_off_as_the_job_ages(demo):
    job = ExportJob(created_at=timezone.now())
    now = job.created_at
    delays = [
        poll_delay(job, now + timedelta(seconds=s)) for s in (0, 9, 10, 29, 30, 119, 120, 3600)
    ]
    assert delays == [1, 1, 2, 2, 5, 5, 10, 10]


def test_the_page_of_an_unfinished_job_costs_one_query_more(
    as_user, demo, django_assert_num_queries
):
    # Pinned: 5 for a finished job (test_views); 6 while unfinished (the orphan check).
    client = as_user("planeacion")
    job = ExportJob.objects.create(
        institution=demo.institution,
        requested_by=demo.users["planeacion"],
        kind="program",
        params={},
        label="x",
    )
    url = reverse("web:job", args=["IEEM", job.token])
    client.get(url)
    with django_assert_num_queries(6):
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
