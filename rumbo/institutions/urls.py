"""URLs of an institution's pages (mounted in the ``web`` namespace by rumbo/web/urls): a
new institution, its data, its areas; the audit log."""

from django.urls import URLPattern, path

from .views import audit_log, setup

urlpatterns: list[URLPattern] = [
    path("instituciones/nueva/", setup.institution_create, name="institution_create"),
    path("i/<str:code>/editar/", setup.institution_edit, name="institution_edit"),
    path("i/<str:code>/logotipo/", setup.institution_logo, name="institution_logo"),
    path("i/<str:code>/areas/", setup.areas, name="areas"),
    path("i/<str:code>/areas/<int:area_id>/editar/", setup.area_edit, name="area_edit"),
    # mounted with the pages above: no URL of the apps in between matches it
    path("i/<str:code>/bitacora/", audit_log.audit_log, name="audit_log"),
]
