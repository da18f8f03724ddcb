"""URLs of the alignment matrix."""

from django.urls import path

from rumbo.web.views import alignment as views

urlpatterns = [
    path(
        "i/<str:code>/programa/<int:year>/alineacion/",
        views.alignment_detail,
        name="alignment",
    ),
]
