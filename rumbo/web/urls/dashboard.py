"""URLs of the dashboard pages: the program, an area, a subprogram."""

from django.urls import path

from rumbo.web.views import dashboard as views

BOARD = "i/<str:code>/programa/<int:year>/tablero/"

urlpatterns = [
    path(BOARD, views.dashboard, name="dashboard"),
    path(f"{BOARD}area/<str:area>/", views.dashboard_area, name="dashboard_area"),
    path(f"{BOARD}nodo/<int:node_id>/", views.dashboard_node, name="dashboard_node"),
]
