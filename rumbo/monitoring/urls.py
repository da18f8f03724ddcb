"""URLs of the monitoring pages (mounted by ``rumbo.web.urls`` in the ``web`` namespace, in
this order): evidence downloads; the capture (the year's index, an area × month grid, its
evidence)."""

from django.urls import path

from .views import capture, evidence

CAPTURE = "i/<str:code>/programa/<int:year>/captura/"

urlpatterns = [
    path("i/<str:code>/evidencias/<int:pk>/", evidence.evidence_download, name="evidence_download"),
    path(CAPTURE, capture.capture, name="capture"),
    path(f"{CAPTURE}<str:area>/<int:month>/", capture.capture_grid, name="capture_grid"),
    path(
        f"{CAPTURE}<str:area>/<int:month>/evidencia/<str:key>/",
        capture.capture_evidence,
        name="capture_evidence",
    ),
]
