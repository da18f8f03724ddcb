"""Writes of the monitoring cycle: progress capture, period workflow, windows and bands."""

from .conversation import period_message_post, thread_author
from .periods import (
    BatchRefused,
    CaptureRef,
    period_approve,
    period_approve_many,
    period_reopen,
    period_return,
    period_submit,
)
from .policy import (
    bands_clear_activity,
    bands_set_activity,
    bands_set_institution,
    window_extend,
)
from .progress import ProgressRow, progress_save, progress_save_many

__all__ = [
    "BatchRefused",
    "CaptureRef",
    "ProgressRow",
    "bands_clear_activity",
    "bands_set_activity",
    "bands_set_institution",
    "period_approve",
    "period_approve_many",
    "period_message_post",
    "period_reopen",
    "period_return",
    "period_submit",
    "progress_save",
    "progress_save_many",
    "thread_author",
    "window_extend",
]
