from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from rumbo.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "cuenta/entrar/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", api.urls),
    path("", include("rumbo.web.urls")),
]
