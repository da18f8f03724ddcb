"""The worker's hourly reminders on the real Redis (the ``redis_queue`` fixture): one job
per hour however often it is scheduled, and each run schedules the next hour's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone
from rq.registry import ScheduledJobRegistry

from rumbo.jobs.periodic import TASK, reminders_schedule
from rumbo.jobs.queue import _queue
from tests.conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_reminder_jobs(redis_queue):
    """RQ job ids are global to the Redis database: drop this test's reminder jobs."""
    yield
    connection = redis_queue.connection
    for key in connection.scan_iter("rq:job:rumbo-notify-*"):
        connection.delete(key)


def scheduled(queue) -> dict[str, float]:
    registry = ScheduledJobRegistry(queue=queue)
    return {
        job_id: float(score)
        for job_id, score in queue.connection.zrange(registry.key, 0, -1, withscores=True)
        for job_id in [job_id.decode()]
    }


def test_scheduling_twice_keeps_one_job_at_the_top_of_the_next_hour(redis_queue) -> None:
    now = datetime(2024, 12, 2, 9, 30, 12, tzinfo=UTC)
    assert reminders_schedule(now) == "rumbo-notify-2024120210"
    assert reminders_schedule(now.replace(minute=59)) == "rumbo-notify-2024120210"
    assert scheduled(redis_queue) == {
        "rumbo-notify-2024120210": datetime(2024, 12, 2, 10, 0, tzinfo=UTC).timestamp()
    }


def test_the_job_runs_the_reminders_and_schedules_the_next_hour(redis_queue) -> None:
    job = _queue().enqueue(TASK)  # now, not at the test's (never) commit
    run_worker(redis_queue)
    job.refresh()
    assert job.get_status() == "finished", job.latest_result()
    today = timezone.localdate()
    assert job.return_value().startswith(f"Recordatorios del {today:%d/%m/%Y}: Se enviaron ")
    (next_id,) = scheduled(redis_queue)
    now = timezone.now()
    top = now.replace(minute=0, second=0, microsecond=0)
    assert next_id in {f"rumbo-notify-{top + timezone.timedelta(hours=h):%Y%m%d%H}" for h in (1, 2)}
