"""One activity: its detail page, edit form, calendar editor, creation and deletion.

Permissions are decided by ``rumbo.institutions.access`` only; the views put the answers
in the context as booleans. Reads go through ``rumbo.programs.selectors`` (and the other
apps' selectors), writes through ``rumbo.programs.services``.

``base`` loads the activity and answers refusals; ``detail``, ``calendar`` and ``edit``
(edit, create, delete) hold the views, re-exported here for ``rumbo.web.urls.activity``.
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
