"""Web pages, one URL module per feature; all share the ``web`` namespace."""

from rumbo.accounts import urls as users
from rumbo.adjustments import urls as adjustments
from rumbo.budget import urls as budget
from rumbo.design import urls as design
from rumbo.imports import urls as findings
from rumbo.indicators import urls as mir
from rumbo.institutions import urls as institutions
from rumbo.jobs import urls as jobs
from rumbo.monitoring import urls as monitoring
from rumbo.notifications import urls as notifications
from rumbo.opendata import manage_urls as opendata
from rumbo.programs import urls as programs
from rumbo.reports import urls as reports
from rumbo.strategy import urls as plan
from rumbo.transparency import urls as transparency
from rumbo.web.urls import (
    browse,
)
from rumbo.worklist import urls as worklist

app_name = "web"
urlpatterns = [
    *browse.urlpatterns,
    *worklist.urlpatterns,
    *institutions.urlpatterns,
    *programs.urlpatterns,
    *adjustments.urlpatterns,
    *budget.urlpatterns,
    *plan.urlpatterns,
    *findings.urlpatterns,
    *users.urlpatterns,
    *notifications.urlpatterns,
    *monitoring.urlpatterns,
    *budget.urlpatterns,
    *design.urlpatterns,
    *mir.urlpatterns,
    *jobs.urlpatterns,
    *transparency.urlpatterns,
    *reports.urlpatterns,
    *opendata.urlpatterns,
]
