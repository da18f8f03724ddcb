"""URLs of the institution-wide audit log."""

from django.urls import URLPattern, path

from rumbo.web.views import audit_log as views

urlpatterns: list[URLPattern] = [
    path("i/<str:code>/bitacora/", views.audit_log, name="audit_log"),
]
