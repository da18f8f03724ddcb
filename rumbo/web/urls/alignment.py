"""URLs of the alignment matrix."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
