"""URLs of the program design pages: design, items, risk matrix, cronograma."""

from django.urls import path

from rumbo.design import views

DESIGN = "i/<str:code>/diseno/<int:design_id>/"
ITEM = f"{DESIGN}<str:kind>/"

urlpatterns = [
    path("i/<str:code>/disenos/", views.design_list, name="design_list"),
    path("i/<str:code>/disenos/nuevo/", views.design_create, name="design_create"),
    path(DESIGN, views.design_detail, name="design"),
    path(f"{DESIGN}editar/", views.design_edit, name="design_edit"),
    path(f"{DESIGN}riesgos/", views.design_risks, name="design_risks"),
    path(f"{DESIGN}cronograma/", views.design_schedule, name="design_schedule"),
    path(f"{ITEM}nuevo/", views.design_item_create, name="design_item_create"),
    path(f"{ITEM}<int:item_id>/", views.design_item_edit, name="design_item_edit"),
    path(f"{ITEM}<int:item_id>/eliminar/", views.design_item_delete, name="design_item_delete"),
]
