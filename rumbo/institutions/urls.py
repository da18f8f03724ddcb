"""URLs of an institution's pages (mounted in the ``web`` namespace by rumbo/web/urls)."""

from django.urls import URLPattern, path

from .views import audit_log as views

urlpatterns: list[URLPattern] = [
    path("i/<str:code>/bitacora/", views.audit_log, name="audit_log"),
]
