"""URLs of the budget's pages (mounted in the ``web`` namespace by ``rumbo.web.urls``)."""

from django.urls import path

from rumbo.budget import views

BUDGET = "i/<str:code>/programa/<int:year>/presupuesto/"
CATALOG = "i/<str:code>/presupuesto/"

urlpatterns = [
    # the program year's budget: momentos by node and capítulo, and its XLSX
    path(BUDGET, views.budget, name="budget"),
    path(f"{BUDGET}presupuesto.xlsx", views.budget_download, name="budget_xlsx"),
    # the upload of a budget file: template, upload with preview, apply
    path(f"{BUDGET}plantilla.xlsx", views.budget_template, name="budget_template"),
    path(f"{BUDGET}cargar/", views.budget_upload, name="budget_upload"),
    path(f"{BUDGET}cargar/aplicar/", views.budget_upload_apply, name="budget_upload_apply"),
    # the institution's partidas específicas and fuentes de financiamiento
    path(f"{CATALOG}partidas/", views.budget_items, name="budget_items"),
    path(f"{CATALOG}partidas/revisar/", views.budget_items_review, name="budget_items_review"),
    path(f"{CATALOG}partidas/<int:item_id>/", views.budget_item_edit, name="budget_item_edit"),
    path(f"{CATALOG}fuentes/nueva/", views.budget_source_create, name="budget_source_create"),
    path(f"{CATALOG}fuentes/<int:source_id>/", views.budget_source_edit, name="budget_source_edit"),
]
