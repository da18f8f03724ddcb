"""URLs of the report pages: the index, each report as a page, XLSX and PDF."""

from django.urls import path

from rumbo.reports import views

R = "i/<str:code>/informes/"

urlpatterns = [
    path(R, views.report_index, name="report_index"),
    path(f"{R}<str:slug>/<int:year>/", views.report_page, name="report"),
    path(
        f"{R}<str:slug>/<int:year>/descargar/<str:fmt>/",
        views.report_download,
        name="report_download",
    ),
]
