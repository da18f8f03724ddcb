"""URLs of the monitoring pages (mounted by ``rumbo.web.urls`` in the ``web`` namespace), in
this order: evidence downloads; the capture (the year's index, an area × month grid, its
evidence); the dashboards (the program, an area, a subprogram); the activities behind a
figure (every count links there); Planeación's monitoring settings (close day, bands,
extensions, an activity's own bands)."""

from django.urls import URLPattern, path

from .views import capture, dashboard, evidence, monitoring_admin, progress

CAPTURE = "i/<str:code>/programa/<int:year>/captura/"
BOARD = "i/<str:code>/programa/<int:year>/tablero/"
PROGRESS = "i/<str:code>/programa/<int:year>/avance/"

urlpatterns: list[URLPattern] = [
    path("i/<str:code>/evidencias/<int:pk>/", evidence.evidence_download, name="evidence_download"),
    path(CAPTURE, capture.capture, name="capture"),
    path(f"{CAPTURE}<str:area>/<int:month>/", capture.capture_grid, name="capture_grid"),
    path(
        f"{CAPTURE}<str:area>/<int:month>/mensajes/",
        capture.capture_message,
        name="capture_message",
    ),
    path(
        f"{CAPTURE}<str:area>/<int:month>/evidencia/<str:key>/",
        capture.capture_evidence,
        name="capture_evidence",
    ),
    path(BOARD, dashboard.dashboard, name="dashboard"),
    path(f"{BOARD}area/<str:area>/", dashboard.dashboard_area, name="dashboard_area"),
    path(f"{BOARD}nodo/<int:node_id>/", dashboard.dashboard_node, name="dashboard_node"),
    path(f"{PROGRESS}actividades/", progress.progress_activities, name="progress_activities"),
    path(
        "i/<str:code>/seguimiento/configuracion/",
        monitoring_admin.monitoring_settings,
        name="monitoring_settings",
    ),
    path(
        "i/<str:code>/seguimiento/prorrogas/",
        monitoring_admin.window_extensions,
        name="window_extensions",
    ),
    path(
        "i/<str:code>/programa/<int:year>/actividad/<str:key>/semaforo/",
        monitoring_admin.activity_bands,
        name="activity_bands",
    ),
]
