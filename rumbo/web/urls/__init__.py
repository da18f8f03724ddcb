"""Web pages, one URL module per feature; all share the ``web`` namespace."""

from rumbo.accounts import urls as users
from rumbo.adjustments import urls as adjustments
from rumbo.imports import urls as findings
from rumbo.institutions import urls as institutions
from rumbo.monitoring import urls as monitoring
from rumbo.programs import urls as programs
from rumbo.strategy import urls as plan
from rumbo.web.urls import (
    browse,
    design,
    jobs,
    mir,
    opendata,
    reports,
    transparency,
)

app_name = "web"
urlpatterns = [
    *browse.urlpatterns,
    *institutions.urlpatterns,
    *programs.urlpatterns,
    *adjustments.urlpatterns,
    *plan.urlpatterns,
    *findings.urlpatterns,
    *users.urlpatterns,
    *monitoring.urlpatterns,
    *design.urlpatterns,
    *mir.urlpatterns,
    *jobs.urlpatterns,
    *transparency.urlpatterns,
    *reports.urlpatterns,
    *opendata.urlpatterns,
]
