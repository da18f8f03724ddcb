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


def enqueue(job_id: int) -> None:
    """Put a job on the queue; raises ``redis.exceptions.RedisError`` when Redis is down."""
    _queue().enqueue(TASK, job_id, job_timeout=settings.RUMBO_EXPORT_TIMEOUT)


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
