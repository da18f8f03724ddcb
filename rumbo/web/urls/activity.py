"""URLs of the activity detail, edit, calendar editor, creation and deletion."""

from django.urls import path

from rumbo.web.views import activity as views

ACTIVITY = "i/<str:code>/programa/<int:year>/actividad/<str:key>/"

urlpatterns = [
    path(ACTIVITY, views.activity_detail, name="activity"),
    path(f"{ACTIVITY}editar/", views.activity_edit, name="activity_edit"),
    path(f"{ACTIVITY}calendario/", views.activity_calendar, name="activity_calendar"),
    path(f"{ACTIVITY}eliminar/", views.activity_delete, name="activity_delete"),
    path(
        "i/<str:code>/programa/<int:year>/actividades/nueva/",
        views.activity_create,
        name="activity_create",
    ),
]
