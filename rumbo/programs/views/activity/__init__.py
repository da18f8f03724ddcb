"""One activity: its detail page, edit form, calendar editor, creation and deletion.

Permissions are decided by ``rumbo.programs.access`` and ``rumbo.institutions.access``
only; the views put the answers in the context as booleans. Reads go through
``rumbo.programs.selectors`` (and what other apps register in ``rumbo.programs.pages``),
writes through ``rumbo.programs.services``.

``base`` loads the activity and answers refusals; ``detail``, ``calendar`` and ``edit``
(edit, create, delete) hold the views, re-exported here for ``rumbo.programs.urls``.
"""

from .calendar import activity_calendar
from .detail import activity_detail
from .edit import activity_create, activity_delete, activity_edit

__all__ = [
    "activity_calendar",
    "activity_create",
    "activity_delete",
    "activity_detail",
    "activity_edit",
]
