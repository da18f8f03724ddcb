"""URLs of one's own avisos (mounted by ``rumbo.web.urls`` in the ``web`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cuenta/avisos/", views.notifications, name="notifications"),
    path("cuenta/avisos/contador/", views.notifications_badge, name="notifications_badge"),
    path("cuenta/avisos/leidos/", views.notifications_mark_read, name="notifications_mark_read"),
    path("cuenta/avisos/correo/", views.notifications_email, name="notifications_email"),
    path("cuenta/avisos/<int:pk>/", views.notification_open, name="notification_open"),
]
