"""URLs of the user and membership management, and of one's own API tokens."""

from django.urls import path

from .views import tokens
from .views import users as views

urlpatterns = [
    path("cuenta/tokens/", tokens.api_tokens, name="api_tokens"),
    path("cuenta/tokens/<int:token_id>/revocar/", tokens.api_token_revoke, name="api_token_revoke"),
    path("i/<str:code>/usuarios/", views.user_list, name="users"),
    path("i/<str:code>/usuarios/nuevo/", views.user_create, name="user_create"),
    path("i/<str:code>/usuarios/<int:user_id>/", views.user_detail, name="user_detail"),
    path("i/<str:code>/usuarios/<int:user_id>/roles/", views.user_role_add, name="user_role_add"),
    path(
        "i/<str:code>/usuarios/<int:user_id>/roles/<int:membership_id>/quitar/",
        views.user_role_remove,
        name="user_role_remove",
    ),
    path(
        "i/<str:code>/usuarios/<int:user_id>/activo/", views.user_set_active, name="user_set_active"
    ),
    path(
        "i/<str:code>/usuarios/<int:user_id>/contrasena/",
        views.user_password_reset,
        name="user_password_reset",
    ),
]
