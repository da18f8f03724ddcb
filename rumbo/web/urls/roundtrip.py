"""URLs of the Excel round trip."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
