from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("i/<str:code>/", views.institution_detail, name="institution"),
    path("i/<str:code>/programa/<int:year>/", views.program_detail, name="program"),
    path("i/<str:code>/plan/<int:plan_id>/", views.plan_detail, name="plan"),
    path("i/<str:code>/hallazgos/", views.finding_list_view, name="findings"),
]
