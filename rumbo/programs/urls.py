"""URLs of the programs' pages (mounted in the ``web`` namespace by ``rumbo.web.urls``)."""

from django.urls import path

from rumbo.programs.views import activity, alignment, observations, roundtrip, setup
from rumbo.programs.views import program as views

PROGRAM = "i/<str:code>/programa/<int:year>/"
ACTIVITY = f"{PROGRAM}actividad/<str:key>/"

urlpatterns = [
    # the institution's units of measure and a new program (after the institution's pages)
    path("i/<str:code>/unidades/", setup.units, name="units"),
    path("i/<str:code>/unidades/<int:unit_id>/editar/", setup.unit_edit, name="unit_edit"),
    path("i/<str:code>/programas/nuevo/", setup.program_create, name="program_create"),
    # the program and its tree
    path(PROGRAM, views.program_detail, name="program"),
    path(f"{PROGRAM}seccion/<int:node_id>/", views.program_section, name="program_section"),
    path(f"{PROGRAM}niveles/nuevo/", views.node_create, name="node_create"),
    # the activity detail, edit, calendar editor, creation and deletion
    path(ACTIVITY, activity.activity_detail, name="activity"),
    path(f"{ACTIVITY}editar/", activity.activity_edit, name="activity_edit"),
    path(f"{ACTIVITY}calendario/", activity.activity_calendar, name="activity_calendar"),
    path(f"{ACTIVITY}eliminar/", activity.activity_delete, name="activity_delete"),
    path(f"{PROGRAM}actividades/nueva/", activity.activity_create, name="activity_create"),
    # the review's observations: the program's list, and the activity page's forms
    path(
        f"{PROGRAM}observaciones/", observations.program_observations, name="program_observations"
    ),
    path(
        f"{ACTIVITY}observaciones/nueva/",
        observations.observation_create,
        name="observation_create",
    ),
    path(
        f"{PROGRAM}observaciones/<int:pk>/responder/",
        observations.observation_answer,
        name="observation_answer",
    ),
    path(
        f"{PROGRAM}observaciones/<int:pk>/atender/",
        observations.observation_resolve,
        name="observation_resolve",
    ),
    # the Excel round trip: template download, upload with preview, confirmation
    path(f"{PROGRAM}plantilla.xlsx", roundtrip.program_template, name="program_template"),
    path(f"{PROGRAM}cargar/", roundtrip.program_upload, name="program_upload"),
    path(
        f"{PROGRAM}cargar/confirmar/",
        roundtrip.program_upload_confirm,
        name="program_upload_confirm",
    ),
    # the alignment matrix (after the plan's pages once; no URL of theirs matches it)
    path(f"{PROGRAM}alineacion/", alignment.alignment_detail, name="alignment"),
]
