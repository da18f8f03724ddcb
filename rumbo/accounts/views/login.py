"""The login page, throttled: see ``rumbo.accounts.throttle`` for the policy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from ..forms import ThrottledAuthenticationForm


class LoginView(auth_views.LoginView):
    """Django's login, refusing (HTTP 429) without checking the password while blocked."""

    template_name = "web/login.html"
    redirect_authenticated_user = True
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form: Any) -> HttpResponse:
        block = getattr(form, "block", None)
        if block is None:
            return super().form_invalid(form)
        context = self.get_context_data(form=form, blocked_message=block.message)
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(block.minutes * 60)
        return response
