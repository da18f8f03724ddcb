from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rumbo.accounts.tokens import token_authenticate, token_create
from rumbo.audit.services import Actor
from tests.factories import Demo

BASE = "/api/v1"


@pytest.fixture
def tokens(demo: Demo) -> dict[str, str]:
    """A bearer token for every persona, already used once (so no last-use update follows)."""
    raw = {}
    for name, user in demo.users.items():
        _, raw[name] = token_create(actor=Actor.cli(), user=user, name=f"prueba {name}")
        token_authenticate(raw[name])  # stamps last use: the next minute's calls cost 1 query
    return raw


Call = Callable[..., Any]


@pytest.fixture
def api(client: Client, tokens: dict[str, str]) -> Call:
    """``api("get", "/institutions", user="planeacion", json=...)`` → the response."""

    def call(
        method: str,
        path: str,
        *,
        user: str | None = "planeacion",
        token: str | None = None,
        json: Any = None,
        **extra: Any,
    ) -> Any:
        headers = dict(extra.pop("headers", {}))
        if token is None and user is not None:
            token = tokens[user]
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": headers, **extra}
        if json is not None:
            kwargs["data"] = json
            kwargs["content_type"] = "application/json"
        return getattr(client, method.lower())(f"{BASE}{path}", **kwargs)

    return call
