"""URL of an evidence file download."""

from django.urls import path

from rumbo.web.views import evidence as views

urlpatterns = [
    path("i/<str:code>/evidencias/<int:pk>/", views.evidence_download, name="evidence_download"),
]
