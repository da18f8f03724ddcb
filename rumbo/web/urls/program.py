from django.urls import path

from rumbo.web.views import program as views

urlpatterns = [
    path("i/<str:code>/programa/<int:year>/", views.program_detail, name="program"),
]
