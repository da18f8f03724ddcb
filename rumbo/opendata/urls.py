"""Public open-data URLs under /datos/ (namespace ``opendata``): stable and readable."""

from django.urls import path

from . import views

app_name = "opendata"

YEAR = "<str:code>/<int:year>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("diccionario/<slug:dataset>.<slug:fmt>", views.dictionary, name="dictionary"),
    # Before «<code>/<year>/»: «comparativo» is not an institution's code.
    path("comparativo/", views.comparison_latest, name="comparison_latest"),
    path("comparativo/<int:year>/", views.comparison, name="comparison"),
    path("<str:code>/", views.institution, name="institution"),
    path(YEAR, views.program, name="program"),
    path(f"{YEAR}avance/", views.progress, name="progress"),
    path(f"{YEAR}indicadores/", views.indicators, name="indicators"),
    path(f"{YEAR}descargas/", views.downloads, name="downloads"),
    path(f"{YEAR}descargas/<slug:dataset>.<slug:fmt>", views.dataset, name="dataset"),
]
