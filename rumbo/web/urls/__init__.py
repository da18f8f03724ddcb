"""Web pages, one URL module per feature; all share the ``web`` namespace."""

from rumbo.design import urls as design
from rumbo.indicators import urls as mir
from rumbo.jobs import urls as jobs
from rumbo.monitoring import urls as monitoring
from rumbo.opendata import manage_urls as opendata
from rumbo.reports import urls as reports
from rumbo.transparency import urls as transparency
from rumbo.web.urls import (
    activity,
    alignment,
    audit_log,
    browse,
    findings,
    plan,
    program,
    roundtrip,
    setup,
    users,
)

app_name = "web"
urlpatterns = [
    *browse.urlpatterns,
    *setup.urlpatterns,
    *program.urlpatterns,
    *activity.urlpatterns,
    *roundtrip.urlpatterns,
    *plan.urlpatterns,
    *alignment.urlpatterns,
    *findings.urlpatterns,
    *users.urlpatterns,
    *monitoring.urlpatterns,
    *audit_log.urlpatterns,
    *design.urlpatterns,
    *mir.urlpatterns,
    *jobs.urlpatterns,
    *transparency.urlpatterns,
    *reports.urlpatterns,
    *opendata.urlpatterns,
]
