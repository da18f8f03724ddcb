from django.urls import path

from rumbo.transparency import views

urlpatterns = [
    path("i/<str:code>/transparencia/", views.transparency_view, name="transparency"),
    path(
        "i/<str:code>/transparencia/revisar/",
        views.transparency_check_view,
        name="transparency_check",
    ),
    path(
        "i/<str:code>/transparencia/<str:format_id>/revision/",
        views.transparency_review_view,
        name="transparency_review",
    ),
    path(
        "i/<str:code>/transparencia/objetivos/<int:pk>/editar/",
        views.area_objective_edit_view,
        name="area_objective_edit",
    ),
    path(
        "i/<str:code>/transparencia/<str:format_id>.<str:fmt>",
        views.transparency_download_view,
        name="transparency_download",
    ),
]
