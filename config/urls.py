from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "cuenta/entrar/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("rumbo.web.urls")),
]
