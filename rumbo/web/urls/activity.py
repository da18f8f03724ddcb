"""URLs of the activity detail, edit and calendar editor."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
