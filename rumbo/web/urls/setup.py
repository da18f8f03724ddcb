"""URLs of creating institutions, areas, units and programs from scratch."""

from django.urls import path

from rumbo.web.views import setup as views

urlpatterns = [
    path("instituciones/nueva/", views.institution_create, name="institution_create"),
    path("i/<str:code>/editar/", views.institution_edit, name="institution_edit"),
    path("i/<str:code>/areas/", views.areas, name="areas"),
    path("i/<str:code>/areas/<int:area_id>/editar/", views.area_edit, name="area_edit"),
    path("i/<str:code>/unidades/", views.units, name="units"),
    path("i/<str:code>/unidades/<int:unit_id>/editar/", views.unit_edit, name="unit_edit"),
    path("i/<str:code>/programas/nuevo/", views.program_create, name="program_create"),
]
