from django.contrib import admin
from django.db import transaction

from rumbo.audit.services import Actor

from .forms import ThrottledAdminAuthenticationForm
from .models import ApiToken, LoginAttempt
from .tokens import token_revoke

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only but revocable: the secret is never stored, so nothing else is worth editing."""

    list_display = [
        "prefix",
        "user",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "user__username", "name"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Revocar los tokens seleccionados")
    def revoke(self, request, queryset):
        actor = Actor.for_user(request.user)
        with transaction.atomic():
            for token in queryset:
                token_revoke(actor=actor, token=token)
        self.message_user(request, f"Revocados {queryset.count()} tokens.")
