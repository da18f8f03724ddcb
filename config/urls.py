from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from rumbo.accounts import views as accounts_views
from rumbo.accounts.views import password_reset
from rumbo.api.urls import api
from rumbo.core.api.errors import unknown_path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cuenta/entrar/", accounts_views.LoginView.as_view(), name="login"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "cuenta/contrasena/olvide/",
        password_reset.ResetRequestView.as_view(),
        name="password_reset",
    ),
    path(
        "cuenta/contrasena/olvide/enviado/",
        password_reset.ResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "cuenta/contrasena/nueva/<uidb64>/<token>/",
        password_reset.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "cuenta/contrasena/lista/",
        password_reset.ResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/v1/", unknown_path),  # before ninja's own root, an HTML 404 outside DEBUG
    path("api/v1/", api.urls),
    re_path(r"^api/v1(?:/(?P<path>.*))?$", unknown_path),
    path("datos/", include("rumbo.opendata.urls")),  # public open data, no login
    path("", include("rumbo.web.urls")),
]
