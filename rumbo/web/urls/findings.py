from django.urls import path

from rumbo.web.views import findings as views

urlpatterns = [
    path("i/<str:code>/hallazgos/", views.finding_list_view, name="findings"),
    path(
        "i/<str:code>/hallazgos/<int:pk>/revisar/",
        views.finding_review_view,
        name="finding_review",
    ),
]
