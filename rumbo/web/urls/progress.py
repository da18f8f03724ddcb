"""URLs of the progress drill-down: the activities behind a figure (every count links there)."""

from django.urls import path

from rumbo.web.views import progress as views

PROGRESS = "i/<str:code>/programa/<int:year>/avance/"

urlpatterns = [
    path(f"{PROGRESS}actividades/", views.progress_activities, name="progress_activities"),
]
