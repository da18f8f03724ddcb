"""URLs of the capture pages: the year's index, an area × month grid, evidence."""

from django.urls import path

from rumbo.web.views import capture as views

urlpatterns = [
    path("i/<str:code>/programa/<int:year>/captura/", views.capture, name="capture"),
    path(
        "i/<str:code>/programa/<int:year>/captura/<str:area>/<int:month>/",
        views.capture_grid,
        name="capture_grid",
    ),
    path(
        "i/<str:code>/programa/<int:year>/captura/<str:area>/<int:month>/evidencia/<str:key>/",
        views.capture_evidence,
        name="capture_evidence",
    ),
]
