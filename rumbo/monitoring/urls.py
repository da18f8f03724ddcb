"""URLs of the monitoring pages (mounted by ``rumbo.web.urls`` in the ``web`` namespace, in
this order): evidence downloads."""

from django.urls import path

from .views import evidence

urlpatterns = [
    path("i/<str:code>/evidencias/<int:pk>/", evidence.evidence_download, name="evidence_download"),
]
