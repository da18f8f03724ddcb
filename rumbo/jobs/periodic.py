"""The worker's hourly job: the capture windows' reminders (the same ``reminders_run`` as
`rumbo notify`), when Redis is configured.

`rumbo worker` runs RQ's scheduler (``--with-scheduler``) and calls
``reminders_schedule`` when it starts; the job, when it runs, schedules the next one at
the top of the next hour. Each hour's job has its own id (``rumbo-notify-AAAAMMDDHH``)
and is scheduled with ``unique=True``: however many workers start, and however many
times, one job per hour exists. The reminders themselves are idempotent, so a job run
late or twice sends nothing twice."""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from rumbo.monitoring.reminders import reminders_run

logger = logging.getLogger(__name__)

TASK = "rumbo.jobs.periodic.reminders_hourly"


def reminders_job_id(at: datetime) -> str:
    return f"rumbo-notify-{at:%Y%m%d%H}"


def next_hour(now: datetime) -> datetime:
    return (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)


def reminders_schedule(now: datetime | None = None) -> str:
    """Schedule the reminders at the top of the next hour, unless that hour's job exists;
    returns its RQ job id."""
    from rq.exceptions import DuplicateJobError

    from .queue import _queue

    at = next_hour(now or timezone.now())
    job_id = reminders_job_id(at)
    # DuplicateJobError: another worker (or an earlier start) scheduled this hour already.
    with suppress(DuplicateJobError):
        _queue().enqueue_at(
            at, TASK, job_id=job_id, unique=True, job_timeout=settings.RUMBO_EXPORT_TIMEOUT
        )
    return job_id


def reminders_hourly() -> str:
    """The job: send the reminders due now, then schedule the next hour's."""
    try:
        run = reminders_run()
        summary = run.lines()[0]
        logger.info("%s", summary)
        return summary
    finally:
        reminders_schedule()
