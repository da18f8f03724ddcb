"""URLs of the monitoring_admin pages (issue 4)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
