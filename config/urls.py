from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from rumbo.accounts import views as accounts_views
from rumbo.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cuenta/entrar/", accounts_views.LoginView.as_view(), name="login"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", api.urls),
    path("", include("rumbo.web.urls")),
]
