"""URLs of the dashboard pages (issue 4)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
