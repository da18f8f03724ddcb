"""URLs of «Mis pendientes» (mounted by ``rumbo.web.urls`` in the ``web`` namespace)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("pendientes/", views.pending, name="pending"),
    path("pendientes/cuenta/", views.pending_count, name="pending_count"),
    path("pendientes/aprobar/", views.pending_approve, name="pending_approve"),
]
