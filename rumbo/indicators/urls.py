"""URLs of the MIR pages: matrix, print view, rows, indicator fichas, capture."""

from django.urls import path

from rumbo.indicators import views

D = "i/<str:code>/diseno/<int:design_id>/mir/"
I = "i/<str:code>/indicador/<int:indicator_id>/"  # noqa: E741

urlpatterns = [
    path(D, views.mir, name="mir"),
    path(f"{D}imprimir/", views.mir_print, name="mir_print"),
    path(f"{D}crear/", views.design_mir_create, name="design_mir_create"),
    path(f"{D}estado/", views.mir_state, name="mir_state"),
    path(f"{D}renglon/nuevo/", views.mir_row_create_view, name="mir_row_create"),
    path(f"{D}renglon/<int:row_id>/", views.mir_row_edit, name="mir_row_edit"),
    path(f"{D}renglon/<int:row_id>/borrar/", views.mir_row_delete_view, name="mir_row_delete"),
    path(
        f"{D}renglon/<int:row_id>/actividades/",
        views.mir_row_activities,
        name="mir_row_activities",
    ),
    path(
        f"{D}renglon/<int:row_id>/indicador/nuevo/",
        views.indicator_create_view,
        name="indicator_create",
    ),
    path(I, views.indicator, name="indicator"),
    path(f"{I}editar/", views.indicator_edit, name="indicator_edit"),
    path(f"{I}semaforo/", views.indicator_bands, name="indicator_bands"),
    path(f"{I}borrar/", views.indicator_delete_view, name="indicator_delete"),
    path(f"{I}medicion/<int:period>/", views.indicator_measure, name="indicator_measure"),
]
