"""URLs of export jobs (long exports, queued or inline)."""

from django.urls import path

from rumbo.jobs import views

urlpatterns = [
    path("i/<str:code>/exportaciones/", views.jobs, name="jobs"),
    path("i/<str:code>/exportaciones/nueva/", views.job_create, name="job_create"),
    path("i/<str:code>/exportaciones/<uuid:token>/", views.job, name="job"),
    path(
        "i/<str:code>/exportaciones/<uuid:token>/descargar/",
        views.job_download,
        name="job_download",
    ),
]
