from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import Demo, build_demo

PERSONAS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"]


@pytest.fixture
def demo(db) -> Demo:
    return build_demo()


@pytest.fixture
def as_user(client: Client, demo: Demo):
    """Log the named persona in: ``as_user("enlace_se")`` returns the client."""

    def login(name: str) -> Client:
        client.force_login(demo.users[name])
        return client

    return login
