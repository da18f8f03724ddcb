"""URLs of the approved program's pages: approval and versions, adjustment requests."""

from django.urls import path

from . import views

PROGRAM = "i/<str:code>/programa/<int:year>/"

urlpatterns = [
    path(f"{PROGRAM}aprobacion/", views.program_approval, name="program_approval"),
    path(
        f"{PROGRAM}aprobacion/acuerdo/",
        views.program_agreement_file,
        name="program_agreement_file",
    ),
    path(f"{PROGRAM}versiones/", views.program_versions, name="program_versions"),
    path(f"{PROGRAM}adecuaciones/", views.adjustments, name="adjustments"),
    path(f"{PROGRAM}adecuaciones/nueva/", views.adjustment_create, name="adjustment_create"),
    path(f"{PROGRAM}adecuaciones/<int:pk>/", views.adjustment_detail, name="adjustment_detail"),
    path(
        f"{PROGRAM}adecuaciones/<int:pk>/documento/",
        views.adjustment_document,
        name="adjustment_document",
    ),
    path(
        f"{PROGRAM}adecuaciones/<int:pk>/decidir/",
        views.adjustment_decide,
        name="adjustment_decide",
    ),
]
