"""URLs of Planeación's monitoring settings: close day, bands, extensions, an
activity's own bands."""

from django.urls import URLPattern, path

from rumbo.web.views import monitoring_admin as views

urlpatterns: list[URLPattern] = [
    path(
        "i/<str:code>/seguimiento/configuracion/",
        views.monitoring_settings,
        name="monitoring_settings",
    ),
    path("i/<str:code>/seguimiento/prorrogas/", views.window_extensions, name="window_extensions"),
    path(
        "i/<str:code>/programa/<int:year>/actividad/<str:key>/semaforo/",
        views.activity_bands,
        name="activity_bands",
    ),
]
