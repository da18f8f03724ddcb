"""URLs of the budget's pages (mounted in the ``web`` namespace by ``rumbo.web.urls``).

``…/presupuesto/cargar/`` and ``i/<code>/presupuesto/partidas/`` belong to the budget
upload and the partidas catalogue."""

from django.urls import path

from rumbo.budget import views

BUDGET = "i/<str:code>/programa/<int:year>/presupuesto/"

urlpatterns = [
    path(BUDGET, views.budget, name="budget"),
    path(f"{BUDGET}presupuesto.xlsx", views.budget_download, name="budget_xlsx"),
]
