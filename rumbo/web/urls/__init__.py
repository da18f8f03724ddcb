"""Web pages, one URL module per feature; all share the ``web`` namespace."""

from rumbo.monitoring import urls as monitoring
from rumbo.web.urls import (
    activity,
    alignment,
    audit_log,
    browse,
    design,
    findings,
    jobs,
    mir,
    opendata,
    plan,
    program,
    reports,
    roundtrip,
    setup,
    transparency,
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
