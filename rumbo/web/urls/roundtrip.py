"""URLs of the Excel round trip: template download, upload with preview, confirmation."""

from django.urls import path

from rumbo.web.views import roundtrip as views

urlpatterns = [
    path(
        "i/<str:code>/programa/<int:year>/plantilla.xlsx",
        views.program_template,
        name="program_template",
    ),
    path("i/<str:code>/programa/<int:year>/cargar/", views.program_upload, name="program_upload"),
    path(
        "i/<str:code>/programa/<int:year>/cargar/confirmar/",
        views.program_upload_confirm,
        name="program_upload_confirm",
    ),
]
