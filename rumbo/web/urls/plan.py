from django.urls import path

from rumbo.web.views import plan as views

urlpatterns = [
    path("i/<str:code>/plan/<int:plan_id>/", views.plan_detail, name="plan"),
]
