"""Planeación's open-data publication page (the public pages live in rumbo.opendata.urls)."""

from django.urls import path

from rumbo.opendata import manage_views as views

urlpatterns = [
    path("i/<str:code>/datos-abiertos/", views.publication_page, name="opendata_publish"),
    path(
        "i/<str:code>/datos-abiertos/cambiar/",
        views.publication_action,
        name="opendata_publish_action",
    ),
]
