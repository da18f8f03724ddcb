"""URLs of the quality findings pages (mounted in the ``web`` namespace by rumbo/web/urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("i/<str:code>/hallazgos/", views.finding_list_view, name="findings"),
    path(
        "i/<str:code>/hallazgos/revisar-filtrados/",
        views.finding_review_bulk_view,
        name="finding_review_bulk",
    ),
    path(
        "i/<str:code>/hallazgos/<int:pk>/revisar/",
        views.finding_review_view,
        name="finding_review",
    ),
]
