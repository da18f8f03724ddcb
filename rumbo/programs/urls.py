"""URLs of the programs' pages (mounted in the ``web`` namespace by ``rumbo.web.urls``)."""

from django.urls import path

from rumbo.programs.views import program as views

PROGRAM = "i/<str:code>/programa/<int:year>/"

urlpatterns = [
    path(PROGRAM, views.program_detail, name="program"),
    path(f"{PROGRAM}seccion/<int:node_id>/", views.program_section, name="program_section"),
    path(f"{PROGRAM}niveles/nuevo/", views.node_create, name="node_create"),
]
