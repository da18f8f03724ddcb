from django.urls import path

from rumbo.web.views import browse as views

urlpatterns = [
    path("", views.home, name="home"),
    path("i/<str:code>/", views.institution_detail, name="institution"),
]
