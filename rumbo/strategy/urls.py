"""URLs of the strategic plan pages (mounted in the ``web`` namespace by rumbo/web/urls)."""

from django.urls import path

from . import views

KINDS = "<str:kind>"

urlpatterns = [
    path("i/<str:code>/planes/nuevo/", views.plan_create, name="plan_create"),
    path("i/<str:code>/plan/<int:plan_id>/", views.plan_detail, name="plan"),
    path("i/<str:code>/plan/<int:plan_id>/editar/", views.plan_edit, name="plan_edit"),
    path(
        f"i/<str:code>/plan/<int:plan_id>/{KINDS}/nuevo/",
        views.plan_element_create,
        name="plan_element_create",
    ),
    path(
        f"i/<str:code>/plan/<int:plan_id>/{KINDS}/<int:pk>/editar/",
        views.plan_element_edit,
        name="plan_element_edit",
    ),
    path(
        f"i/<str:code>/plan/<int:plan_id>/{KINDS}/<int:pk>/eliminar/",
        views.plan_element_delete,
        name="plan_element_delete",
    ),
]
