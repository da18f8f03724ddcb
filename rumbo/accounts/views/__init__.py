"""The accounts' pages: the login (``login``) and an institution's users (``users``)."""

from __future__ import annotations

from .login import LoginView

__all__ = ["LoginView"]
