"""The login page, throttled: see ``rumbo.accounts.throttle`` for the policy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse

from ..throttle import client_address, login_blocked, login_record


class LoginView(auth_views.LoginView):
    """Django's login, refusing (HTTP 429) without checking the password while blocked."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        address = client_address(request)
        block = login_blocked(username=username, ip_address=address)
        if block is not None:
            form = AuthenticationForm(request, initial={"username": username.strip()[:150]})
            context = self.get_context_data(form=form, blocked_message=block.message)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(block.minutes * 60)
            return response
        form = self.get_form()
        if form.is_valid():
            login_record(username=username, ip_address=address, succeeded=True)
            return self.form_valid(form)
        if username.strip() and request.POST.get("password"):
            login_record(username=username, ip_address=address, succeeded=False)
        return self.form_invalid(form)
