from django.contrib import admin

from .forms import ThrottledAdminAuthenticationForm
from .models import LoginAttempt

# /admin/login/ goes through the same throttle as the login page (rumbo.accounts.throttle).
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts are evidence of who tried to log in, never edited by hand."""

    list_display = ["created_at", "username", "ip_address", "succeeded"]
    list_filter = ["succeeded"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
