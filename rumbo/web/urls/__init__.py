"""Web pages, one URL module per feature; all share the ``web`` namespace."""

from rumbo.web.urls import (
    activity,
    alignment,
    audit_log,
    browse,
    capture,
    dashboard,
    design,
    evidence,
    findings,
    mir,
    monitoring_admin,
    opendata,
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
    *evidence.urlpatterns,
    *capture.urlpatterns,
    *dashboard.urlpatterns,
    *monitoring_admin.urlpatterns,
    *audit_log.urlpatterns,
    *design.urlpatterns,
    *mir.urlpatterns,
    *opendata.urlpatterns,
]
