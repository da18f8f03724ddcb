"""URLs of the audit_log pages (issue 4)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
