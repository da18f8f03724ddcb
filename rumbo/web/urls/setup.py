"""URLs of the creating institutions, areas and programs from scratch."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
