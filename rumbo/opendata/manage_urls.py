"""Planeación's open-data publication page, mounted in the ``web`` namespace by
``rumbo.web.urls`` (the public pages are ``rumbo.opendata.urls``, namespace ``opendata``)."""

from django.urls import path

from . import manage_views as views

urlpatterns = [
    path("i/<str:code>/datos-abiertos/", views.publication_page, name="opendata_publish"),
    path(
        "i/<str:code>/datos-abiertos/cambiar/",
        views.publication_action,
        name="opendata_publish_action",
    ),
]
