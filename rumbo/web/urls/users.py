"""URLs of the user and membership management."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
