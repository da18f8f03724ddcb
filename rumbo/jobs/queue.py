"""The Redis queue (django-rq): used when ``REDIS_URL`` is configured, never otherwise."""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)

TASK = "rumbo.jobs.services.export_run"


def queue_enabled() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def _queue():  # type: ignore[no-untyped-def]  # django_rq ships no type hints
    import django_rq

    # "auto": enqueue now. The service already waits for the commit, and it must see a
    # Redis failure to fall back to running the job inline.
    return django_rq.get_queue(settings.RUMBO_EXPORT_QUEUE, commit_mode="auto")


def rq_job_id(job_id: int) -> str:
    """The RQ job of an export job is named after it, so it can be looked for later."""
    return f"rumbo-export-{job_id}"


def enqueue(job_id: int) -> None:
    """Put a job on the queue; raises ``redis.exceptions.RedisError`` when Redis is down."""
    _queue().enqueue(
        TASK, job_id, job_timeout=settings.RUMBO_EXPORT_TIMEOUT, job_id=rq_job_id(job_id)
    )


# RQ states of a job that will never run (again): its export job is orphaned.
_DEAD = {"finished", "failed", "stopped", "canceled"}


def queued_alive(job_ids: list[int]) -> dict[int, bool] | None:
    """For each export job, whether its RQ job still exists and may still run; None when
    Redis cannot be asked (then nothing can be concluded)."""
    if not job_ids:
        return {}
    if not queue_enabled():
        return None
    try:
        from rq.job import Job

        connection = _queue().connection
        alive: dict[int, bool] = {}
        for job_id in job_ids:
            rq_id = rq_job_id(job_id)
            if not Job.exists(rq_id, connection=connection):
                alive[job_id] = False
                continue
            status = Job.fetch(rq_id, connection=connection).get_status(refresh=False)
            alive[job_id] = str(getattr(status, "value", status)) not in _DEAD
        return alive
    except Exception:  # Redis down or unreadable: decide nothing
        logger.warning("could not look for export jobs in Redis", exc_info=True)
        return None


def worker_count() -> int | None:
    """Workers listening on the export queue, or None when it cannot be known."""
    if not queue_enabled():
        return None
    try:
        from rq import Worker

        return int(Worker.count(queue=_queue()))
    except Exception:  # the page must render even when Redis is down
        logger.warning("could not count the export workers", exc_info=True)
        return None
